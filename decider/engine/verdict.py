"""The derived verdict (DESIGN.md semantics 6), read from the plan (semantics 13).

First a static check: each pool's demand (its peak runners in the proposed graph times the
pipelines running at once) against what its baseline load leaves free. Then the plan decides:
it keeps the proposed graph when, on the pools sized for it (every pool's p90 queue wait at
most the target), its simulated p90 wall clock beats today's graph on today's pools; the
runners it adds to today's pools are the verdict's additions. Otherwise today's graph stays,
on pools sized for it.
"""

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

from decider.engine.formatting import duration, noun, signed_usd
from decider.engine.framework import FrameworkResult
from decider.engine.inputs import Pool, Scenario
from decider.engine.plan import Plan
from decider.engine.sizing import PoolSizing

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
    # Pools whose planned p90 queue wait is too close to the target for the simulation to tell
    # which side it is on (the target lies in its 90% interval); the reason says so.
    close_to_target: list[str] = []
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
    plan: Plan,
    pools: list[Pool],
    scenario: Scenario,
    proposed_wall_clock_s: float,
    proposed_peak_runners: Mapping[str, int],
    framework: FrameworkResult | None,
    warnings: list[str],
) -> Decision:
    """`pools` are the scenario's (its runner counts, loads and prices)."""
    concurrent = concurrent_pipelines(scenario, proposed_wall_clock_s)
    additions = {name: n for name, n in plan.money.added_runners.items() if n > 0}
    verdict, reason = _ruling(plan, scenario)
    close = plan.planned.close_to(scenario.target_queue_wait_s) if plan.planned else []
    if close and verdict != "undecided":
        reason += " " + _close_words(plan, close, scenario.target_queue_wait_s)
    return Decision(
        verdict=verdict,
        reason=reason,
        framework=framework,
        concurrent_pipelines=concurrent,
        demand=pool_demand(pools, proposed_peak_runners, concurrent),
        additions=additions,
        added_usd_per_month=plan.money.added_usd_per_month,
        simulation=_figures(scenario, plan),
        close_to_target=close,
        simulations_run=plan.simulations_run,
        warnings=warnings + _shortened_words(plan, scenario),
    )


def _shortened_words(plan: Plan, scenario: Scenario) -> list[str]:
    """Say so when a big workflow was simulated with fewer pipelines than asked."""
    ran = plan.simulated_pipelines
    if ran is None or ran >= scenario.simulated_pipelines:
        return []
    return [
        f"This workflow is big, so its queues were simulated with {ran} pipelines instead of "
        f"{scenario.simulated_pipelines} to keep one answer within the work one request may "
        "take. Waits near the target are less certain: the verdict gives their likely range."
    ]


def _sizings(plan: Plan) -> list[PoolSizing]:
    """The sizing of each pool for the graph the plan chose."""
    found = (
        pool.sizing_proposed if plan.graph == "proposed" else pool.sizing_today
        for pool in plan.pools
    )
    return [sizing for sizing in found if sizing is not None]


def _ruling(plan: Plan, scenario: Scenario) -> tuple[Verdict, str]:
    if plan.no_verdict is not None:
        return "undecided", plan.no_verdict
    unsized = [
        pool.name
        for pool in plan.pools
        if (sizing := pool.sizing_proposed if plan.graph == "proposed" else pool.sizing_today)
        and sizing.needed is None
    ]
    today, planned = plan.today, plan.planned
    target = duration(scenario.target_queue_wait_s)
    if unsized and any(pool.stopped_by_budget for pool in _sizings(plan)):
        return "undecided", (
            f"The runner search for {', '.join(unsized)} stopped at the work budget one request "
            f"may use before any count got the p90 queue wait under the {target} target: lower "
            "the load or raise the target."
        )
    if unsized:
        return "undecided", (
            f"No runner count up to the limit gets the p90 queue wait of {', '.join(unsized)} "
            f"under the {target} target at this load: lower the load or raise the target."
        )
    assert planned is not None
    now = duration(today.p90_wall_clock_s) if today else "not finishing at this load"
    change = _change_words(plan)
    if plan.graph == "proposed":
        adds = any(n > 0 for n in plan.money.added_runners.values())
        verdict: Verdict = "add_runners" if adds else "proceed"
        return verdict, (
            f"{change}: the proposed graph's simulated p90 wall clock is "
            f"{duration(planned.p90_wall_clock_s)} (today {now}), with every pool's p90 queue wait "
            f"at most the {target} target."
        )
    why = (
        "the proposed graph is no faster than today's even on unlimited runners, so this sizes "
        "today's pools"
        if plan.proposed_today is None
        else f"the proposal does not beat today's p90 wall clock ({now}) at this load"
    )
    return "stay_sequential", (
        f"Keep today's graph: {why}. {change} for today's graph: p90 wall clock "
        f"{duration(planned.p90_wall_clock_s)} (today {now}) with every pool's p90 queue wait at "
        f"most the {target} target."
    )


def _close_words(plan: Plan, pools: list[str], target_s: float) -> str:
    assert plan.planned is not None
    figures = []
    for pool in pools:
        interval = plan.planned.p90_wait_interval_s[pool]
        assert interval is not None
        figures.append(
            f"{pool}: {plan.planned.p90_wait_s[pool] or 0:.0f} s, "
            f"likely between {interval[0]:.0f} and {interval[1]:.0f} s"
        )
    return (
        "Close to the target: the simulation cannot tell whether it is met; the p90 wait for a "
        f"runner is near the {target_s:.0f} s target ({'; '.join(figures)}). Treat the "
        "recommended runner count as borderline: one runner more or less may be what is needed, "
        "and more simulated pipelines narrow the range."
    )


def _change_words(plan: Plan) -> str:
    change = plan.money.added_runners
    added = [f"{n} {name}" for name, n in change.items() if n > 0]
    removed = [f"{-n} {name}" for name, n in change.items() if n < 0]
    parts = []
    if added:
        runners = noun(sum(n for n in change.values() if n > 0), "runner")
        parts.append(f"add {', '.join(added)} {runners}")
    if removed:
        runners = noun(sum(-n for n in change.values() if n < 0), "runner")
        parts.append(f"remove {', '.join(removed)} {runners}")
    if not parts:
        return "Today's runners suffice"
    text = " and ".join(parts)
    return f"{text[0].upper()}{text[1:]} ({signed_usd(plan.money.added_usd_per_month)}/month)"


def _figures(scenario: Scenario, plan: Plan) -> SimulatedFigures | None:
    today, planned = plan.today, plan.planned
    if today is None or planned is None or plan.simulated_pipelines is None:
        return None
    return SimulatedFigures(
        pipelines=plan.simulated_pipelines,
        current_p90_wall_clock_s=today.p90_wall_clock_s,
        proposed_p90_wall_clock_s=planned.p90_wall_clock_s,
        proposed_p90_queue_delay_s=planned.p90_queue_delay_s,
        current_p50_wall_clock_s=today.p50_wall_clock_s,
        proposed_p50_wall_clock_s=planned.p50_wall_clock_s,
        proposed_p90_milestone_s=planned.p90_milestone_s,
        target_queue_wait_s=scenario.target_queue_wait_s,
    )
