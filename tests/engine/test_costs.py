import pytest

from decider.engine.costs import Costs, cost_benefit
from decider.engine.inputs import Scenario
from decider.engine.pools import effective_pools
from tests.engine.seed import seed_pools


def _costs(scenario: Scenario, saved_s: float, additions: dict[str, int]) -> Costs:
    return cost_benefit(
        seed_pools(),
        effective_pools(seed_pools(), scenario),
        scenario,
        saved_s,
        "wall clock",
        additions,
    )


def test_it_values_the_time_saved_against_the_added_runners() -> None:
    scenario = Scenario(
        pipelines_per_month=600, people_waiting_per_pipeline=2, loaded_usd_per_hour=90
    )
    costs = _costs(scenario, 488, {"medium": 2})
    assert costs.hours_saved_per_month == pytest.approx(488 / 3600 * 600 * 2)
    assert costs.value_usd_per_month == pytest.approx(costs.hours_saved_per_month * 90)
    assert costs.added_usd_per_month == 200
    assert costs.added_usd_per_month_seed_range == (100, 300)
    assert costs.net_usd_per_month == pytest.approx(costs.value_usd_per_month - 200)
    assert costs.payback_days == pytest.approx(200 / costs.value_usd_per_month * 30.4)
    assert costs.break_even_pipelines_per_month == pytest.approx(200 / (488 / 3600 * 2 * 90))


def test_scenario_runner_counts_count_as_added_runners() -> None:
    costs = _costs(Scenario(runners={"small": 6}), 100, {})
    assert costs.added_runners == {"small": 2}
    assert costs.added_usd_per_month == 150


def test_it_says_which_inputs_the_money_figures_need() -> None:
    costs = _costs(Scenario(), 100, {})
    assert costs.value_usd_per_month is None
    assert costs.missing == ["pipelines per month", "loaded $/hour"]


def test_the_scenario_price_applies_to_its_runners_and_the_additions() -> None:
    costs = _costs(
        Scenario(runners={"medium": 4}, usd_per_runner={"medium": 10}), 100, {"medium": 2}
    )
    assert costs.added_runners == {"medium": 3}
    assert costs.added_usd_per_month == 30
