"""The derived verdict (DESIGN.md semantics 6): can the pools take the proposed graph?

First a static check: each pool's demand (its peak runners in the proposed graph times the
pipelines running at once) against what its baseline load leaves free. Then the shared-pool
Monte Carlo decides: proceed when the proposed graph's p90 wall clock beats the current one's
and its p90 queueing delay stays under the target; otherwise search the cheapest runner
additions (by $/month) that get there.
"""

import heapq
import math
import statistics
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import BaseModel

from decider.engine.framework import FrameworkResult
from decider.engine.graph import Needs
from decider.engine.inputs import Pool, Scenario, Workflow
from decider.engine.pools import Placement
from decider.engine.simulation import SimJob, SimPool, SimulationInput, SimulationResult, simulate

Simulate = Callable[[SimulationInput], SimulationResult]
Verdict = Literal["proceed", "add_runners", "stay_sequential", "undecided"]

# Used when a pool has background load but neither a configured nor a measured job length.
DEFAULT_BACKGROUND_JOB_S = 300.0
MAX_SIMULATIONS = 40


class PoolDemand(BaseModel):
    pool: str
    peak_runners: int  # in one proposed pipeline
    concurrent_pipelines: int
    demand: int  # runners wanted at the peak
    runners: int
    baseline_utilization: float
    available: float  # runners * (1 - baseline utilization)
    fits: bool


class SimulatedFigures(BaseModel):
    pipelines: int
    current_p90_wall_clock_s: float
    proposed_p90_wall_clock_s: float
    proposed_p90_queue_delay_s: float
    current_p50_wall_clock_s: float
    proposed_p50_wall_clock_s: float
    proposed_p90_milestone_s: float | None
    target_queue_wait_s: float


class Decision(BaseModel):
    verdict: Verdict
    reason: str
    framework: FrameworkResult | None
    concurrent_pipelines: float  # expected pipelines running at once (Little's law for a rate)
    demand: list[PoolDemand]
    additions: dict[str, int]  # runners to add per pool to meet the target
    added_usd_per_month: float
    simulation: SimulatedFigures | None
    simulations_run: int
    warnings: list[str]


def concurrent_pipelines(scenario: Scenario, wall_clock_s: float) -> float:
    if scenario.pipelines_at_once is not None:
        return float(scenario.pipelines_at_once)
    if scenario.pipelines_per_hour is not None:
        return scenario.pipelines_per_hour * wall_clock_s / 3600
    return 1.0


def pool_demand(
    pools: list[Pool], peak_runners: Mapping[str, int], concurrent: float
) -> list[PoolDemand]:
    at_once = max(1, math.ceil(concurrent - 1e-9))
    rows = []
    for pool in pools:
        peak = peak_runners.get(pool.name, 0)
        if peak == 0:
            continue
        available = pool.runners * (1 - pool.baseline_utilization)
        rows.append(
            PoolDemand(
                pool=pool.name,
                peak_runners=peak,
                concurrent_pipelines=at_once,
                demand=peak * at_once,
                runners=pool.runners,
                baseline_utilization=pool.baseline_utilization,
                available=available,
                fits=peak * at_once <= available + 1e-9,
            )
        )
    return rows


def background_job_lengths(
    workflow: Workflow,
    pools: list[Pool],
    placements: Mapping[int, Placement],
    warn_for: set[str] | None = None,
) -> tuple[dict[str, float], list[str]]:
    """Per pool: its configured background job length, else the mean of its measured jobs."""
    measured: dict[str, list[float]] = {}
    for job in workflow.jobs:
        group = placements[job.id].group
        measured.setdefault(group, []).extend(sample.duration_s for sample in job.samples)
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
    pools: list[Pool],
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


def same_background_with_additions(pools: list[Pool], additions: Mapping[str, int]) -> list[Pool]:
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


class GraphCase(BaseModel):
    """Everything needed to simulate one graph on some runner counts."""

    needs: dict[int, list[int]]
    seconds: dict[int, float]
    placements: dict[int, Placement]


def decide(
    workflow: Workflow,
    pools: list[Pool],
    scenario: Scenario,
    current: GraphCase,
    proposed: GraphCase,
    proposed_peaks: Mapping[str, int],
    unconstrained_walls: tuple[float, float],
    framework: FrameworkResult | None,
    *,
    seed: int = 0,
    simulator: Simulate = simulate,
) -> Decision:
    concurrent = concurrent_pipelines(scenario, unconstrained_walls[1])
    demand = pool_demand(pools, proposed_peaks, concurrent)
    # Only pools that run a job of non-zero length are simulated: warn about those alone.
    simulated = {
        pool
        for case in (current, proposed)
        for job, placement in case.placements.items()
        if case.seconds[job] > 0
        for pool in placement.pools
    }
    background_s, warnings = background_job_lengths(
        workflow, pools, current.placements, warn_for=simulated
    )

    def decision(
        verdict: Verdict,
        reason: str,
        *,
        additions: dict[str, int] | None = None,
        added_usd_per_month: float = 0.0,
        simulation: SimulatedFigures | None = None,
        simulations_run: int = 0,
    ) -> Decision:
        return Decision(
            verdict=verdict,
            reason=reason,
            framework=framework,
            concurrent_pipelines=concurrent,
            demand=demand,
            additions=additions or {},
            added_usd_per_month=added_usd_per_month,
            simulation=simulation,
            simulations_run=simulations_run,
            warnings=warnings,
        )

    if unconstrained_walls[1] >= unconstrained_walls[0]:
        return decision(
            "stay_sequential",
            "The proposed graph is not faster even with unlimited runners "
            f"({unconstrained_walls[1]:.0f} s vs {unconstrained_walls[0]:.0f} s).",
        )
    saturated = [pool.name for pool in pools if pool.baseline_utilization >= 1]
    if saturated:
        return decision(
            "undecided",
            f"Pool(s) {', '.join(saturated)} are fully used by other work (utilization 100%): "
            "their queues never empty, so no simulation can decide.",
        )

    def run(case: GraphCase, additions: Mapping[str, int]) -> SimulationResult:
        inp = simulation_input(
            case.needs,
            case.seconds,
            case.placements,
            same_background_with_additions(pools, additions),
            background_s,
            scenario,
            seed,
        )
        return simulator(inp)

    baseline = run(current, {})
    assert baseline.pipeline_wall_clock_s is not None
    current_p90 = baseline.pipeline_wall_clock_s.p90
    target = scenario.target_queue_wait_s
    price = {pool.name: pool.monthly_usd_per_runner for pool in pools}
    # Pools that proposed jobs can only run on and that have no runners must get at least one.
    names = [pool.name for pool in pools]
    runners = {pool.name: pool.runners for pool in pools}
    # Only pools that run some job of non-zero length can shorten a queue by growing.
    searchable = [
        name
        for name in names
        if any(
            name in placement.pools and proposed.seconds[job] > 0
            for job, placement in proposed.placements.items()
        )
    ]
    start = tuple(
        1 if runners[name] == 0 and _needed_alone(name, proposed.placements, runners) else 0
        for name in searchable
    )
    limit = max([row.demand for row in demand], default=1) + 2

    def cost(vector: tuple[int, ...]) -> float:
        return sum(count * price[name] for count, name in zip(vector, searchable, strict=True))

    tried: dict[tuple[int, ...], SimulatedFigures | None] = {}

    def meets(vector: tuple[int, ...]) -> SimulatedFigures | None:
        """The simulated figures when these additions meet the target, else None (cached)."""
        if vector not in tried:
            additions = {name: n for name, n in zip(searchable, vector, strict=True) if n}
            result = run(proposed, additions)
            assert result.pipeline_wall_clock_s is not None
            assert result.pipeline_queue_delay_s is not None
            figures = SimulatedFigures(
                pipelines=scenario.simulated_pipelines,
                current_p90_wall_clock_s=current_p90,
                proposed_p90_wall_clock_s=result.pipeline_wall_clock_s.p90,
                proposed_p90_queue_delay_s=result.pipeline_queue_delay_s.p90,
                current_p50_wall_clock_s=baseline.pipeline_wall_clock_s.p50,
                proposed_p50_wall_clock_s=result.pipeline_wall_clock_s.p50,
                proposed_p90_milestone_s=(
                    result.milestone_wall_clock_s.p90 if result.milestone_wall_clock_s else None
                ),
                target_queue_wait_s=target,
            )
            faster = figures.proposed_p90_wall_clock_s < current_p90
            tried[vector] = (
                figures if faster and figures.proposed_p90_queue_delay_s <= target else None
            )
        return tried[vector]

    as_is = meets(start)
    if as_is is not None and not any(start):
        return decision(
            "proceed",
            f"Simulated p90 wall clock drops from {current_p90:.0f} s to "
            f"{as_is.proposed_p90_wall_clock_s:.0f} s and the p90 queueing delay "
            f"({as_is.proposed_p90_queue_delay_s:.0f} s) stays under the {target:.0f} s target.",
            simulation=as_is,
            simulations_run=1 + len(tried),
        )
    # More runners only shorten queues, so adding n to every pool bounds the cheapest answer;
    # then the cheapest additions are searched in order of $/month below that bound.
    bound = start if as_is is not None else None
    for extra in range(1, limit + 1):
        if bound is not None:
            break
        diagonal = tuple(n + extra for n in start)
        if meets(diagonal) is not None:
            bound = diagonal
    if bound is None:
        return decision(
            "stay_sequential",
            f"Even {limit} more runners per pool do not get the p90 queueing delay under "
            f"{target:.0f} s while beating the current {current_p90:.0f} s p90: stay sequential "
            "or raise the target.",
            simulations_run=1 + len(tried),
        )
    # Give back runners the bound does not need, dearest pool first (more runners never
    # lengthen queues, so each pool shrinks until one fewer misses the target) ...
    best = bound
    for index in sorted(range(len(searchable)), key=lambda i: -price[searchable[i]]):
        while best[index] > start[index]:
            fewer = tuple(n - (i == index) for i, n in enumerate(best))
            if meets(fewer) is None:
                break
            best = fewer
    # ... then look for a cheaper mix below it while the simulation budget lasts.
    bound = best
    frontier: list[tuple[float, int, tuple[int, ...]]] = [(cost(start), sum(start), start)]
    seen = {start}
    while frontier and len(tried) < MAX_SIMULATIONS:
        spent, _, vector = heapq.heappop(frontier)
        if spent >= cost(best):
            break
        if meets(vector) is not None:
            best = vector
            break
        for index in range(len(searchable)):
            following = tuple(n + (i == index) for i, n in enumerate(vector))
            if following not in seen and all(n <= b for n, b in zip(following, bound, strict=True)):
                seen.add(following)
                heapq.heappush(frontier, (cost(following), sum(following), following))
    figures = tried[best]
    assert figures is not None
    additions = {name: n for name, n in zip(searchable, best, strict=True) if n}
    added = ", ".join(f"{n} {name}" for name, n in additions.items())
    return decision(
        "add_runners",
        f"Add {added} runner(s) (${cost(best):,.0f}/month): then the simulated p90 wall clock "
        f"is {figures.proposed_p90_wall_clock_s:.0f} s (now {current_p90:.0f} s) with a p90 "
        f"queueing delay of {figures.proposed_p90_queue_delay_s:.0f} s (target {target:.0f} s).",
        additions=additions,
        added_usd_per_month=cost(best),
        simulation=figures,
        simulations_run=1 + len(tried),
    )


def _needed_alone(
    pool: str, placements: Mapping[int, Placement], runners: Mapping[str, int]
) -> bool:
    return any(
        pool in placement.pools and sum(runners[p] for p in placement.pools) == 0
        for placement in placements.values()
    )
