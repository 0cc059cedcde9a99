"""The plan's money (DESIGN.md semantics 13): loaded mean wall clock before vs after, the
change in runners against the inventory at the scenario's prices, payback or "never"."""

import pytest

from decider.engine.inputs import Scenario
from decider.engine.plan import money_for
from decider.engine.pools import effective_pools
from decider.engine.simulation import Percentiles, SimulationResult
from tests.engine.seed import seed_pools

INVENTORY = {pool.name: pool.runners for pool in seed_pools()}
PAID = Scenario(pipelines_per_month=600, people_waiting_per_pipeline=2, loaded_usd_per_hour=90)


def _wall_clock(mean: float) -> SimulationResult:
    figures = Percentiles(p50=mean, p90=mean * 1.5, p99=mean * 2, mean=mean)
    return SimulationResult(
        pipeline_wall_clock_s=figures,
        milestone_wall_clock_s=None,
        pipeline_queue_delay_s=figures,
        pools=[],
    )


def _money(scenario: Scenario, recommended: dict[str, int], before: float, after: float):
    return money_for(
        scenario,
        effective_pools(seed_pools(), scenario),
        INVENTORY,
        {**INVENTORY, **recommended},
        before=_wall_clock(before),
        after=_wall_clock(after),
        best_case_s=488,
        known=True,
    )


def test_it_values_the_mean_time_saved_at_the_load_against_the_added_runners() -> None:
    money = _money(PAID, {"medium": 5}, before=1500, after=1000)
    assert money.saved_s_per_pipeline == 500
    assert money.hours_saved_per_month == pytest.approx(500 / 3600 * 600 * 2)
    assert money.value_usd_per_month == pytest.approx(money.hours_saved_per_month * 90)
    assert money.added_runners == {"medium": 2}
    assert money.added_usd_per_month == 200
    assert money.added_usd_per_month_rule_of_thumb == (100, 300)
    assert money.net_usd_per_month == pytest.approx(money.value_usd_per_month - 200)
    assert money.payback == "days"
    assert money.payback_days == pytest.approx(200 / money.value_usd_per_month * 30.4)
    assert money.break_even_pipelines_per_month == pytest.approx(200 / (500 / 3600 * 2 * 90))


def test_the_best_case_is_one_pipeline_on_idle_runners_valued_the_same_way() -> None:
    money = _money(PAID, {}, before=1500, after=1400)
    assert money.best_case_saved_s == 488
    assert money.best_case_value_usd_per_month == pytest.approx(488 / 3600 * 600 * 2 * 90)


def test_payback_is_never_when_the_value_does_not_cover_the_runners() -> None:
    money = _money(PAID, {"medium": 30}, before=1000, after=999)
    assert money.net_usd_per_month is not None and money.net_usd_per_month < 0
    assert (money.payback, money.payback_days) == ("never", None)


def test_removing_runners_pays_back_at_once_and_counts_as_a_saving() -> None:
    money = _money(PAID, {"small": 2}, before=1000, after=1000)
    assert money.added_runners == {"small": -2}
    assert money.added_usd_per_month == -150  # small runners cost $75 a month
    assert money.removed_usd_per_month == 150
    assert money.payback == "immediate"


def test_it_says_which_inputs_the_money_figures_need() -> None:
    money = _money(Scenario(), {}, before=1000, after=900)
    assert money.value_usd_per_month is None
    assert money.payback is None
    assert money.missing == ["pipelines per month", "loaded $/hour"]


def test_the_scenario_price_applies_to_every_runner_of_the_change() -> None:
    scenario = Scenario(runners={"medium": 4}, usd_per_runner={"medium": 10})
    money = _money(scenario, {"medium": 6}, before=1000, after=900)
    assert money.added_runners == {"medium": 3}
    assert money.added_usd_per_month == 30
