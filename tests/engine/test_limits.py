"""Every number the engine takes has a ceiling a real team stays under (engine/limits.py)."""

import pytest
from pydantic import ValidationError

from decider.engine import limits
from decider.engine.inputs import DurationOverride, Estimate, Pool, Sample, Scenario
from decider.engine.simulation import SimPool, SimulationInput


@pytest.mark.parametrize(
    "data",
    [
        {"runners": {"medium": 10**8}},
        {"runners": {"medium": 10**9}},
        {"pipelines_at_once": 10**6},
        {"pipelines_per_hour": 10**9},
        {"pipelines_per_month": 1e12},
        {"people_waiting_per_pipeline": 1e9},
        {"loaded_usd_per_hour": 1e300},
        {"usd_per_runner": {"medium": 1e300}},
        {"target_queue_wait_s": 1e300},
        {"simulated_pipelines": 10**7},
    ],
)
def test_a_scenario_refuses_numbers_no_team_has(data: dict) -> None:
    with pytest.raises(ValidationError):
        Scenario.model_validate(data)


def test_the_largest_allowed_scenario_is_accepted() -> None:
    scenario = Scenario(
        runners={"medium": limits.MAX_RUNNERS},
        pipelines_at_once=limits.MAX_PIPELINES_AT_ONCE,
        target_queue_wait_s=limits.MAX_TYPED_DURATION_S,
    )
    assert scenario.runners["medium"] == 1000


def test_typed_durations_stop_at_three_days() -> None:
    with pytest.raises(ValidationError):
        Estimate(job=0, seconds=1e300)
    with pytest.raises(ValidationError):
        DurationOverride(job=0, seconds=limits.MAX_TYPED_DURATION_S + 1)
    with pytest.raises(ValidationError):
        DurationOverride(job=0, delta_s=-1e12)
    with pytest.raises(ValidationError):
        DurationOverride(job=0, percent_change=1e6)


def test_a_measured_run_stops_at_githubs_35_days() -> None:
    assert Sample(duration_s=35 * 86400).duration_s == 3_024_000
    with pytest.raises(ValidationError):
        Sample(duration_s=1e300)


def test_pools_and_simulations_refuse_a_hundred_million_runners() -> None:
    with pytest.raises(ValidationError):
        Pool(name="medium", labels=["medium"], runners=10**8)
    with pytest.raises(ValidationError):
        SimPool(name="medium", runners=10**8, baseline_utilization=0, mean_background_job_s=0)
    with pytest.raises(ValidationError):
        SimulationInput(pools=[], jobs=[], pipelines=1, pipelines_at_once=10**6, seed=0)
