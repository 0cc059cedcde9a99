"""Which assumption matters (issue 12): the plan's net monthly benefit as each assumption moves
over a range, widest swing first (a tornado), and the assumption that flips the decision.

The net monthly benefit is the plan's (plan.py rule 5): value of the time saved minus the
change in runner cost, with the plan's recommended runner counts held fixed. Each assumption
moves on its own, every other one at the scenario's value:

- pipelines per month, people waiting per pipeline, loaded $/hour: from half to one and a half
  times the stated value. The value is proportional to each, so the net moves in a straight
  line and its break-even value is exact: cost / (value per unit).
- runner prices (every pool's $/runner-month together): half to one and a half times today's;
  the cost is proportional to them, so its break-even is exact too.
- busy-hour pipelines per hour (x0.5 to x1.5), the pools' baseline utilization (10 points
  down and up, kept between 0 and 95%) and every job's duration (x0.8 to x1.2) change the
  queues, so the time saved is simulated again at each end: today's graph on today's runners
  against the plan's graph on its runners, same seed and length as the plan. Their break-even
  is read off the straight line through the two simulated points on either side of zero
  ("about").

The decision is the sign of the net benefit: positive means the plan pays for itself. An
assumption flips it when the net has the other sign somewhere in its range. These
simulations have their own budget (SENSITIVITY_WORK_BUDGET): an assumption whose runs would
pass it is listed as not simulated, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, computed_field

from decider.engine.formatting import count, number, percent, signed_usd, usd
from decider.engine.limits import SENSITIVITY_WORK_BUDGET
from decider.engine.plan import Plan, PlanInputs
from decider.engine.pool_simulation import (
    GraphCase,
    SimulationSetup,
)
from decider.engine.simulation import WorkBudgetExceeded
from decider.engine.sizing import run_with

LINEAR_RANGE = (0.5, 1.5)  # x the stated value
RATE_RANGE = (0.5, 1.5)
DURATION_RANGE = (0.8, 1.2)
UTILIZATION_STEP = 0.10  # percentage points, down and up
MAX_UTILIZATION = 0.95


# How an assumption's values read: a count per month or hour, people, dollars an hour, a share
# of runner time, or a factor on today's figures.
Unit = Literal["per_month", "per_hour", "people", "usd_per_hour", "share", "factor"]


def value_text(unit: Unit, value: float, *, with_unit: bool = True) -> str:
    """An assumption's value in words ("1,500 pipelines per month"); without its unit when a
    range names it once at its end ("1,000 to 1,500 pipelines per month")."""
    figure, suffix = _figure_and_unit(unit, value)
    return f"{figure}{suffix}" if with_unit else figure


def _figure_and_unit(unit: Unit, value: float) -> tuple[str, str]:
    if unit == "per_month":
        return usd(value)[1:], " pipelines per month"
    if unit == "per_hour":
        return number(value, 1), " pipelines per hour"
    if unit == "people":
        people = count(round(value, 1), "person,people")
        return people.split(" ")[0], people[people.index(" ") :]
    if unit == "usd_per_hour":
        return usd(value), " per hour"
    if unit == "share":
        return percent(value), ""
    return percent(value), " of today's"


class Swing(BaseModel):
    """One assumption moved over its range, and the net monthly benefit at each end."""

    assumption: str  # in words, e.g. "Pipelines per month"
    unit: Unit
    base: float
    low: float
    high: float
    net_at_low_usd: float | None  # None: not known at that end (see `note`)
    net_at_high_usd: float | None
    break_even: float | None  # the assumption's value where the net is zero, in range or not
    break_even_exact: bool  # arithmetic (True) or read between simulated points (False)
    simulated: bool
    note: str | None = None  # why an end is unknown, in plain words

    def reads(self, value: float) -> str:
        return value_text(self.unit, value)

    # The values in words, the same on the page, in the PDF and in the JSON.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def range_text(self) -> str:
        low = value_text(self.unit, self.low, with_unit=False)
        return f"{low} to {self.reads(self.high)}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def base_text(self) -> str:
        return self.reads(self.base)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def break_even_text(self) -> str | None:
        if self.break_even is None:
            return None
        return f"{'' if self.break_even_exact else 'about '}{self.reads(self.break_even)}"

    @property
    def width_usd(self) -> float:
        ends = [net for net in (self.net_at_low_usd, self.net_at_high_usd) if net is not None]
        return max(ends) - min(ends) if len(ends) == 2 else 0.0

    def flips(self, base_net: float) -> bool:
        return any(
            net is not None and (net > 0) != (base_net > 0)
            for net in (self.net_at_low_usd, self.net_at_high_usd)
        )


class Sensitivity(BaseModel):
    base_net_usd: float | None  # None: no money figures, so nothing to move
    swings: list[Swing]  # widest first
    flipping: list[str]  # assumptions whose range changes the sign of the net benefit
    missing: str | None  # why there is no tornado, in plain words
    summary: str = ""  # what the tornado says, in one or two sentences


def _summary(base_net: float, swings: list[Swing]) -> str:
    """The assumptions that flip the decision with their break-even values, widest first; or
    that none does, with the range the net benefit stays in."""
    pays = base_net > 0
    flipping = [swing for swing in swings if swing.flips(base_net)]
    if not flipping:
        nets = [base_net] + [
            net
            for swing in swings
            for net in (swing.net_at_low_usd, swing.net_at_high_usd)
            if net is not None
        ]
        side = "pays for itself" if pays else "costs more than the time it saves is worth"
        return (
            f"No assumption in these ranges changes the decision: the plan {side} throughout, "
            f"with a net benefit from {signed_usd(min(nets))} to {signed_usd(max(nets))} per "
            "month."
        )
    parts = []
    for swing in flipping:
        where = f"at {swing.break_even_text}" if swing.break_even_text else "within its range"
        parts.append(f"{swing.assumption.lower()} ({where}; stated {swing.base_text})")
    turn = "stops paying for itself" if pays else "starts paying for itself"
    figures = "that figure" if len(parts) == 1 else "these figures"
    return (
        f"The decision turns on {len(flipping)} of the {len(swings)} assumptions: the plan "
        f"{turn} with {'; '.join(parts)}. Check {figures} before deciding."
    )


def sensitivity(inputs: PlanInputs, plan: Plan) -> Sensitivity:
    money = plan.money
    if plan.no_verdict is not None or money.net_usd_per_month is None:
        reason = plan.no_verdict or (
            "Nothing to weigh yet: this needs the money figures, and the scenario does not "
            f"state {' and '.join(money.missing) or 'them'}."
        )
        return Sensitivity(base_net_usd=None, swings=[], flipping=[], missing=reason)
    assert money.pipelines_per_month is not None and money.loaded_usd_per_hour is not None
    base_net = money.net_usd_per_month
    cost = money.added_usd_per_month
    value = money.value_usd_per_month or 0.0
    swings = [
        _linear("Pipelines per month", "per_month", money.pipelines_per_month, value, cost),
        _linear(
            "People waiting per pipeline", "people", money.people_waiting_per_pipeline, value, cost
        ),
        _linear("Loaded cost of an hour", "usd_per_hour", money.loaded_usd_per_hour, value, cost),
        _runner_prices(value, cost),
        *_simulated_swings(inputs, plan),
    ]
    swings.sort(key=lambda swing: swing.width_usd, reverse=True)
    return Sensitivity(
        base_net_usd=base_net,
        swings=swings,
        flipping=[swing.assumption for swing in swings if swing.flips(base_net)],
        missing=None,
        summary=_summary(base_net, swings),
    )


def _linear(assumption: str, unit: Unit, base: float, value: float, cost: float) -> Swing:
    """The value is proportional to the assumption: net(x) = value * x / base - cost."""
    low, high = base * LINEAR_RANGE[0], base * LINEAR_RANGE[1]

    def net(x: float) -> float:
        return value * x / base - cost if base else -cost

    per_unit = value / base if base else 0.0
    return Swing(
        assumption=assumption,
        unit=unit,
        base=base,
        low=low,
        high=high,
        net_at_low_usd=net(low),
        net_at_high_usd=net(high),
        # Nothing to pay back when the plan costs nothing more: no break-even.
        break_even=cost / per_unit if per_unit > 0 and cost > 0 else None,
        break_even_exact=True,
        simulated=False,
    )


def _runner_prices(value: float, cost: float) -> Swing:
    """Every pool's $/runner-month times k: the change in cost is proportional to k."""
    low, high = LINEAR_RANGE
    return Swing(
        assumption="Runner prices",
        unit="factor",
        base=1.0,
        low=low,
        high=high,
        net_at_low_usd=value - cost * low,
        net_at_high_usd=value - cost * high,
        break_even=value / cost if cost > 0 else None,
        break_even_exact=True,
        simulated=False,
    )


def _simulated_swings(inputs: PlanInputs, plan: Plan) -> list[Swing]:
    money = plan.money
    assert money.pipelines_per_month is not None and money.loaded_usd_per_hour is not None
    per_second = money.pipelines_per_month * money.people_waiting_per_pipeline
    per_second *= money.loaded_usd_per_hour / 3600
    setup = replace(
        inputs.setup.with_own_budget(SENSITIVITY_WORK_BUDGET),
        scenario=inputs.setup.scenario.model_copy(
            update={"simulated_pipelines": plan.simulated_pipelines}
        ),
    )
    inventory = {pool.name: pool.runners for pool in inputs.inventory}
    recommended = {pool.name: pool.recommended_runners for pool in plan.pools}
    kept = inputs.proposed if plan.graph == "proposed" else inputs.current

    def net(trial: SimulationSetup, scale: float = 1.0) -> float | None:
        today = run_with(trial, _scaled(inputs.current, scale), inventory)
        planned = run_with(trial, _scaled(kept, scale), recommended)
        if not (
            today and planned and today.pipeline_wall_clock_s and planned.pipeline_wall_clock_s
        ):
            return None
        saved = today.pipeline_wall_clock_s.mean - planned.pipeline_wall_clock_s.mean
        return saved * per_second - money.added_usd_per_month

    swings = []
    rate = setup.scenario.pipelines_per_hour
    if rate is not None:
        swings.append(
            _simulated(
                "Pipelines per hour in the busy hour",
                "per_hour",
                rate,
                (rate * RATE_RANGE[0], rate * RATE_RANGE[1]),
                plan,
                lambda x: net(
                    replace(
                        setup, scenario=setup.scenario.model_copy(update={"pipelines_per_hour": x})
                    )
                ),
            )
        )
    utilization = _mean_utilization(setup)
    swings.append(
        _simulated(
            "Baseline utilization of the pools",
            "share",
            utilization,
            (
                max(0.0, utilization - UTILIZATION_STEP),
                min(MAX_UTILIZATION, utilization + UTILIZATION_STEP),
            ),
            plan,
            lambda x: net(_with_utilization(setup, x - utilization)),
        )
    )
    swings.append(
        _simulated(
            "Job durations",
            "factor",
            1.0,
            DURATION_RANGE,
            plan,
            lambda x: net(setup, scale=x),
        )
    )
    return swings


def _simulated(
    assumption: str,
    unit: Unit,
    base: float,
    ends: tuple[float, float],
    plan: Plan,
    net: Callable[[float], float | None],
) -> Swing:
    base_net = plan.money.net_usd_per_month
    assert base_net is not None
    nets: list[float | None] = []
    note = None
    for end in ends:
        try:
            nets.append(net(end))
        except WorkBudgetExceeded:
            nets.append(None)
            note = "not simulated: its runs would pass the work one request may take"
    if note is None and None in nets:
        note = "at one end a pool's queue never empties, so there is no steady wall clock"
    points = [(ends[0], nets[0]), (base, base_net), (ends[1], nets[1])]
    return Swing(
        assumption=assumption,
        unit=unit,
        base=base,
        low=ends[0],
        high=ends[1],
        net_at_low_usd=nets[0],
        net_at_high_usd=nets[1],
        break_even=_crossing(points),
        break_even_exact=False,
        simulated=True,
        note=note,
    )


def _crossing(points: list[tuple[float, float | None]]) -> float | None:
    """Where the straight line between two neighbouring points crosses zero, if it does."""
    known = [(x, y) for x, y in points if y is not None]
    for (x0, y0), (x1, y1) in pairwise(known):
        if y0 == 0:
            return x0
        if (y0 > 0) != (y1 > 0) and y1 != y0:
            return x0 + (x1 - x0) * (0 - y0) / (y1 - y0)
    return None


def _scaled(case: GraphCase, scale: float) -> GraphCase:
    if scale == 1.0:
        return case
    return case.model_copy(
        update={
            "seconds": {job: seconds * scale for job, seconds in case.seconds.items()},
            "unconstrained_wall_clock_s": case.unconstrained_wall_clock_s * scale,
        }
    )


def _mean_utilization(setup: SimulationSetup) -> float:
    """The pools' baseline utilization, runner-weighted: what the tornado moves them around."""
    runners = sum(pool.runners for pool in setup.pools)
    if not runners:
        return 0.0
    return sum(pool.baseline_utilization * pool.runners for pool in setup.pools) / runners


def _with_utilization(setup: SimulationSetup, change: float) -> SimulationSetup:
    pools = tuple(
        pool.model_copy(
            update={
                "baseline_utilization": min(
                    MAX_UTILIZATION, max(0.0, pool.baseline_utilization + change)
                )
            }
        )
        for pool in setup.pools
    )
    return replace(setup, pools=pools)
