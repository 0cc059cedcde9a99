"""Measured load per pool, pinned on a generated history whose figures are known by construction.

The history: two weeks from Monday 2 March 2026 00:00 UTC, a pool `small` of 4 runners. Every
hour on the hour a pipeline is created with two jobs on `small`: one waits 30 s, the other 90 s,
and each runs 30 minutes. So 2 jobs start per hour, they keep 2 x 1800 runner-seconds busy per
hour of 4 x 3600 (utilization 25%), at most 2 run at once, and the waits are half 30 s, half 90 s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from decider.engine.inputs import Pool
from decider.engine.measured_load import (
    LoadJob,
    Window,
    measure,
    pipelines_per_hour,
    pool_of,
)

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
WINDOW = Window.ending(START + timedelta(days=14))
SMALL = Pool(name="small", labels=["self-hosted", "linux", "small"], runners=4)
MEDIUM = Pool(name="medium", labels=["self-hosted", "linux", "medium"], runners=2)
HOURS = 14 * 24


def _job(created: datetime, wait_s: float, length_s: float, **fields: object) -> LoadJob:
    started = created + timedelta(seconds=wait_s)
    given: dict[str, object] = {
        "conclusion": "success",
        "labels": ("self-hosted", "small"),
        "runner_name": "small-1",
        **fields,
    }
    return LoadJob(
        created_at=created,
        started_at=started,
        completed_at=started + timedelta(seconds=length_s),
        **given,  # type: ignore[arg-type]
    )


def _history() -> list[LoadJob]:
    jobs = []
    for hour in range(HOURS):
        created = START + timedelta(hours=hour)
        jobs += [_job(created, 30, 1800), _job(created, 90, 1800)]
    return jobs


def _small(jobs: list[LoadJob]):  # type: ignore[no-untyped-def]
    (small, _) = measure(jobs, [SMALL, MEDIUM], WINDOW).pools
    return small


def test_the_generated_history_gives_its_figures() -> None:
    small = _small(_history())
    assert small.jobs == 2 * HOURS
    assert small.jobs_per_hour == pytest.approx(2.0)
    assert small.busy_runner_s == pytest.approx(2 * HOURS * 1800)
    assert small.served_utilization == pytest.approx(0.25)
    assert small.offered_utilization == pytest.approx(0.25)
    assert small.mean_job_s == pytest.approx(1800)
    # Half the waits 30 s, half 90 s: the median interpolates between the middle two.
    assert (small.queue_wait.measured, small.queue_wait.p50_s) == (2 * HOURS, pytest.approx(60))
    assert (small.queue_wait.p90_s, small.queue_wait.p99_s) == (90, 90)
    assert (small.peak_busy_runners, small.hours_saturated) == (2, 0)
    assert all(cell == pytest.approx(2.0) for day in small.heatmap for cell in day)


def test_a_burst_that_fills_the_pool_is_one_saturated_hour_and_shows_on_the_heatmap() -> None:
    burst = START + timedelta(hours=9, minutes=10)  # Monday 2 March, 09:10
    small = _small([*_history(), _job(burst, 0, 600), _job(burst, 0, 600)])
    assert (small.peak_busy_runners, small.hours_saturated) == (4, 1)
    # Two Mondays in the window: (2 + 2 + 2) jobs over two 09:00 hours.
    assert small.heatmap[0][9] == pytest.approx(3.0)
    assert small.heatmap[0][10] == pytest.approx(2.0)
    assert small.served_utilization == pytest.approx((2 * HOURS * 1800 + 1200) / (4 * 14 * 86400))


def test_saturation_across_an_hour_boundary_counts_both_hours() -> None:
    start = START + timedelta(hours=5, minutes=50)
    jobs = [_job(start, 0, 1200) for _ in range(4)]  # 05:50 to 06:10
    small = _small(jobs)
    assert (small.peak_busy_runners, small.hours_saturated) == (4, 2)


def test_jobs_cancelled_in_the_queue_count_in_offered_load_only() -> None:
    cancelled = [
        LoadJob(
            created_at=START + timedelta(hours=12 * day),
            conclusion="cancelled",
            labels=("self-hosted", "small"),
        )
        for day in range(28)
    ]
    small = _small(_history() + cancelled)
    assert (small.jobs, small.cancelled_in_queue) == (2 * HOURS, 28)
    assert small.served_utilization == pytest.approx(0.25)
    capacity = 4 * 14 * 86400
    assert small.offered_utilization == pytest.approx((2 * HOURS * 1800 + 28 * 1800) / capacity)


def test_a_job_cancelled_after_a_runner_took_it_is_work_done() -> None:
    job = _job(START, 10, 300, conclusion="cancelled")
    assert (job.ran, job.cancelled_in_queue) == (True, False)


def test_only_jobs_started_in_the_window_count_and_busy_time_is_clipped_to_it() -> None:
    before = _job(START - timedelta(hours=1), 0, 1800)
    across_the_end = _job(WINDOW.end - timedelta(minutes=10), 0, 1800)
    small = _small([before, across_the_end])
    assert small.jobs == 1
    assert small.busy_runner_s == pytest.approx(600)


def test_jobs_go_to_a_pool_by_runner_group_then_runner_name_then_labels() -> None:
    pools = [SMALL, MEDIUM]
    by_labels = LoadJob(labels=("self-hosted", "medium"))
    assert pool_of(by_labels, pools) == MEDIUM
    by_group = LoadJob(labels=("self-hosted", "small"), runner_group="Medium")
    assert pool_of(by_group, pools) == MEDIUM
    by_name = LoadJob(labels=("self-hosted",), runner_name="medium-runner-3")
    assert pool_of(by_name, pools) == MEDIUM
    # A name that merely begins like a pool's is not that pool's runner.
    assert pool_of(LoadJob(labels=("self-hosted", "small"), runner_name="mediumish"), pools) == (
        SMALL
    )
    assert (
        pool_of(LoadJob(labels=("ubuntu-latest",), runner_name="GitHub Actions 5"), pools) is None
    )
    assert pool_of(LoadJob(), pools) is None


def test_jobs_no_pool_claims_are_counted_apart() -> None:
    hosted = _job(START, 0, 60, labels=("ubuntu-latest",), runner_name="GitHub Actions 2")
    load = measure([hosted, *_history()[:2]], [SMALL], WINDOW)
    assert (load.unattributed, load.pools[0].jobs) == (1, 2)


def test_an_empty_history_measures_nothing_and_a_pool_of_no_runners_has_no_utilization() -> None:
    empty = _small([])
    assert (empty.jobs, empty.mean_job_s, empty.queue_wait.p50_s) == (0, None, None)
    assert empty.served_utilization == 0
    none = measure(_history(), [SMALL.model_copy(update={"runners": 0})], WINDOW).pools[0]
    assert none.served_utilization is None


def test_pipelines_per_hour_counts_runs_created_in_the_window() -> None:
    created = [START + timedelta(hours=hour) for hour in range(-5, HOURS)]
    assert pipelines_per_hour(created, WINDOW) == pytest.approx(1.0)
