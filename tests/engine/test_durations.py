from datetime import UTC, datetime

import pytest

from decider.engine.durations import (
    current_durations,
    proposed_durations,
    statistic_of,
)
from decider.engine.inputs import DurationOverride, Estimate, Sample, Scenario
from tests.engine.seed import job_id, seed_workflow


def test_latest_is_the_most_recent_run_by_created_at_then_run_id() -> None:
    samples = [
        Sample(duration_s=1, created_at=datetime(2025, 1, 2, tzinfo=UTC), run_id=1),
        Sample(duration_s=2, created_at=datetime(2025, 1, 1, tzinfo=UTC), run_id=9),
        Sample(duration_s=3, created_at=datetime(2025, 1, 2, tzinfo=UTC), run_id=2),
    ]
    assert statistic_of(samples, "latest") == 3


def test_latest_falls_back_to_the_run_id() -> None:
    durations = current_durations(seed_workflow(), Scenario())
    assert durations.seconds[job_id("build-test-image-api")] == 524


@pytest.mark.parametrize(
    ("statistic", "expected"), [("mean", 484.6667), ("median", 480), ("p90", 515.2), ("max", 524)]
)
def test_the_statistics_of_the_api_test_build(statistic: str, expected: float) -> None:
    api = seed_workflow().jobs[job_id("build-test-image-api")]
    assert statistic_of(api.samples, statistic) == pytest.approx(expected, abs=1e-3)


def test_unmeasured_jobs_count_as_zero_until_estimated() -> None:
    publish = job_id("publish-api")
    plain = current_durations(seed_workflow(), Scenario())
    assert (plain.seconds[publish], plain.source[publish]) == (0, "unmeasured")
    estimated = current_durations(
        seed_workflow(), Scenario(estimates=[Estimate(job=publish, seconds=60)])
    )
    assert (estimated.seconds[publish], estimated.source[publish]) == (60, "estimate")
    assert publish not in estimated.unmeasured


def test_overrides_apply_in_order_and_never_go_below_zero() -> None:
    api = job_id("build-production-api")
    scenario = Scenario(
        overrides=[
            DurationOverride(job=api, percent_change=-50),
            DurationOverride(job=api, delta_s=-90),
            DurationOverride(job=job_id("build-production-eight-ball"), delta_s=-90),
        ]
    )
    proposed = proposed_durations(current_durations(seed_workflow(), scenario), scenario)
    assert proposed.seconds[api] == 488 / 2 - 90
    assert proposed.seconds[job_id("build-production-eight-ball")] == 0
