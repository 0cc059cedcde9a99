"""The options a budget holder weighs (issue 12): per pool, what each way of running its jobs
costs a month at the scenario's load and what wait it gives, the efficient ones, and the
cheapest that meets the target.

Rules (docs/plan.md, rule 11). Every option runs the graph the plan keeps, every other pool at
the plan's recommended runners, at the scenario's load, seed and simulated pipelines:
- **Self-hosted runners**: the pool at each count from two under the fewest of (today's, the
  need, the recommendation) to one over the most of them, at most MAX_COUNTS counts; $/month =
  runners x the pool's $/runner-month. Counts whose runners the work keeps busy all the time
  (under the stability bound) are listed without a wall clock: their queue never empties.
- **Move to GitHub-hosted**: the pool's jobs run on the chosen hosted size, at once (no queue),
  each taking its length / the hosted speed factor; billed per job in whole minutes rounded up
  at the rate in force on the price date (a team's rows over the book's). The pool keeps the
  runners its other work alone needs at the target (Erlang C; none without other work).
- **Overflow**: today's runners, and a pipeline job whose wait would pass T goes to the hosted
  size at once (simulated: `SimPool.overflow_after_s`); the overflowed minutes are priced.
- **Bigger runners**: every runner of the pool (its other work too) runs jobs `bigger_speed`
  times as fast at the given $/runner-month (default twice the pool's); the fewest that meet
  the target, from Erlang C confirmed by simulation.
- The platform charge, when the scenario counts it, adds its per-minute rate on the minutes of
  this workflow's jobs that still run self-hosted.
An option meets the target when its p90 wait for a runner (the pool's pipeline jobs) is at
most the target. The efficient options are those no other option beats on both $/month and
p90 wall clock. The recommendation is the cheapest option that meets the target (ties: the
faster); the next best is the cheapest meeting option of another kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Literal

from pydantic import BaseModel

from decider.engine.formatting import duration, noun, signed_usd, usd
from decider.engine.limits import MAX_RUNNERS, OPTIONS_WORK_BUDGET
from decider.engine.plan import Outcome, Plan, PlanInputs, sized_pools
from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.pools import Placement
from decider.engine.prices import PLATFORM_CHARGE, PriceBook, Rate, pipeline_minutes
from decider.engine.simulation import SimulationResult, WorkBudgetExceeded
from decider.engine.sizing import additions_for, erlang_estimate, lower_bound, pipeline_wait

OptionKind = Literal["self_hosted", "hosted", "overflow", "bigger"]
KIND_WORDS: dict[OptionKind, str] = {
    "self_hosted": "Self-hosted runners",
    "hosted": "Move to GitHub-hosted",
    "overflow": "Overflow to GitHub-hosted",
    "bigger": "Bigger self-hosted runners",
}
MAX_COUNTS = 8  # self-hosted runner counts per pool
FEWER = 2  # counts under the fewest of today's, the need and the recommendation
MAX_BIGGER_STEPS = 6  # simulations to confirm the bigger runners' count
NOT_SIMULATED = "not simulated: its runs would pass the work one request may take"


class Option(BaseModel):
    kind: OptionKind
    pool: str
    name: str  # in words: "5 self-hosted runners"
    runners: int  # self-hosted runners the option pays for on this pool
    usd_per_month: float | None  # None: not priced (see `note`)
    p90_wall_clock_s: float | None  # None: not simulated, or the queue never empties
    p90_wait_s: float | None  # the pool's pipeline jobs waiting for a runner
    hosted_minutes_per_month: float | None = None  # billed GitHub-hosted minutes
    overflow_share: float | None = None  # of the pool's pipeline jobs, overflow only
    meets_target: bool
    efficient: bool = False
    today: bool = False  # today's runners on this pool: where the team stands
    note: str | None = None


class PoolOptions(BaseModel):
    pool: str
    options: list[Option]  # cheapest first
    recommended: Option | None  # the cheapest that meets the target
    next_best: Option | None  # the cheapest of another kind that meets it
    recommendation: str  # in words


class Options(BaseModel):
    hosted_size: str
    hosted_label: str
    hosted_usd_per_minute: float | None  # None: no rate for that size on the price date
    hosted_rate_source: str
    price_date: str  # in words: "1 March 2026" or "today's rates"
    hosted_speed: float
    overflow_after_s: float
    bigger_speed: float
    platform_charge_usd_per_minute: float | None  # None: not counted
    target_queue_wait_s: float
    pipelines_per_month: float | None
    pools: list[PoolOptions]
    notes: list[str]  # what is missing or assumed, in plain words
    missing: str | None  # why there are no options, in plain words
    summary: str = ""
    simulations_run: int = 0


def rate_on(book: PriceBook, size: str, on: date | None) -> Rate | None:
    """The rate of `size` on `on`; without a date, the one in force with no end (now)."""
    if on is not None:
        return book.rate(size, on)
    open_ended = [rate for rate in book.rates if rate.size == size and rate.effective_to is None]
    return max(open_ended, key=lambda rate: rate.effective_from) if open_ended else None


def options(inputs: PlanInputs, plan: Plan, book: PriceBook) -> Options:
    scenario = inputs.setup.scenario
    hosted = rate_on(book, scenario.hosted_size, scenario.price_date)
    platform = rate_on(book, PLATFORM_CHARGE, scenario.price_date)
    overflow_after = (
        scenario.overflow_after_s
        if scenario.overflow_after_s is not None
        else scenario.target_queue_wait_s
    )
    header = Options(
        hosted_size=scenario.hosted_size,
        hosted_label=hosted.label or hosted.size if hosted else scenario.hosted_size,
        hosted_usd_per_minute=hosted.usd_per_minute if hosted else None,
        hosted_rate_source=hosted.source if hosted else "",
        price_date=scenario.price_date.strftime("%-d %B %Y")
        if scenario.price_date
        else "the rates in force now",
        hosted_speed=scenario.hosted_speed,
        overflow_after_s=overflow_after,
        bigger_speed=scenario.bigger_speed,
        platform_charge_usd_per_minute=(
            platform.usd_per_minute if platform and scenario.platform_charge else None
        ),
        target_queue_wait_s=scenario.target_queue_wait_s,
        pipelines_per_month=scenario.pipelines_per_month,
        pools=[],
        notes=[],
        missing=None,
    )
    if plan.no_verdict is not None or plan.planned is None:
        why = plan.no_verdict or "No verdict: the pools were not simulated."
        return header.model_copy(update={"missing": f"No options to weigh. {why}"})
    kept = inputs.proposed if plan.graph == "proposed" else inputs.current
    names = sized_pools(kept, list(inputs.setup.pools))
    if not names:
        return header.model_copy(
            update={"missing": "No options to weigh: no job of this workflow runs on a pool."}
        )
    notes = _notes(header, hosted, platform, scenario.platform_charge)
    search = _Search(inputs, plan, kept, header)
    pools = [search.pool(name) for name in names]
    return header.model_copy(
        update={
            "pools": pools,
            "notes": notes,
            "summary": _summary(pools, header),
            "simulations_run": search.runs,
        }
    )


def _notes(header: Options, hosted: Rate | None, platform: Rate | None, counted: bool) -> list[str]:
    notes = []
    if hosted is None:
        notes.append(
            f"The price book has no rate for {header.hosted_size} ({header.price_date}): "
            "moving or overflowing to GitHub-hosted runners is not priced."
        )
    if header.pipelines_per_month is None:
        notes.append(
            "Give pipelines per month to price GitHub-hosted minutes: they bill per minute of "
            "work, so their cost grows with the number of pipelines."
        )
    if counted and platform is None:
        notes.append(f"The price book has no platform charge ({header.price_date}).")
    return notes


class _Search:
    """One scenario's options, simulated on a budget of their own."""

    def __init__(self, inputs: PlanInputs, plan: Plan, kept: GraphCase, header: Options) -> None:
        self.inputs = inputs
        self.plan = plan
        self.kept = kept
        self.header = header
        scenario = inputs.setup.scenario.model_copy(
            update={"simulated_pipelines": plan.simulated_pipelines}
        )
        self.setup = replace(inputs.setup.with_own_budget(OPTIONS_WORK_BUDGET), scenario=scenario)
        self.recommended = {pool.name: pool.recommended_runners for pool in plan.pools}
        self.inventory = {pool.name: pool.runners for pool in inputs.inventory}
        self.price = {pool.name: pool.monthly_usd_per_runner for pool in self.setup.pools}
        self.per_month = scenario.pipelines_per_month
        self.target = scenario.target_queue_wait_s
        self.runs = 0

    def pool(self, name: str) -> PoolOptions:
        jobs = [
            job
            for job, placement in self.kept.placements.items()
            if placement.pools and placement.pools[0] == name and self.kept.seconds[job] > 0
        ]
        found = [
            *self._self_hosted(name, jobs),
            self._hosted(name, jobs),
            self._overflow(name, jobs),
            self._bigger(name, jobs),
        ]
        found.sort(key=lambda option: (_cost_key(option), option.p90_wall_clock_s or 0.0))
        marked = efficient(found)
        best, runner_up = recommendation(marked)
        return PoolOptions(
            pool=name,
            options=marked,
            recommended=best,
            next_best=runner_up,
            recommendation=_recommendation_words(name, best, runner_up, marked, self.target),
        )

    # --- the four kinds -------------------------------------------------------------------

    def _self_hosted(self, name: str, jobs: list[int]) -> list[Option]:
        bound = lower_bound(self.setup, self.kept, name)
        sizing = next(p for p in self.plan.pools if p.name == name)
        found = sizing.sizing_proposed if self.plan.graph == "proposed" else sizing.sizing_today
        need = found.needed if found is not None and found.needed is not None else None
        anchors = [self.inventory[name], self.recommended[name], *([need] if need else [])]
        low = max(1, min(anchors) - FEWER)
        high = min(MAX_RUNNERS, max(anchors) + 1)
        counts = list(range(low, high + 1))
        if len(counts) > MAX_COUNTS:  # the anchors and the counts nearest them
            nearest = sorted(counts, key=lambda c: min(abs(c - a) for a in anchors))
            counts = sorted(set(anchors) | set(nearest[:MAX_COUNTS]))
        platform = self._platform_usd(jobs, share=1.0)
        options = []
        for count in counts:
            cost = count * self.price[name] + (platform or 0.0)
            option = Option(
                kind="self_hosted",
                pool=name,
                name=f"{count} self-hosted {noun(count, 'runner')}",
                runners=count,
                usd_per_month=cost,
                p90_wall_clock_s=None,
                p90_wait_s=None,
                meets_target=False,
                today=count == self.inventory[name],
            )
            if count < bound:
                options.append(option.model_copy(update={"note": "its queue never empties"}))
                continue
            options.append(self._simulated(option, name, partial(self._run, name, count)))
        return options

    def _hosted(self, name: str, jobs: list[int]) -> Option:
        speed = self.setup.scenario.hosted_speed
        moved = {job: self.kept.seconds[job] / speed for job in jobs}
        stay = self._background_runners(name)
        option = Option(
            kind="hosted",
            pool=name,
            name=f"GitHub-hosted {self.header.hosted_label}"
            + (f" (keep {stay} runners for other work)" if stay else ""),
            runners=stay,
            usd_per_month=None,
            p90_wall_clock_s=None,
            p90_wait_s=0.0,
            meets_target=True,
        )
        minutes = self._hosted_minutes(moved.values())
        if minutes is not None and self.header.hosted_usd_per_minute is not None:
            option = option.model_copy(
                update={
                    "usd_per_month": stay * self.price[name]
                    + minutes * self.header.hosted_usd_per_minute,
                    "hosted_minutes_per_month": minutes,
                }
            )
        else:
            option = option.model_copy(update={"note": "not priced: see the notes"})
        case = _moved_to_hosted(self.kept, moved)
        return self._simulated(option, name, partial(self._run, name, None, case=case))

    def _overflow(self, name: str, jobs: list[int]) -> Option:
        today = self.inventory[name]
        after = self.header.overflow_after_s
        option = Option(
            kind="overflow",
            pool=name,
            name=f"{today} self-hosted, overflow after {duration(after)}",
            runners=today,
            usd_per_month=None,
            p90_wall_clock_s=None,
            p90_wait_s=None,
            meets_target=False,
        )
        try:
            result = self._run(name, today, overflow=True)
        except WorkBudgetExceeded:
            return option.model_copy(update={"note": NOT_SIMULATED})
        option = _with_result(option, result, name, self.target)
        stats = next((p for p in result.pools if p.name == name), None) if result else None
        if stats is None or result is None:
            return option
        pipelines = self.setup.scenario.simulated_pipelines
        share = stats.overflowed_jobs / stats.pipeline_jobs if stats.pipeline_jobs else 0.0
        minutes = (
            stats.overflowed_billed_minutes / pipelines * self.per_month
            if self.per_month is not None
            else None
        )
        rate = self.header.hosted_usd_per_minute
        platform = self._platform_usd(jobs, share=1.0 - share)
        update: dict[str, object] = {"overflow_share": share, "hosted_minutes_per_month": minutes}
        if minutes is not None and rate is not None:
            update["usd_per_month"] = today * self.price[name] + minutes * rate + (platform or 0)
        else:
            update["note"] = "not priced: see the notes"
        return option.model_copy(update=update)

    def _bigger(self, name: str, jobs: list[int]) -> Option:
        speed = self.setup.scenario.bigger_speed
        given = self.setup.scenario.bigger_usd_per_runner_month
        price = given if given is not None else 2 * self.price[name]
        setup = _bigger_pool(self.setup, name, speed)
        case = self.kept.model_copy(
            update={
                "seconds": {
                    job: seconds / speed if job in set(jobs) else seconds
                    for job, seconds in self.kept.seconds.items()
                }
            }
        )
        start = max(lower_bound(setup, case, name), erlang_estimate(setup, case, name))
        option = Option(
            kind="bigger",
            pool=name,
            name="",
            runners=start,
            usd_per_month=None,
            p90_wall_clock_s=None,
            p90_wait_s=None,
            meets_target=False,
        )
        try:
            count, result = self._fewest_meeting(setup, case, name, start)
        except WorkBudgetExceeded:
            count, result = start, None
            option = option.model_copy(update={"note": NOT_SIMULATED})
        option = option.model_copy(
            update={
                "name": f"{count} bigger {noun(count, 'runner')} ({speed:g}x as fast)",
                "runners": count,
                "usd_per_month": count * price + (self._platform_usd(jobs, 1.0, speed) or 0.0),
            }
        )
        return _with_result(option, result, name, self.target) if result else option

    # --- simulation -----------------------------------------------------------------------

    def _run(
        self,
        name: str,
        count: int | None,
        *,
        case: GraphCase | None = None,
        overflow: bool = False,
        setup: SimulationSetup | None = None,
    ) -> SimulationResult | None:
        """The kept graph (or `case`) with this pool at `count` runners (None: the plan's),
        every other pool at the plan's recommendation; None when the pool's other work alone
        fills its runners."""
        setup = setup or self.setup
        runners = {**self.recommended, **({name: count} if count is not None else {})}
        for pool in setup.pools:
            if pool.baseline_utilization * pool.runners >= runners[pool.name]:
                return None
        inp = setup.input_for(case or self.kept, additions_for(setup, runners))
        if overflow:
            inp = inp.model_copy(
                update={
                    "pools": [
                        pool.model_copy(
                            update={
                                "overflow_after_s": self.header.overflow_after_s,
                                "overflow_duration_factor": 1 / setup.scenario.hosted_speed,
                            }
                        )
                        if pool.name == name
                        else pool
                        for pool in inp.pools
                    ]
                }
            )
        result = setup.simulator(inp)
        self.runs += 1  # only runs that happened: the budget refuses before running
        return result

    def _simulated(
        self, option: Option, name: str, run: Callable[[], SimulationResult | None]
    ) -> Option:
        planned = self.plan.planned
        if (
            option.kind == "self_hosted"
            and planned is not None
            and option.runners == self.recommended[name]
        ):
            return _with_outcome(option, planned, name, self.target)  # the plan's own run
        try:
            result = run()
        except WorkBudgetExceeded:
            return option.model_copy(update={"note": NOT_SIMULATED})
        return _with_result(option, result, name, self.target)

    def _fewest_meeting(
        self, setup: SimulationSetup, case: GraphCase, name: str, start: int
    ) -> tuple[int, SimulationResult | None]:
        """From `start`, one runner more while the target is missed, then one fewer while it
        is still met (never under the stability bound)."""
        bound = lower_bound(setup, case, name)
        count, result = start, self._run(name, start, case=case, setup=setup)
        steps = 1
        while not _meets(result, name, self.target) and steps < MAX_BIGGER_STEPS:
            count += 1
            result = self._run(name, count, case=case, setup=setup)
            steps += 1
        if steps == 1:
            while count - 1 >= max(1, bound) and steps < MAX_BIGGER_STEPS:
                fewer = self._run(name, count - 1, case=case, setup=setup)
                steps += 1
                if not _meets(fewer, name, self.target):
                    break
                count, result = count - 1, fewer
        return count, result

    # --- money ----------------------------------------------------------------------------

    def _hosted_minutes(self, seconds: Iterable[float]) -> float | None:
        if self.per_month is None:
            return None
        return pipeline_minutes(seconds) * self.per_month

    def _platform_usd(self, jobs: list[int], share: float, speed: float = 1.0) -> float | None:
        rate = self.header.platform_charge_usd_per_minute
        if rate is None or self.per_month is None:
            return None
        minutes = pipeline_minutes(self.kept.seconds[job] / speed for job in jobs)
        return minutes * share * self.per_month * rate

    def _background_runners(self, name: str) -> int:
        """Runners the pool's other work alone needs at the target (Erlang C), never more than
        today's (moving jobs away cannot make the rest need more); none without other work."""
        pool = next(p for p in self.setup.pools if p.name == name)
        if pool.baseline_utilization <= 0:
            return 0
        empty = self.kept.model_copy(
            update={
                "placements": {job: Placement(group=name, pools=[]) for job in self.kept.placements}
            }
        )
        return min(self.inventory[name], erlang_estimate(self.setup, empty, name))


def _moved_to_hosted(case: GraphCase, moved: Mapping[int, float]) -> GraphCase:
    return case.model_copy(
        update={
            "seconds": {**case.seconds, **moved},
            "placements": {
                job: Placement(group=placement.group, pools=[]) if job in moved else placement
                for job, placement in case.placements.items()
            },
        }
    )


def _bigger_pool(setup: SimulationSetup, name: str, speed: float) -> SimulationSetup:
    """Bigger runners run the pool's other work faster too: the same arrivals, each job
    `speed` times shorter, so it keeps 1/speed as many runners busy."""
    pools = tuple(
        pool.model_copy(update={"baseline_utilization": pool.baseline_utilization / speed})
        if pool.name == name
        else pool
        for pool in setup.pools
    )
    background = dict(setup.background_s)
    background[name] = background[name] / speed
    return replace(setup, pools=pools, background_s=background)


def _meets(result: SimulationResult | None, name: str, target: float) -> bool:
    wait = pipeline_wait(result, name)
    return wait is not None and wait <= target


def _with_result(
    option: Option, result: SimulationResult | None, name: str, target: float
) -> Option:
    if result is None or result.pipeline_wall_clock_s is None:
        return option.model_copy(update={"note": "its queue never empties"})
    wait = pipeline_wait(result, name)
    if wait is None:
        return option.model_copy(update={"note": "its queue never empties"})
    if option.kind == "hosted":
        wait = 0.0
    return option.model_copy(
        update={
            "p90_wall_clock_s": result.pipeline_wall_clock_s.p90,
            "p90_wait_s": wait,
            "meets_target": wait <= target,
        }
    )


def _with_outcome(option: Option, outcome: Outcome, name: str, target: float) -> Option:
    wait = outcome.p90_wait_s.get(name)
    if wait is None:
        return option.model_copy(update={"note": "its queue never empties"})
    return option.model_copy(
        update={
            "p90_wall_clock_s": outcome.p90_wall_clock_s,
            "p90_wait_s": wait,
            "meets_target": wait <= target,
        }
    )


def _cost_key(option: Option) -> float:
    return option.usd_per_month if option.usd_per_month is not None else float("inf")


def _placed(option: Option) -> bool:
    """Whether the option has both a price and a wall clock (a point on the chart)."""
    return option.usd_per_month is not None and option.p90_wall_clock_s is not None


def efficient(found: list[Option]) -> list[Option]:
    """The options marked efficient when no other option is as cheap and as fast and better
    on one of them (the non-dominated set)."""
    points = [option for option in found if _placed(option)]

    def dominated(option: Option) -> bool:
        cost, wall = option.usd_per_month or 0.0, option.p90_wall_clock_s or 0.0
        return any(
            (other.usd_per_month or 0.0) <= cost
            and (other.p90_wall_clock_s or 0.0) <= wall
            and ((other.usd_per_month or 0.0) < cost or (other.p90_wall_clock_s or 0.0) < wall)
            for other in points
        )

    return [
        option.model_copy(update={"efficient": _placed(option) and not dominated(option)})
        for option in found
    ]


def recommendation(found: list[Option]) -> tuple[Option | None, Option | None]:
    """The cheapest priced option that meets the target (ties: the faster), and the cheapest
    meeting one of another kind."""
    meeting = sorted(
        (o for o in found if o.meets_target and _placed(o)),
        key=lambda o: (o.usd_per_month or 0.0, o.p90_wall_clock_s or 0.0),
    )
    if not meeting:
        return None, None
    best = meeting[0]
    return best, next((o for o in meeting[1:] if o.kind != best.kind), None)


def _recommendation_words(
    name: str,
    best: Option | None,
    runner_up: Option | None,
    found: list[Option],
    target: float,
) -> str:
    if best is None:
        return (
            f"{name}: no option here keeps the p90 wait for a runner within {duration(target)}; "
            "raise the runner counts or the overflow, or give a hosted price."
        )
    assert best.usd_per_month is not None
    words = (
        f"{name}: the cheapest option that meets the {duration(target)} target is "
        f"{best.name}, "
        f"{usd(best.usd_per_month)} a month (p90 pipeline {duration(best.p90_wall_clock_s)})."
    )
    today = next((o for o in found if o.today), None)
    if today is not None and today.usd_per_month is not None and today is not best:
        change = best.usd_per_month - today.usd_per_month
        words += f" Against today's runners that is {signed_usd(change)} a month."
    if runner_up is not None and runner_up.usd_per_month is not None:
        words += (
            f" Next best: {runner_up.name}, {usd(runner_up.usd_per_month)} a month "
            f"({signed_usd(runner_up.usd_per_month - best.usd_per_month)})."
        )
    return words


def _summary(pools: list[PoolOptions], header: Options) -> str:
    chosen = [pool.recommended for pool in pools]
    if any(option is None or option.usd_per_month is None for option in chosen):
        return " ".join(pool.recommendation for pool in pools)
    total = sum(option.usd_per_month or 0.0 for option in chosen if option is not None)
    return (
        f"Meeting the {duration(header.target_queue_wait_s)} target on every pool costs "
        f"{usd(total)} a month at the cheapest: "
        + "; ".join(f"{pool.pool}, {pool.recommended.name}" for pool in pools if pool.recommended)
        + "."
    )
