"""Which assumption matters (engine/sensitivity.py): the net benefit at each end of each
assumption's range, the break-even values, and the assumptions that flip the decision."""

from __future__ import annotations

import pytest

from decider.engine import sensitivity as sensitivity_module
from decider.engine.analysis import Analysis, analyze
from decider.engine.inputs import Scenario
from decider.engine.presets import apply_preset
from decider.engine.simulation import Percentiles, PoolStats, SimulationInput, SimulationResult
from tests.engine.seed import seed_pools, seed_workflow

ENOUGH = 3  # runners from which a pool's jobs stop waiting, in QueueByRunners


class QueueByRunners:
    """A known queue: a pool's pipeline jobs wait 120 s at p90 with fewer than ENOUGH runners
    and none from there; the pipeline's wall clock falls 30 s with every runner of its pools
    (from 1,000 s, never under 100 s). So the plan adds runners up to ENOUGH per pool and each
    saves a known time: the money is arithmetic the test can redo."""

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        runners = sum(pool.runners for pool in inp.pools)
        wall = max(100.0, 1000.0 - 30.0 * runners)
        figures = Percentiles(p50=wall, p90=wall, p99=wall, mean=wall)
        return SimulationResult(
            pipeline_wall_clock_s=figures,
            milestone_wall_clock_s=None,
            pipeline_queue_delay_s=Percentiles(p50=0, p90=0, p99=0, mean=0),
            pools=[
                PoolStats(
                    name=pool.name,
                    mean_wait_s=0,
                    p90_wait_s=0,
                    utilization=0.5,
                    pipeline_p90_wait_s=0.0 if pool.runners >= ENOUGH else 120.0,
                )
                for pool in inp.pools
            ],
        )


def _analysis(**money: float) -> Analysis:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario(**money), "parallel")  # type: ignore[arg-type]
    pools = seed_pools(small=1, medium=1, cpu_optimized=1)
    return analyze(workflow, pools, scenario, simulator=QueueByRunners())


def _swing(analysis: Analysis, assumption: str) -> sensitivity_module.Swing:
    assert analysis.sensitivity is not None
    return next(s for s in analysis.sensitivity.swings if s.assumption == assumption)


MONEY = {"pipelines_per_month": 300.0, "loaded_usd_per_hour": 80.0}


def test_the_plan_adds_runners_and_pays_for_itself_at_the_stated_money() -> None:
    plan = _analysis(**MONEY).plan
    assert plan.money.added_usd_per_month > 0
    assert plan.money.net_usd_per_month is not None and plan.money.net_usd_per_month > 0


@pytest.mark.parametrize(
    ("assumption", "field"),
    [
        ("Pipelines per month", "pipelines_per_month"),
        ("Loaded cost of an hour", "loaded_usd_per_hour"),
        ("People waiting per pipeline", "people_waiting_per_pipeline"),
    ],
)
def test_a_money_inputs_break_even_is_where_the_net_benefit_is_zero(
    assumption: str, field: str
) -> None:
    swing = _swing(_analysis(**MONEY), assumption)
    assert swing.break_even is not None and swing.break_even_exact and not swing.simulated
    at_break_even = _analysis(**{**MONEY, field: swing.break_even}).plan.money
    assert at_break_even.net_usd_per_month == pytest.approx(0, abs=1e-6)
    # And the ends are the net benefit with the assumption set to them.
    at_high = _analysis(**{**MONEY, field: swing.high}).plan.money.net_usd_per_month
    assert swing.net_at_high_usd == pytest.approx(at_high)


def test_the_runner_price_break_even_is_where_the_net_benefit_is_zero() -> None:
    analysis = _analysis(**MONEY)
    swing = _swing(analysis, "Runner prices")
    assert swing.break_even is not None
    money = analysis.plan.money
    assert money.value_usd_per_month is not None
    cost_at_break_even = money.added_usd_per_month * swing.break_even
    assert money.value_usd_per_month - cost_at_break_even == pytest.approx(0, abs=1e-6)


def test_an_assumption_whose_range_crosses_zero_flips_the_decision_and_is_named() -> None:
    # Just above break-even: half the pipelines a month no longer pay for the runners.
    stated = _swing(_analysis(**MONEY), "Pipelines per month")
    assert stated.break_even is not None
    analysis = _analysis(**{**MONEY, "pipelines_per_month": stated.break_even * 1.2})
    result = analysis.sensitivity
    assert result is not None and result.base_net_usd is not None and result.base_net_usd > 0
    assert "Pipelines per month" in result.flipping
    swing = _swing(analysis, "Pipelines per month")
    assert swing.net_at_low_usd is not None and swing.net_at_low_usd < 0
    assert "the plan stops paying for itself with pipelines per month (at " in result.summary
    assert swing.break_even_text is not None and swing.break_even_text in result.summary


def test_nothing_flips_when_every_end_keeps_the_sign() -> None:
    result = _analysis(pipelines_per_month=30000, loaded_usd_per_hour=200).sensitivity
    assert result is not None and result.flipping == []
    assert result.summary.startswith("No assumption in these ranges changes the decision")


def test_swings_are_widest_first_and_the_queue_ones_are_simulated() -> None:
    result = _analysis(**MONEY, pipelines_per_hour=2).sensitivity
    assert result is not None
    widths = [swing.width_usd for swing in result.swings]
    assert widths == sorted(widths, reverse=True)
    simulated = {swing.assumption for swing in result.swings if swing.simulated}
    assert simulated == {
        "Pipelines per hour in the busy hour",
        "Baseline utilization of the pools",
        "Job durations",
    }


def test_the_busy_hour_is_left_out_when_the_scenario_gives_no_rate() -> None:
    result = _analysis(**MONEY).sensitivity
    assert result is not None
    assert "Pipelines per hour in the busy hour" not in {s.assumption for s in result.swings}


def test_no_money_figures_means_no_tornado_said_plainly() -> None:
    result = _analysis().sensitivity
    assert result is not None and result.swings == [] and result.base_net_usd is None
    assert result.missing == (
        "Nothing to weigh yet: this needs the money figures, and the scenario does not state "
        "pipelines per month and loaded $/hour."
    )


def test_runs_past_their_own_budget_are_said_not_simulated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sensitivity_module, "SENSITIVITY_WORK_BUDGET", 1)
    result = _analysis(**MONEY).sensitivity
    assert result is not None
    for swing in result.swings:
        if swing.simulated:
            assert (swing.net_at_low_usd, swing.net_at_high_usd) == (None, None)
            assert swing.note == "not simulated: its runs would pass the work one request may take"
        else:
            assert swing.net_at_low_usd is not None


def test_the_demo_with_money_simulates_each_end_on_the_real_queues() -> None:
    workflow = seed_workflow()
    scenario = apply_preset(
        workflow,
        Scenario(pipelines_per_month=900, loaded_usd_per_hour=100, pipelines_per_hour=2),
        "parallel",
    )
    result = analyze(workflow, seed_pools(), scenario).sensitivity
    assert result is not None and result.base_net_usd is not None
    for swing in result.swings:
        assert swing.net_at_low_usd is not None and swing.net_at_high_usd is not None
    # Longer jobs make waiting dearer, so the plan's saving is worth more with them.
    durations = next(s for s in result.swings if s.assumption == "Job durations")
    assert durations.net_at_high_usd > durations.net_at_low_usd  # type: ignore[operator]
