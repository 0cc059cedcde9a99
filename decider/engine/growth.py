"""When growth breaks it (issue 12): pipelines arriving a given percentage more each month, the
runners each pool needs month by month for a year, and the month today's runners and the
plan's runners stop meeting the queue-wait target.

Rules (docs/plan.md, rule 10):
- Month m's busy-hour rate is the scenario's pipelines per hour x (1 + growth)^m, m = 0..12;
  the pools' other work (baseline utilization of today's runners) stays as it is.
- A pool's need in a month is the fewest runners whose p90 wait for the kept graph's jobs is
  at most the target. It is started from Erlang C (the pool as an M/M/c queue fed by its
  other work and by the pipelines' jobs at the month's rate, each kind at its mean length)
  shifted by how far month 0's simulated need sits from month 0's Erlang C estimate (jobs of a
  pipeline arrive together, which Erlang C does not model), then confirmed by the simulation:
  one runner more until the target is met, one fewer while it still is. Needs never fall as
  the load grows, so a month starts from the month before.
- Those simulations have their own work budget (GROWTH_WORK_BUDGET). Months past it keep the
  shifted Erlang C estimate and say so ("estimated").
- A set of runner counts (today's, the plan's) meets the target in month m when every pool
  has at least its need then; it breaks in the first month it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pydantic import BaseModel, Field

from decider.engine.formatting import usd
from decider.engine.limits import GROWTH_WORK_BUDGET, MAX_RUNNERS
from decider.engine.plan import Plan, PlanInputs, sized_pools
from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.simulation import WorkBudgetExceeded
from decider.engine.sizing import PoolSizing, erlang_estimate, pipeline_wait, run_with

MONTHS = 12


class GrowthMonth(BaseModel):
    month: int  # 0 is today
    pipelines_per_hour: float
    runners: dict[str, int]  # the fewest per pool that meet the target
    usd_per_month: float  # those runners at each pool's price
    simulated: bool  # confirmed by the simulation; False: the shifted Erlang C estimate


class Breaking(BaseModel):
    """When a set of runner counts stops meeting the target as the load grows."""

    name: str  # "Today's runners", "The plan's runners"
    runners: dict[str, int]
    usd_per_month: float
    breaks_in_month: int | None = Field(
        description="First month some pool needs more; 0: already short today; None: holds"
    )


class Growth(BaseModel):
    growth_pct_per_month: float | None
    months: list[GrowthMonth]
    breaking: list[Breaking]
    missing: str | None  # why there is no growth table, in plain words
    summary: str = ""


def growth(inputs: PlanInputs, plan: Plan) -> Growth:
    scenario = inputs.setup.scenario
    rate_pct = scenario.growth_pct_per_month
    why_not = _why_not(plan, rate_pct, scenario.pipelines_per_hour)
    if why_not is not None:
        return Growth(
            growth_pct_per_month=rate_pct, months=[], breaking=[], missing=why_not, summary=""
        )
    assert rate_pct is not None and scenario.pipelines_per_hour is not None
    kept = inputs.proposed if plan.graph == "proposed" else inputs.current
    names = sized_pools(kept, list(inputs.setup.pools))
    setup = replace(
        inputs.setup.with_own_budget(GROWTH_WORK_BUDGET),
        scenario=scenario.model_copy(update={"simulated_pipelines": plan.simulated_pipelines}),
    )
    price = {pool.name: pool.monthly_usd_per_runner for pool in setup.pools}
    recommended = {pool.name: pool.recommended_runners for pool in plan.pools}
    sized = {
        pool.name: pool.sizing_proposed if plan.graph == "proposed" else pool.sizing_today
        for pool in plan.pools
    }
    months: list[GrowthMonth] = []
    shift: dict[str, int] = {}
    previous: dict[str, int] = {}
    can_simulate = True
    for month in range(MONTHS + 1):
        rate = scenario.pipelines_per_hour * (1 + rate_pct / 100) ** month
        trial = replace(
            setup, scenario=setup.scenario.model_copy(update={"pipelines_per_hour": rate})
        )
        estimate = {name: erlang_estimate(trial, kept, name) for name in names}
        if month == 0:
            # Month 0 is the plan's own sizing: the simulated need the verdict found (the
            # recommendation can be more, where the scenario typed a larger count).
            need = {name: _needed(sized[name], recommended[name]) for name in names}
            shift = {name: need[name] - estimate[name] for name in names}
            simulated = True
        else:
            start = {
                name: min(MAX_RUNNERS, max(previous[name], estimate[name] + shift[name]))
                for name in names
            }
            need, simulated = start, False
            if can_simulate:
                try:
                    need = _confirmed(trial, kept, start, previous)
                    simulated = True
                except WorkBudgetExceeded:
                    can_simulate = False
        previous = need
        months.append(
            GrowthMonth(
                month=month,
                pipelines_per_hour=rate,
                runners=need,
                usd_per_month=sum(need[name] * price[name] for name in names),
                simulated=simulated,
            )
        )
    inventory = {pool.name: pool.runners for pool in inputs.inventory}
    breaking = [
        _breaking("Today's runners", inventory, names, months, price),
        _breaking("The plan's runners", recommended, names, months, price),
    ]
    return Growth(
        growth_pct_per_month=rate_pct,
        months=months,
        breaking=breaking,
        missing=None,
        summary=_summary(rate_pct, breaking, months),
    )


def _needed(sizing: PoolSizing | None, recommended: int) -> int:
    return sizing.needed if sizing is not None and sizing.needed is not None else recommended


def _why_not(plan: Plan, rate_pct: float | None, per_hour: float | None) -> str | None:
    if plan.no_verdict is not None or plan.planned is None:
        return "Nothing to project: there is no plan at today's load."
    if rate_pct is None:
        return (
            "Give a monthly growth of pipelines to see when today's runners and the plan's run out."
        )
    if per_hour is None:
        return (
            "Growth needs pipelines per hour: the scenario states one pipeline at a time or a "
            "number at once, which do not grow with arrivals."
        )
    return None


def _confirmed(
    setup: SimulationSetup,
    case: GraphCase,
    start: Mapping[str, int],
    floor: Mapping[str, int],
) -> dict[str, int]:
    """From `start`, one runner more for each pool that misses the target, then one fewer for
    each that still meets it, never under `floor`: all pools move in each simulation."""
    target = setup.scenario.target_queue_wait_s
    runners = dict(start)
    met: dict[str, bool] = {}
    for _ in range(2 * MONTHS):  # a bounded walk; the budget usually stops it sooner
        waits = _waits(setup, case, runners)
        met = {name: wait is not None and wait <= target for name, wait in waits.items()}
        missing = [name for name, ok in met.items() if not ok and runners[name] < MAX_RUNNERS]
        if not missing:
            break
        for name in missing:
            runners[name] += 1
    fewer = {name: count - 1 for name, count in runners.items() if count - 1 >= max(1, floor[name])}
    while fewer:
        waits = _waits(setup, case, {**runners, **fewer})
        kept = {
            name: count
            for name, count in fewer.items()
            if waits[name] is not None and (waits[name] or 0.0) <= target
        }
        if not kept:
            break
        runners.update(kept)
        fewer = {
            name: runners[name] - 1 for name in kept if runners[name] - 1 >= max(1, floor[name])
        }
    return runners


def _waits(
    setup: SimulationSetup, case: GraphCase, runners: Mapping[str, int]
) -> dict[str, float | None]:
    counts = {pool.name: runners.get(pool.name, pool.runners) for pool in setup.pools}
    result = run_with(setup, case, counts)
    return {name: pipeline_wait(result, name) for name in runners}


def _breaking(
    name: str,
    runners: Mapping[str, int],
    pools: list[str],
    months: list[GrowthMonth],
    price: Mapping[str, float],
) -> Breaking:
    short = next(
        (
            month.month
            for month in months
            if any(runners[pool] < month.runners[pool] for pool in pools)
        ),
        None,
    )
    return Breaking(
        name=name,
        runners={pool: runners[pool] for pool in pools},
        usd_per_month=sum(runners[pool] * price[pool] for pool in pools),
        breaks_in_month=short,
    )


def _summary(rate_pct: float, breaking: list[Breaking], months: list[GrowthMonth]) -> str:
    def words(row: Breaking) -> str:
        if row.breaks_in_month is None:
            return f"{row.name.lower()} still meet the target after {MONTHS} months"
        if row.breaks_in_month == 0:
            return f"{row.name.lower()} are short already"
        return f"{row.name.lower()} stop meeting it in month {row.breaks_in_month}"

    last = months[-1]
    outlook = "; ".join(words(row) for row in breaking)
    return (
        f"With pipelines growing {rate_pct:g}% a month, {outlook}. In month {last.month} the "
        f"pools need {sum(last.runners.values())} runners in all ({usd(last.usd_per_month)} "
        "per month)."
    )
