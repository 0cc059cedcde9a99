"""One job graph simulated on the scenario's pools, as the verdict and its runner search need it.

What varies between the verdict's simulations is only the graph (current or proposed) and the
runners added to each pool; `SimulationSetup` holds everything else.
"""

import statistics
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel

from decider.engine.graph import Needs
from decider.engine.inputs import Pool, Scenario, Workflow
from decider.engine.limits import VERDICT_SIMULATION_WORK_BUDGET, VERDICT_WORK_BUDGET
from decider.engine.pools import Placement
from decider.engine.runs import counted
from decider.engine.simulation import (
    SimJob,
    SimPool,
    SimulationInput,
    SimulationResult,
    WorkBudgetExceeded,
    check_work,
)

Simulate = Callable[[SimulationInput], SimulationResult]

# Used when a pool has background load but neither a configured nor a measured job length.
DEFAULT_BACKGROUND_JOB_S = 300.0


class GraphCase(BaseModel):
    """One graph as the verdict sees it: what simulating it needs, and its unconstrained figures."""

    needs: dict[int, list[int]]
    seconds: dict[int, float]
    placements: dict[int, Placement]
    unconstrained_wall_clock_s: float
    peak_runners: dict[str, int]  # per pool, in one pipeline with unlimited runners


@dataclass(frozen=True)
class SimulationSetup:
    """What every simulation of one verdict shares: pools, background load, pipelines, seed."""

    pools: tuple[Pool, ...]  # with the scenario's runners, baseline loads and prices
    background_s: Mapping[str, float]  # mean background job length per pool
    scenario: Scenario
    seed: int
    simulator: Simulate

    def run(self, case: GraphCase, additions: Mapping[str, int]) -> SimulationResult:
        return self.simulator(self.input_for(case, additions))

    def affords(self, case: GraphCase, runners: Mapping[str, int], simulations: int) -> bool:
        """Whether the verdict's work budget still holds `simulations` more runs of `case`,
        each costing as much as with these runner counts or with the stated ones, whichever
        costs more (the plan's last runs may use either). Always, without a budget."""
        if not isinstance(self.simulator, BudgetedSimulator):
            return True
        stated = {pool.name: pool.runners for pool in self.pools}
        additions = {name: count - stated[name] for name, count in runners.items()}
        try:
            return all(
                self.simulator.affords(self.input_for(case, change), simulations)
                for change in (additions, {})
            )
        except ValueError:
            return True  # a pool full of other work: the run itself says so, at no cost

    def with_own_budget(self, budget: int) -> "SimulationSetup":
        """The same setup, its runs counted against a budget of their own: the analyses made
        after the verdict (which assumption matters, growth) must not be crowded out by what
        the verdict spent, nor crowd it out."""
        plain = (
            self.simulator.simulator
            if isinstance(self.simulator, BudgetedSimulator)
            else self.simulator
        )
        return replace(self, simulator=BudgetedSimulator(plain, budget=budget))

    def input_for(self, case: GraphCase, additions: Mapping[str, int]) -> SimulationInput:
        return simulation_input(
            case.needs,
            case.seconds,
            case.placements,
            same_background_with_additions(self.pools, additions),
            self.background_s,
            self.scenario,
            self.seed,
        )


class BudgetedSimulator:
    """A simulator that refuses, before starting it, the simulation that would take one
    verdict past its work budget (every simulation of a verdict goes through one of these)."""

    def __init__(self, simulator: Simulate, budget: int = VERDICT_WORK_BUDGET) -> None:
        self.simulator = simulator
        self.budget = budget
        self.spent = 0

    def affords(self, inp: SimulationInput, simulations: int) -> bool:
        work = check_work(inp, VERDICT_SIMULATION_WORK_BUDGET).total
        return self.spent + simulations * work <= self.budget

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        work = check_work(inp, VERDICT_SIMULATION_WORK_BUDGET).total
        if self.spent + work > self.budget:
            raise WorkBudgetExceeded(
                f"its simulations would take the work of more than {self.budget:,} simulated "
                "jobs in one request; fewer pipelines at once or per hour, or less background "
                "utilization bring it within the limit."
            )
        self.spent += work
        return self.simulator(inp)


# Where a pool's background job length comes from: typed (inventory or scenario), the team's
# measured load (the scenario took it from stored runs of other workflows), this workflow's
# jobs' runs, or a default.
BackgroundSource = Literal["typed", "measured_load", "measured", "assumed"]


def background_sources(
    workflow: Workflow,
    pools: list[Pool],
    placements: Mapping[int, Placement],
    include_failed_runs: bool,
    from_measured_load: Collection[str] = (),
) -> dict[str, BackgroundSource]:
    """Where each pool's background job length comes from (see `background_job_lengths`);
    `from_measured_load`: the pools whose length the scenario took from measured load."""
    measured = {
        placements[job.id].group
        for job in workflow.jobs
        if counted(job.samples, include_failed_runs).samples
    }
    return {
        pool.name: "measured_load"
        if pool.mean_background_job_s and pool.name in from_measured_load
        else "typed"
        if pool.mean_background_job_s
        else "measured"
        if pool.name in measured
        else "assumed"
        for pool in pools
    }


def background_job_lengths(
    workflow: Workflow,
    pools: list[Pool],
    placements: Mapping[int, Placement],
    include_failed_runs: bool,
    warn_for: set[str] | None = None,
) -> tuple[dict[str, float], list[str]]:
    """Per pool: its configured background job length, else the mean of its measured jobs
    (over the runs that count, as for durations)."""
    measured: dict[str, list[float]] = {}
    for job in workflow.jobs:
        group = placements[job.id].group
        measured.setdefault(group, []).extend(counted(job.samples, include_failed_runs).durations)
    lengths: dict[str, float] = {}
    warnings: list[str] = []
    for pool in pools:
        if pool.mean_background_job_s:
            lengths[pool.name] = pool.mean_background_job_s
        elif measured.get(pool.name):
            lengths[pool.name] = statistics.fmean(measured[pool.name])
        else:
            lengths[pool.name] = DEFAULT_BACKGROUND_JOB_S
            if pool.baseline_utilization > 0 and (warn_for is None or pool.name in warn_for):
                warnings.append(
                    f"Pool {pool.name} has no measured jobs: its background jobs are assumed "
                    f"to last {DEFAULT_BACKGROUND_JOB_S:.0f} s on average."
                )
    return lengths, warnings


def simulation_input(
    needs: Needs,
    seconds: Mapping[int, float],
    placements: Mapping[int, Placement],
    pools: Sequence[Pool],
    background_s: Mapping[str, float],
    scenario: Scenario,
    seed: int,
) -> SimulationInput:
    with_runners = {pool.name: pool for pool in pools if pool.runners > 0}
    jobs = []
    for job, job_needs in needs.items():
        # A zero-length job (unmeasured, not estimated) holds no runner, as in the constrained
        # schedule: otherwise a job we know nothing about would decide how many runners to buy.
        pool = next((p for p in placements[job].pools if p in with_runners), None)
        if seconds[job] <= 0:
            pool = None
        jobs.append(SimJob(index=job, duration_s=seconds[job], needs=list(job_needs), pool=pool))
    used = {job.pool for job in jobs if job.pool}
    return SimulationInput(
        pools=[
            SimPool(
                name=pool.name,
                runners=pool.runners,
                baseline_utilization=pool.baseline_utilization,
                mean_background_job_s=background_s[pool.name],
            )
            for pool in pools
            if pool.name in used
        ],
        jobs=jobs,
        milestone=list(scenario.milestone),
        pipelines_per_hour=scenario.pipelines_per_hour,
        pipelines_at_once=scenario.pipelines_at_once
        if scenario.concurrent_pipelines_given()
        else 1,
        pipelines=scenario.simulated_pipelines,
        seed=seed,
    )


def same_background_with_additions(
    pools: Sequence[Pool], additions: Mapping[str, int]
) -> list[Pool]:
    """Added runners serve the same background work, so its utilization share falls:
    u' = u * c / (c + a). (Keeping u would grow the background with the pool.)"""
    grown = []
    for pool in pools:
        added = additions.get(pool.name, 0)
        runners = pool.runners + added
        busy = pool.baseline_utilization * pool.runners
        utilization = busy / runners if runners else pool.baseline_utilization
        grown.append(
            pool.model_copy(update={"runners": runners, "baseline_utilization": utilization})
        )
    return grown
