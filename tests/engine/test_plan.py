"""The plan's refusals and notes (DESIGN.md semantics 13, docs/plan.md): no verdict without
measurements, a pool full of other work, a pool no runner count can serve, and load figures that
contradict each other."""

from decider.engine.analysis import analyze
from decider.engine.inputs import MeasuredInput, Scenario
from decider.engine.presets import apply_preset
from tests.engine.fakes import AlwaysWaiting
from tests.engine.seed import seed_pools, seed_workflow


def _parallel(**settings: object) -> Scenario:
    return apply_preset(seed_workflow(), Scenario.model_validate(settings), "parallel")


def test_no_verdict_and_no_money_when_no_job_of_a_critical_path_was_measured() -> None:
    workflow = seed_workflow()
    unmeasured = workflow.model_copy(
        update={"jobs": [job.model_copy(update={"samples": []}) for job in workflow.jobs]}
    )
    simulator = AlwaysWaiting(0)
    scenario = apply_preset(
        unmeasured, Scenario(pipelines_per_month=600, loaded_usd_per_hour=90), "parallel"
    )
    analysis = analyze(unmeasured, seed_pools(), scenario, simulator=simulator)
    plan = analysis.plan
    # With every job at 0 s, the wall clock rests on no measurement: the jobs are named.
    assert plan.no_verdict is not None
    assert plan.no_verdict.startswith("No verdict and no money figures: the wall clock rests on")
    critical = {job.key for job in unmeasured.jobs if job.id in analysis.current.critical_path}
    assert critical and all(key in plan.no_verdict for key in critical)
    assert analysis.decision is not None and analysis.decision.verdict == "undecided"
    assert (plan.money.value_usd_per_month, plan.money.payback) == (None, None)
    assert simulator.runs == 0


def test_no_verdict_when_other_work_fills_a_pool() -> None:
    simulator = AlwaysWaiting(0)
    analysis = analyze(
        seed_workflow(), seed_pools(), _parallel(utilization={"medium": 1.0}), simulator=simulator
    )
    assert analysis.plan.no_verdict is not None and "fully used" in analysis.plan.no_verdict
    assert analysis.decision is not None and analysis.decision.verdict == "undecided"


def test_a_pool_no_runner_count_serves_leaves_the_verdict_undecided() -> None:
    analysis = analyze(
        seed_workflow(),
        seed_pools(),
        _parallel(target_queue_wait_s=60),
        simulator=AlwaysWaiting(900),
    )
    decision = analysis.decision
    assert decision is not None and decision.verdict == "undecided"
    assert "No runner count up to the limit" in decision.reason
    sized = [pool.sizing_today for pool in analysis.plan.pools if pool.sizing_today]
    assert sized and all(row.needed is None for row in sized)


def test_pipelines_per_month_above_the_hourly_rate_is_said() -> None:
    plan = analyze(
        seed_workflow(),
        seed_pools(),
        _parallel(pipelines_per_month=7300, pipelines_per_hour=2),
        simulator=AlwaysWaiting(0),
    ).plan
    assert plan.load.average_per_hour == 7300 / (30.4 * 24)
    assert plan.load.note is not None and "more than the 2 per hour" in plan.load.note


def test_a_consistent_monthly_and_hourly_load_needs_no_note() -> None:
    plan = analyze(
        seed_workflow(),
        seed_pools(),
        _parallel(pipelines_per_month=700, pipelines_per_hour=2),
        simulator=AlwaysWaiting(0),
    ).plan
    assert plan.load.note is None


def test_each_sized_pool_shows_what_one_runner_more_or_fewer_buys() -> None:
    """The marginal series runs from four runners below the recommendation to two above, the
    other pools at their recommendation; at the recommended count it is the plan itself."""
    analysis = analyze(seed_workflow(), seed_pools(), _parallel(pipelines_per_hour=2))
    plan = analysis.plan
    assert plan.planned is not None
    charted = [pool for pool in plan.pools if pool.marginal]
    sized = [pool for pool in plan.pools if pool.sizing_proposed or pool.sizing_today]
    assert charted and [p.name for p in charted] == [p.name for p in sized]
    for pool in charted:
        counts = [step.runners for step in pool.marginal]
        low = max(1, pool.recommended_runners - 4)
        assert counts == list(range(low, pool.recommended_runners + 3))
        at_plan = next(s for s in pool.marginal if s.runners == pool.recommended_runners)
        assert at_plan.p90_wait_s == plan.planned.p90_wait_s[pool.name]
        assert all(s.usd_per_month == s.runners * pool.usd_per_runner_month for s in pool.marginal)
        sizing = pool.sizing_proposed if plan.graph == "proposed" else pool.sizing_today
        assert sizing is not None
        # Below the lower bound the queue never empties: no figure, and no simulation spent.
        assert all(s.p90_wait_s is None for s in pool.marginal if s.runners < sizing.lower_bound)
        assert at_plan.p90_wait_s is not None and at_plan.p90_wait_s <= plan.target_queue_wait_s


def test_counts_below_the_lower_bound_are_never_simulated() -> None:
    simulator = AlwaysWaiting(0)
    analysis = analyze(
        seed_workflow(), seed_pools(), _parallel(pipelines_per_hour=2), simulator=simulator
    )
    plan = analysis.plan
    below = sum(1 for pool in plan.pools for step in pool.marginal if step.p90_wait_s is None)
    simulated = sum(len(pool.marginal) for pool in plan.pools) - below
    assert below > 0  # 4 below the recommendation reaches under the bound on some pool
    assert analysis.options is not None  # the options simulate after the plan, on their own budget
    assert plan.simulations_run + analysis.options.simulations_run == simulator.runs
    assert simulated > 0 and simulator.runs >= simulated


def test_the_plan_says_a_background_job_length_came_from_measured_load_until_it_is_edited() -> None:
    measured = MeasuredInput(
        kind="background_job_s", pool="medium", value=240.0, source="measured over 14 days"
    )
    taken = _parallel(background_job_s={"medium": 240.0, "small": 90.0}, measured=[measured])
    sources = {
        pool.name: pool.background_job_source
        for pool in analyze(
            seed_workflow(), seed_pools(), taken, simulator=AlwaysWaiting(0)
        ).plan.pools
    }
    assert sources["medium"] == "measured_load"
    assert sources["small"] == "typed"  # typed in the scenario, not measured
    edited = _parallel(background_job_s={"medium": 300.0}, measured=[measured])
    plan = analyze(seed_workflow(), seed_pools(), edited, simulator=AlwaysWaiting(0)).plan
    assert {pool.name: pool.background_job_source for pool in plan.pools}["medium"] == "typed"
