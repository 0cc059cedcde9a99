"""The plan (DESIGN.md semantics 13): one answer per scenario that every page, PDF, comparison
and `analyze --json` reads.

Per pool it holds the runners and $/month in the team's inventory, in the scenario (what the
user typed) and recommended (the sizing of semantics 14 for the graph the plan keeps); the load
it assumes and where each part came from; and the outcome under that load for today's graph on
today's pools, the proposed graph on today's pools, and the kept graph on the recommended
pools. The money follows from those three outcomes and nothing else.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, computed_field

from decider.engine.formatting import count
from decider.engine.inputs import Pool, Scenario
from decider.engine.limits import VERDICT_SIMULATION_WORK_BUDGET, VERDICT_WORK_BUDGET
from decider.engine.pool_simulation import BackgroundSource as Source
from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.simulation import (
    SimulationResult,
    WorkBudgetExceeded,
    check_work,
    estimated_work,
)
from decider.engine.sizing import (
    PoolSizing,
    RunnerStep,
    additions_for,
    marginal_steps,
    pipeline_wait,
    run_with,
    size_pools,
)

DAYS_PER_MONTH = 30.4
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
RULE_OF_THUMB_USD_PER_RUNNER_MONTH = (50.0, 150.0)  # the mural-api analysis's "$50-150/month"
# A verdict runs about this many simulations: today's pools, a runner search of a handful of
# rounds for each graph, the plan's runs and the runner chart (the demo takes 26). When one
# simulation of the asked length would take more than this share of the verdict's budget, a
# big workflow is simulated with fewer pipelines instead of refused: its waits come with wider
# ranges, which the verdict states. Below the floor the ranges say too little: refused.
SIMULATIONS_PER_VERDICT = 24
FEWEST_SIMULATED_PIPELINES = 40

Graph = Literal["proposed", "today"]
Payback = Literal["days", "immediate", "never"]


class Outcome(BaseModel):
    """A graph on a set of runner counts, at the stated load (simulated)."""

    runners: dict[str, int]
    mean_wall_clock_s: float
    p50_wall_clock_s: float
    p90_wall_clock_s: float
    mean_milestone_s: float | None
    p90_milestone_s: float | None
    p90_queue_delay_s: float  # the pipeline's own waiting for runners, whole pipeline
    p90_wait_s: dict[str, float | None]  # per pool, its pipeline jobs; None: never empties
    # Per pool, a 90% interval of p90_wait_s (how sure the simulation is of it); None: too few
    # pipeline jobs waited there to tell, or the queue never empties.
    p90_wait_interval_s: dict[str, tuple[float, float] | None] = {}

    def close_to(self, target_s: float) -> list[str]:
        """Pools whose p90 wait may be on either side of the target: it lies in their interval."""
        return [
            pool
            for pool, interval in self.p90_wait_interval_s.items()
            if interval is not None
            and interval[0] <= target_s <= interval[1]
            and interval[0] < interval[1]
        ]


class PoolPlan(BaseModel):
    name: str
    usd_per_runner_month: float  # the scenario's price
    inventory_runners: int
    scenario_runners: int
    recommended_runners: int
    baseline_utilization: float  # the scenario's, of its own runner count
    background_job_s: float | None  # None: the pool runs none of this workflow's jobs
    background_job_source: Source
    sizing_today: PoolSizing | None  # None: not simulated, or no job of today's graph here
    sizing_proposed: PoolSizing | None
    # The kept graph with this pool at each count around its recommendation (the others at
    # theirs): what each runner more or fewer buys. Empty when not simulated.
    marginal: list[RunnerStep] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change(self) -> int:
        return self.recommended_runners - self.inventory_runners

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change_usd_per_month(self) -> float:
        return self.change * self.usd_per_runner_month

    @computed_field  # type: ignore[prop-decorator]
    @property
    def could_remove_today(self) -> int:
        """Runners of today's pool above what today's graph needs at this load."""
        return _above(self.inventory_runners, self.sizing_today)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def could_remove_proposed(self) -> int:
        return _above(self.inventory_runners, self.sizing_proposed)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def could_save_today_usd(self) -> float:
        return self.could_remove_today * self.usd_per_runner_month

    @computed_field  # type: ignore[prop-decorator]
    @property
    def could_save_proposed_usd(self) -> float:
        return self.could_remove_proposed * self.usd_per_runner_month

    @computed_field  # type: ignore[prop-decorator]
    @property
    def inventory_usd_per_month(self) -> float:
        return self.inventory_runners * self.usd_per_runner_month

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recommended_usd_per_month(self) -> float:
        return self.recommended_runners * self.usd_per_runner_month


def _above(runners: int, sizing: PoolSizing | None) -> int:
    if sizing is None or sizing.needed is None:
        return 0
    return max(0, runners - sizing.needed)


class Load(BaseModel):
    pipelines_per_hour: float | None
    pipelines_at_once: int  # 1 when neither a rate nor a count is given
    pipelines_per_month: float | None
    average_per_hour: float | None  # pipelines per month spread over every hour of a month
    note: str | None  # when the monthly and hourly figures disagree


class Money(BaseModel):
    added_runners: dict[str, int]  # recommended minus inventory, per pool (negative: removed)
    added_usd_per_month: float
    added_usd_per_month_rule_of_thumb: tuple[float, float]  # the same runners at $50 and $150
    removed_usd_per_month: float  # the part of the change that runners removed save
    saved_s_per_pipeline: float | None  # loaded mean wall clock, today vs the plan
    best_case_saved_s: float  # one pipeline on idle runners, unconstrained
    pipelines_per_month: float | None
    people_waiting_per_pipeline: float
    loaded_usd_per_hour: float | None
    hours_saved_per_month: float | None
    value_usd_per_month: float | None
    best_case_value_usd_per_month: float | None
    net_usd_per_month: float | None
    payback: Payback | None  # None: the value is not known
    payback_days: float | None
    break_even_pipelines_per_month: float | None
    missing: list[str]  # inputs to give for the money figures


class Plan(BaseModel):
    graph: Graph  # which graph the plan keeps
    pools: list[PoolPlan]
    load: Load
    today: Outcome | None  # today's graph on today's pools; None: not simulated
    proposed_today: Outcome | None  # the proposed graph on today's pools
    planned: Outcome | None  # the kept graph on the recommended pools
    money: Money
    no_verdict: str | None  # why there is no go/no-go and no money, in plain words
    target_queue_wait_s: float  # the p90 wait per pool the sizing meets
    simulations_run: int
    # Pipelines each simulation ran: the scenario's, or fewer for a big workflow (see
    # SIMULATIONS_PER_VERDICT); None when nothing was simulated.
    simulated_pipelines: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def runners_buy_s(self) -> float | None:
        """What the recommended runners buy on their own: the kept graph's mean wall clock on
        today's pools minus on the recommended ones."""
        on_today = self.proposed_today if self.graph == "proposed" else self.today
        if on_today is None or self.planned is None:
            return None
        return on_today.mean_wall_clock_s - self.planned.mean_wall_clock_s


def outcome(result: SimulationResult, runners: Mapping[str, int]) -> Outcome:
    wall, delay = result.pipeline_wall_clock_s, result.pipeline_queue_delay_s
    assert wall is not None and delay is not None  # pipelines were simulated
    milestone = result.milestone_wall_clock_s
    return Outcome(
        runners=dict(runners),
        mean_wall_clock_s=wall.mean,
        p50_wall_clock_s=wall.p50,
        p90_wall_clock_s=wall.p90,
        mean_milestone_s=milestone.mean if milestone else None,
        p90_milestone_s=milestone.p90 if milestone else None,
        p90_queue_delay_s=delay.p90,
        p90_wait_s={pool.name: pipeline_wait(result, pool.name) for pool in result.pools},
        p90_wait_interval_s={
            pool.name: None if pool.saturated else pool.pipeline_p90_wait_interval_s
            for pool in result.pools
        },
    )


@dataclass(frozen=True)
class PlanInputs:
    inventory: list[Pool]
    setup: SimulationSetup  # the scenario's pools, load and seed
    current: GraphCase
    proposed: GraphCase
    background_sources: Mapping[str, Source]
    unmeasured: list[str]  # job names with no duration: no verdict, no money


@dataclass
class _Simulated:
    today: SimulationResult | None = None
    proposed_today: SimulationResult | None = None
    planned: SimulationResult | None = None
    sizing_today: dict[str, PoolSizing] | None = None
    sizing_proposed: dict[str, PoolSizing] | None = None
    marginal: dict[str, list[RunnerStep]] | None = None
    count: int = 0


def sized_pools(case: GraphCase, pools: list[Pool]) -> list[str]:
    """Pools that run a job of non-zero length in this graph, in inventory order."""
    used = {
        placement.pools[0]
        for job, placement in case.placements.items()
        if placement.pools and case.seconds[job] > 0
    }
    return [pool.name for pool in pools if pool.name in used]


def make_plan(inputs: PlanInputs, *, simulate: bool) -> Plan:
    scenario = inputs.setup.scenario
    pools = list(inputs.setup.pools)
    inventory = {pool.name: pool.runners for pool in inputs.inventory}
    stated = {pool.name: pool.runners for pool in pools}
    faster = inputs.proposed.unconstrained_wall_clock_s < inputs.current.unconstrained_wall_clock_s
    graph: Graph = "proposed" if faster else "today"
    recommended = dict(stated)
    sims = _Simulated()
    no_verdict = _no_verdict(inputs)
    if simulate and no_verdict is None:
        inputs = _fitted_to_budget(inputs, faster)
        no_verdict = _over_budget(inputs, faster)
    if simulate and no_verdict is None:
        try:
            graph, recommended = _simulate(inputs, sims, faster)
        except WorkBudgetExceeded as error:
            # Nothing half-simulated is shown: the figures would mix searched and unsearched pools.
            sims = _Simulated(count=sims.count)
            recommended = dict(stated)
            no_verdict = _too_big(error)
    best_case = (
        inputs.current.unconstrained_wall_clock_s - inputs.proposed.unconstrained_wall_clock_s
        if graph == "proposed"
        else 0.0
    )
    return Plan(
        graph=graph,
        pools=[
            PoolPlan(
                name=pool.name,
                usd_per_runner_month=pool.monthly_usd_per_runner,
                inventory_runners=inventory[pool.name],
                scenario_runners=pool.runners,
                recommended_runners=recommended[pool.name],
                baseline_utilization=pool.baseline_utilization,
                background_job_s=inputs.setup.background_s.get(pool.name),
                background_job_source=inputs.background_sources.get(pool.name, "assumed"),
                sizing_today=(sims.sizing_today or {}).get(pool.name),
                sizing_proposed=(sims.sizing_proposed or {}).get(pool.name),
                marginal=(sims.marginal or {}).get(pool.name, []),
            )
            for pool in pools
        ],
        load=_load(scenario),
        today=_outcome(sims.today, inventory),
        proposed_today=_outcome(sims.proposed_today, inventory),
        planned=_outcome(sims.planned, recommended),
        money=money_for(
            scenario,
            pools,
            inventory,
            recommended,
            before=sims.today,
            after=sims.planned,
            best_case_s=best_case,
            known=no_verdict is None,
        ),
        no_verdict=no_verdict,
        target_queue_wait_s=scenario.target_queue_wait_s,
        simulations_run=sims.count,
        simulated_pipelines=inputs.setup.scenario.simulated_pipelines if sims.count else None,
    )


def _too_big(error: WorkBudgetExceeded) -> str:
    return f"No verdict and no money figures: this what-if is too big to simulate here: {error}"


def _fitted_to_budget(inputs: PlanInputs, faster: bool) -> PlanInputs:
    """The inputs with as many simulated pipelines as fit one simulation's share of the
    verdict's budget (the scenario's count when it fits; never under the floor, where
    `_over_budget` refuses). Work grows with pipelines (their jobs, and the background work
    over their arrival and drain), so the largest count that fits is found by bisection."""
    setup = inputs.setup
    asked = setup.scenario.simulated_pipelines
    share = min(VERDICT_SIMULATION_WORK_BUDGET, VERDICT_WORK_BUDGET // SIMULATIONS_PER_VERDICT)
    today = additions_for(setup, {pool.name: pool.runners for pool in inputs.inventory})
    cases = (inputs.current, inputs.proposed) if faster else (inputs.current,)

    def work(pipelines: int) -> int:
        scenario = setup.scenario.model_copy(update={"simulated_pipelines": pipelines})
        trial = replace(setup, scenario=scenario)
        try:
            return max(estimated_work(trial.input_for(case, today)).total for case in cases)
        except ValueError:
            return 0  # a pool full of other work: the simulation path says so itself

    if asked <= FEWEST_SIMULATED_PIPELINES or work(asked) <= share:
        return inputs
    fits, too_many = FEWEST_SIMULATED_PIPELINES, asked
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        fits, too_many = (middle, too_many) if work(middle) <= share else (fits, middle)
    scenario = setup.scenario.model_copy(update={"simulated_pipelines": fits})
    return replace(inputs, setup=replace(setup, scenario=scenario))


def _over_budget(inputs: PlanInputs, faster: bool) -> str | None:
    """Refuse before any simulation starts when the fewest a verdict needs (today's pools,
    one round of the runner search and the plan, for each graph it looks at) would already
    pass the budget."""
    setup = inputs.setup
    today = additions_for(setup, {pool.name: pool.runners for pool in inputs.inventory})
    needed = 0
    for case in (inputs.current, inputs.proposed) if faster else (inputs.current,):
        try:
            work = check_work(setup.input_for(case, today), VERDICT_SIMULATION_WORK_BUDGET)
        except WorkBudgetExceeded as error:
            return _too_big(error)
        except ValueError:
            continue  # a pool full of other work: the simulation path says so itself
        needed += 3 * work.total
        if needed > VERDICT_WORK_BUDGET:
            return _too_big(
                WorkBudgetExceeded(
                    f"its simulations would take the work of at least {needed:,} simulated jobs, "
                    f"more than the {VERDICT_WORK_BUDGET:,} one request may take; {work.cause()}"
                )
            )
    return None


def _no_verdict(inputs: PlanInputs) -> str | None:
    if not inputs.current.seconds:
        return (
            "No verdict and no money figures: this workflow has no jobs, so nothing runs on "
            "runners and there is nothing to size or price. Import the workflow file that "
            "defines its jobs."
        )
    if inputs.unmeasured:
        names = ", ".join(inputs.unmeasured)
        return (
            "No verdict and no money figures: the wall clock rests on "
            f"{count(len(inputs.unmeasured), 'job')} with no measured duration ({names}). Import "
            "their runs, or enter an estimate for each in the what-if form; until then any answer "
            "would rest on a guess of 0 s."
        )
    saturated = [pool.name for pool in inputs.setup.pools if pool.baseline_utilization >= 1]
    if saturated:
        return (
            f"No verdict: {', '.join(saturated)} is fully used by other work (utilization 100%), "
            "so its queue never empties and no number of this workflow's runs can be predicted."
        )
    return None


def _simulate(inputs: PlanInputs, sims: _Simulated, faster: bool) -> tuple[Graph, dict[str, int]]:
    setup, pools = inputs.setup, list(inputs.setup.pools)
    inventory = {pool.name: pool.runners for pool in inputs.inventory}

    def run(case: GraphCase, runners: Mapping[str, int]) -> SimulationResult | None:
        sims.count += 1
        return run_with(setup, case, runners)

    def sizing(case: GraphCase) -> dict[str, PoolSizing]:
        found, rounds = size_pools(setup, case, sized_pools(case, pools))
        sims.count += rounds
        return {row.pool: row for row in found}

    def recommended_for(found: Mapping[str, PoolSizing]) -> dict[str, int]:
        """A pool the scenario gives a runner count keeps it, topped up to the need: the
        manager decided it. Any other pool gets what it needs, more or fewer than today."""
        runners = {pool.name: pool.runners for pool in pools}
        typed = setup.scenario.runners
        for name, row in found.items():
            if row.needed is not None:
                runners[name] = max(typed[name], row.needed) if name in typed else row.needed
        return runners

    def marginal(
        case: GraphCase, found: Mapping[str, PoolSizing], runners: Mapping[str, int]
    ) -> None:
        sims.marginal = {}
        for name, row in found.items():
            sims.marginal[name], simulations = marginal_steps(setup, case, runners, row)
            sims.count += simulations

    sims.today = run(inputs.current, inventory)
    sims.sizing_today = sizing(inputs.current)
    if faster:
        sims.proposed_today = run(inputs.proposed, inventory)
        sims.sizing_proposed = sizing(inputs.proposed)
        runners = recommended_for(sims.sizing_proposed)
        planned = run(inputs.proposed, runners)
        if _beats(planned, sims.today):
            sims.planned = planned
            marginal(inputs.proposed, sims.sizing_proposed, runners)
            return "proposed", runners
    runners = recommended_for(sims.sizing_today)
    sims.planned = run(inputs.current, runners)
    marginal(inputs.current, sims.sizing_today, runners)
    return "today", runners


def _beats(planned: SimulationResult | None, today: SimulationResult | None) -> bool:
    if planned is None or planned.pipeline_wall_clock_s is None:
        return False
    if today is None or today.pipeline_wall_clock_s is None:
        return True  # today's pools cannot take today's load: anything that runs is better
    return planned.pipeline_wall_clock_s.p90 < today.pipeline_wall_clock_s.p90


def _outcome(result: SimulationResult | None, runners: Mapping[str, int]) -> Outcome | None:
    return None if result is None else outcome(result, runners)


def _load(scenario: Scenario) -> Load:
    average = (
        scenario.pipelines_per_month / HOURS_PER_MONTH
        if scenario.pipelines_per_month is not None
        else None
    )
    note = None
    rate = scenario.pipelines_per_hour
    if average is not None and rate is not None and average > rate:
        note = (
            f"{scenario.pipelines_per_month:,.0f} pipelines per month average "
            f"{average:.1f} per hour, more than the {rate:g} per hour the queues are simulated "
            "at: raise pipelines per hour to the busy hour's rate, or lower pipelines per month."
        )
    return Load(
        pipelines_per_hour=rate,
        pipelines_at_once=scenario.pipelines_at_once or 1,
        pipelines_per_month=scenario.pipelines_per_month,
        average_per_hour=average,
        note=note,
    )


def money_for(
    scenario: Scenario,
    pools: list[Pool],
    inventory: Mapping[str, int],
    recommended: Mapping[str, int],
    *,
    before: SimulationResult | None,
    after: SimulationResult | None,
    best_case_s: float,
    known: bool,
) -> Money:
    price = {pool.name: pool.monthly_usd_per_runner for pool in pools}
    added = {
        name: recommended[name] - inventory[name]
        for name in inventory
        if recommended[name] != inventory[name]
    }
    added_usd = sum(count * price[name] for name, count in added.items())
    removed_usd = -sum(count * price[name] for name, count in added.items() if count < 0)
    runner_count = sum(added.values())
    low, high = RULE_OF_THUMB_USD_PER_RUNNER_MONTH
    saved = None
    if before and after and before.pipeline_wall_clock_s and after.pipeline_wall_clock_s:
        saved = before.pipeline_wall_clock_s.mean - after.pipeline_wall_clock_s.mean
    missing = [
        label
        for label, value in (
            ("pipelines per month", scenario.pipelines_per_month),
            ("loaded $/hour", scenario.loaded_usd_per_hour),
        )
        if value is None
    ]
    people, per_month, rate = (
        scenario.people_waiting_per_pipeline,
        scenario.pipelines_per_month,
        scenario.loaded_usd_per_hour,
    )

    def monthly_value(seconds: float | None) -> float | None:
        if seconds is None or per_month is None or rate is None or not known:
            return None
        return seconds / 3600 * per_month * people * rate

    hours = saved / 3600 * per_month * people if saved is not None and per_month else None
    value = monthly_value(saved)
    net = value - added_usd if value is not None else None
    payback: Payback | None = None
    payback_days = None
    if value is not None:
        if added_usd <= 0 and value >= 0:
            payback = "immediate"
        elif value > added_usd:
            payback, payback_days = "days", added_usd / value * DAYS_PER_MONTH
        else:
            payback = "never"
    break_even = None
    per_pipeline = (saved or 0.0) / 3600 * people * (rate or 0.0)
    if per_pipeline > 0 and added_usd > 0 and known:  # > 0 after rounding, not only in theory
        break_even = added_usd / per_pipeline
    return Money(
        added_runners=added,
        added_usd_per_month=added_usd,
        added_usd_per_month_rule_of_thumb=(runner_count * low, runner_count * high),
        removed_usd_per_month=removed_usd,
        saved_s_per_pipeline=saved,
        best_case_saved_s=best_case_s,
        pipelines_per_month=per_month,
        people_waiting_per_pipeline=people,
        loaded_usd_per_hour=rate,
        hours_saved_per_month=hours if known else None,
        value_usd_per_month=value,
        best_case_value_usd_per_month=monthly_value(best_case_s),
        net_usd_per_month=net,
        payback=payback,
        payback_days=payback_days,
        break_even_pipelines_per_month=break_even,
        missing=missing,
    )
