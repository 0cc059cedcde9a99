"""Pool sizing (DESIGN.md semantics 14): per pool, the smallest runner count whose simulated
p90 queue wait over the pool's pipeline jobs is at most the target at the stated load.

The search starts from a lower bound no smaller count can meet: a pool whose runners are all
busy on average (background work plus the pipelines' work at the stated rate) has a queue that
never empties. Above it, every pool that still misses doubles its step until it meets the
target, then halves the gap between its last miss and first hit. All pools move in one
simulation per round, so sizing a workflow costs about as many simulations as its hardest
pool needs, not the sum. More runners never lengthen a queue, which makes halving sound.
"""

import math
from collections.abc import Mapping

from pydantic import BaseModel

from decider.engine.limits import MAX_RUNNERS
from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.queueing import erlang_c_wait_percentile
from decider.engine.simulation import SimulationResult

# Enough rounds to double from the lower bound to a thousand runners and halve back.
MAX_ROUNDS = 22
# A round is one simulation; after today's search the plan runs up to three more (the
# proposal on today's pools and on the recommended ones, then today's graph on its recommended
# pools when the proposal does not beat it), so a round needs room for four.
SIMULATIONS_AFTER_A_ROUND = 4
# The marginal chart's window around a recommendation: enough fewer runners to show where the
# queue starts to grow, a couple more to show what money no longer buys. Its runs come last
# and stop where the work budget ends (the chart is then shorter).
MARGINAL_FEWER = 4
MARGINAL_MORE = 2


class RunnerStep(BaseModel):
    """One simulated runner count of a pool: what a manager sees on the marginal chart."""

    runners: int
    p90_wait_s: float | None  # None: the queue never empties at this count
    usd_per_month: float


class PoolSizing(BaseModel):
    pool: str
    lower_bound: int  # fewer runners than this are busy all the time on average
    needed: int | None  # None: not found within MAX_RUNNERS or the rounds
    steps: list[RunnerStep]  # every count simulated, fewest runners first
    # The search stopped to keep the verdict within its work budget: `needed` is then the
    # fewest runners found to meet the target (maybe not the fewest that would), or None.
    stopped_by_budget: bool = False


def busy_runners(setup: SimulationSetup, case: GraphCase, pool: str) -> float:
    """Runners the pool's work keeps busy on average: its background work (utilization of the
    runners the scenario states) plus the pipelines' work on it at the stated rate."""
    stated = next(p for p in setup.pools if p.name == pool)
    background = stated.baseline_utilization * stated.runners
    rate_per_s = (setup.scenario.pipelines_per_hour or 0.0) / 3600
    work_s = sum(
        case.seconds[job]
        for job, placement in case.placements.items()
        if placement.pools and placement.pools[0] == pool
    )
    return background + rate_per_s * work_s


def lower_bound(setup: SimulationSetup, case: GraphCase, pool: str) -> int:
    return max(1, math.floor(busy_runners(setup, case, pool)) + 1)


def erlang_estimate(setup: SimulationSetup, case: GraphCase, pool_name: str) -> int:
    """The fewest runners whose Erlang C p90 wait is at most the target: the pool as one
    M/M/c queue of its other work and the pipelines' jobs on it, at their mean lengths."""
    pool = next(p for p in setup.pools if p.name == pool_name)
    target = setup.scenario.target_queue_wait_s
    per_s = (setup.scenario.pipelines_per_hour or 0.0) / 3600
    jobs = [
        case.seconds[job]
        for job, placement in case.placements.items()
        if placement.pools and placement.pools[0] == pool_name and case.seconds[job] > 0
    ]
    background_s = setup.background_s.get(pool_name) or 0.0
    background_rate = (
        pool.baseline_utilization * pool.runners / background_s if background_s else 0.0
    )
    arrivals = background_rate + per_s * len(jobs)
    busy = background_rate * background_s + per_s * sum(jobs)  # runners busy on average
    if arrivals <= 0 or busy <= 0:
        return 1
    service_rate = arrivals / busy  # 1 / the mean job length of the mix
    runners = max(1, int(busy) + 1)
    while runners < MAX_RUNNERS:
        if erlang_c_wait_percentile(runners, arrivals, service_rate, 0.9) <= target:
            return runners
        runners += 1
    return MAX_RUNNERS


def additions_for(setup: SimulationSetup, runners: Mapping[str, int]) -> dict[str, int]:
    """The change from the scenario's runner counts to `runners` (negative: fewer)."""
    stated = {pool.name: pool.runners for pool in setup.pools}
    return {name: count - stated[name] for name, count in runners.items() if count != stated[name]}


def run_with(
    setup: SimulationSetup, case: GraphCase, runners: Mapping[str, int]
) -> SimulationResult | None:
    """The case simulated with these runner counts; None when a pool's background work alone
    fills its runners (its queue would never empty, whatever the workflow does)."""
    for pool in setup.pools:
        count = runners.get(pool.name, pool.runners)
        if pool.runners and pool.baseline_utilization * pool.runners >= count:
            return None
    return setup.run(case, additions_for(setup, runners))


def pipeline_wait(result: SimulationResult | None, pool: str) -> float | None:
    """The p90 queue wait of the pool's pipeline jobs; None when its queue never empties."""
    if result is None:
        return None
    stats = next((p for p in result.pools if p.name == pool), None)
    if stats is None:
        return 0.0  # no pipeline job queued on it: nothing waits
    if stats.saturated:
        return None
    return stats.pipeline_p90_wait_s or 0.0


def size_pools(
    setup: SimulationSetup, case: GraphCase, names: list[str]
) -> tuple[list[PoolSizing], int]:
    """Each named pool's sizing, and how many simulations it took."""
    target = setup.scenario.target_queue_wait_s
    price = {pool.name: pool.monthly_usd_per_runner for pool in setup.pools}
    bounds = {name: lower_bound(setup, case, name) for name in names}
    # The search starts where Erlang C puts the need (never under the stability bound): the
    # simulation then confirms it, or moves up or down from it.
    starts = {name: max(bounds[name], erlang_estimate(setup, case, name)) for name in names}
    miss = {name: bounds[name] - 1 for name in names}  # the most runners known to miss
    hit: dict[str, int | None] = dict.fromkeys(names)  # the fewest known to meet the target
    step = dict.fromkeys(names, 1)
    waits: dict[str, dict[int, float | None]] = {name: {} for name in names}

    def probe(name: str) -> int:
        if hit[name] is None:
            return min(MAX_RUNNERS, max(starts[name], miss[name] + 1) + step[name] - 1)
        return (miss[name] + (hit[name] or 0)) // 2

    def open_pools() -> list[str]:
        return [
            n
            for n in names
            if (hit[n] is None and miss[n] < MAX_RUNNERS) or (hit[n] or 0) - miss[n] > 1
        ]

    rounds = 0
    stopped: list[str] = []
    while rounds < MAX_ROUNDS:
        searching = open_pools()
        if not searching:
            break
        runners = {n: probe(n) if n in searching else (hit[n] or miss[n] + 1) for n in names}
        # This round, and the plan's runs after the search, must fit the work budget.
        if not setup.affords(case, runners, SIMULATIONS_AFTER_A_ROUND):
            stopped = searching
            break
        rounds += 1
        result = run_with(setup, case, runners)
        for name in searching:
            count = runners[name]
            wait = pipeline_wait(result, name)
            waits[name][count] = wait
            if wait is not None and wait <= target:
                hit[name] = count
            else:
                miss[name] = count
                step[name] *= 2
    sized = [
        PoolSizing(
            pool=name,
            lower_bound=bounds[name],
            needed=hit[name],
            steps=[
                RunnerStep(runners=count, p90_wait_s=wait, usd_per_month=count * price[name])
                for count, wait in sorted(waits[name].items())
            ],
            stopped_by_budget=name in stopped,
        )
        for name in names
    ]
    return sized, rounds


def marginal_steps(
    setup: SimulationSetup,
    case: GraphCase,
    runners: Mapping[str, int],
    sizing: PoolSizing,
) -> tuple[list[RunnerStep], int]:
    """The pool at each runner count around `runners[pool]`, every other pool at its count in
    `runners`: what one runner more or fewer changes. Counts below the lower bound are not
    simulated (their queue never empties). Also returns how many simulations it took."""
    name = sizing.pool
    price = next(pool.monthly_usd_per_runner for pool in setup.pools if pool.name == name)
    around = runners[name]
    steps, simulations = [], 0
    for count in range(
        max(1, around - MARGINAL_FEWER), min(MAX_RUNNERS, around + MARGINAL_MORE) + 1
    ):
        wait = None
        if count >= sizing.lower_bound:
            trial = {**runners, name: count}
            if not setup.affords(case, trial, 1):
                break
            wait = pipeline_wait(run_with(setup, case, trial), name)
            simulations += 1
        steps.append(RunnerStep(runners=count, p90_wait_s=wait, usd_per_month=count * price))
    return steps, simulations
