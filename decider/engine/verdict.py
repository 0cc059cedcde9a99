"""The derived verdict (DESIGN.md semantics 6): can the pools take the proposed graph?

First a static check: each pool's demand (its peak runners in the proposed graph times the
pipelines running at once) against what its baseline load leaves free. Then the shared-pool
Monte Carlo decides: proceed when the proposed graph's p90 wall clock beats the current one's
and its p90 queueing delay stays under the target; otherwise the cheapest runner additions
(by $/month) that get there, from `runner_search`.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from decider.engine.framework import FrameworkResult
from decider.engine.inputs import Pool, Scenario, Workflow
from decider.engine.pool_simulation import (
    GraphCase,
    Simulate,
    SimulationSetup,
    background_job_lengths,
)
from decider.engine.runner_search import RunnerSearch, search_runner_additions
from decider.engine.simulation import SimulationResult, simulate

Verdict = Literal["proceed", "add_runners", "stay_sequential", "undecided"]


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


def decide(
    workflow: Workflow,
    pools: list[Pool],
    scenario: Scenario,
    current: GraphCase,
    proposed: GraphCase,
    framework: FrameworkResult | None,
    *,
    seed: int = 0,
    simulator: Simulate = simulate,
) -> Decision:
    concurrent = concurrent_pipelines(scenario, proposed.unconstrained_wall_clock_s)
    demand = pool_demand(pools, proposed.peak_runners, concurrent)
    background_s, warnings = background_job_lengths(
        workflow, pools, current.placements, warn_for=_simulated_pools(current, proposed)
    )
    setup = SimulationSetup(
        pools=tuple(pools),
        background_s=background_s,
        scenario=scenario,
        seed=seed,
        simulator=simulator,
    )
    ruling = _ruling(setup, current, proposed, demand)
    return Decision(
        verdict=ruling.verdict,
        reason=ruling.reason,
        framework=framework,
        concurrent_pipelines=concurrent,
        demand=demand,
        additions=ruling.additions,
        added_usd_per_month=ruling.added_usd_per_month,
        simulation=ruling.simulation,
        simulations_run=ruling.simulations_run,
        warnings=warnings,
    )


@dataclass(frozen=True)
class _Ruling:
    """The part of a Decision that depends on the verdict."""

    verdict: Verdict
    reason: str
    additions: dict[str, int] = field(default_factory=dict)
    added_usd_per_month: float = 0.0
    simulation: SimulatedFigures | None = None
    simulations_run: int = 0


def _ruling(
    setup: SimulationSetup, current: GraphCase, proposed: GraphCase, demand: list[PoolDemand]
) -> _Ruling:
    before, after = current.unconstrained_wall_clock_s, proposed.unconstrained_wall_clock_s
    if after >= before:
        return _Ruling(
            "stay_sequential",
            "The proposed graph is not faster even with unlimited runners "
            f"({after:.0f} s vs {before:.0f} s).",
        )
    saturated = [pool.name for pool in setup.pools if pool.baseline_utilization >= 1]
    if saturated:
        return _Ruling(
            "undecided",
            f"Pool(s) {', '.join(saturated)} are fully used by other work (utilization 100%): "
            "their queues never empty, so no simulation can decide.",
        )
    today = setup.run(current, {})
    assert today.pipeline_wall_clock_s is not None
    current_p90 = today.pipeline_wall_clock_s.p90
    target = setup.scenario.target_queue_wait_s
    limit = max([row.demand for row in demand], default=1) + 2
    search = search_runner_additions(
        RunnerSearch(
            setup=setup, proposed=proposed, current_p90_wall_clock_s=current_p90, limit=limit
        )
    )
    simulations_run = 1 + search.simulations
    found = search.found
    if found is None:
        return _Ruling(
            "stay_sequential",
            f"Even {limit} more runners per pool do not get the p90 queueing delay under "
            f"{target:.0f} s while beating the current {current_p90:.0f} s p90: stay sequential "
            "or raise the target.",
            simulations_run=simulations_run,
        )
    figures = _figures(setup.scenario, today, found.simulated)
    if not found.additions:
        return _Ruling(
            "proceed",
            f"Simulated p90 wall clock drops from {current_p90:.0f} s to "
            f"{figures.proposed_p90_wall_clock_s:.0f} s and the p90 queueing delay "
            f"({figures.proposed_p90_queue_delay_s:.0f} s) stays under the {target:.0f} s target.",
            simulation=figures,
            simulations_run=simulations_run,
        )
    added = ", ".join(f"{n} {name}" for name, n in found.additions.items())
    return _Ruling(
        "add_runners",
        f"Add {added} runner(s) (${found.usd_per_month:,.0f}/month): then the simulated p90 "
        f"wall clock is {figures.proposed_p90_wall_clock_s:.0f} s (now {current_p90:.0f} s) "
        f"with a p90 queueing delay of {figures.proposed_p90_queue_delay_s:.0f} s "
        f"(target {target:.0f} s).",
        additions=found.additions,
        added_usd_per_month=found.usd_per_month,
        simulation=figures,
        simulations_run=simulations_run,
    )


def _figures(
    scenario: Scenario, today: SimulationResult, proposed: SimulationResult
) -> SimulatedFigures:
    assert today.pipeline_wall_clock_s is not None
    assert proposed.pipeline_wall_clock_s is not None
    assert proposed.pipeline_queue_delay_s is not None
    return SimulatedFigures(
        pipelines=scenario.simulated_pipelines,
        current_p90_wall_clock_s=today.pipeline_wall_clock_s.p90,
        proposed_p90_wall_clock_s=proposed.pipeline_wall_clock_s.p90,
        proposed_p90_queue_delay_s=proposed.pipeline_queue_delay_s.p90,
        current_p50_wall_clock_s=today.pipeline_wall_clock_s.p50,
        proposed_p50_wall_clock_s=proposed.pipeline_wall_clock_s.p50,
        proposed_p90_milestone_s=(
            proposed.milestone_wall_clock_s.p90 if proposed.milestone_wall_clock_s else None
        ),
        target_queue_wait_s=scenario.target_queue_wait_s,
    )


def _simulated_pools(current: GraphCase, proposed: GraphCase) -> set[str]:
    """Pools that run a job of non-zero length: only those are simulated, and warned about."""
    return {
        pool
        for case in (current, proposed)
        for job, placement in case.placements.items()
        if case.seconds[job] > 0
        for pool in placement.pools
    }
