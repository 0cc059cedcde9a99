"""The monitor's aggregates on a generated history with a known change on 2026-11-02."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from decider.adapter.monitor_queries import (
    Scope,
    busy_seconds_by_labels,
    pipeline_periods,
    pool_periods,
)
from decider.aggregates import percentile_cont
from decider.models import Team, Workflow
from tests.factories import JobFactory, RepositoryFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

LIVE_ON = date(2026, 11, 2)
# Before: the image build waits 60 s for a medium runner and the test job ends at 1012 s.
BEFORE = [
    PlannedJob("test", ready_s=0, start_s=12, end_s=700),
    PlannedJob("build", ready_s=700, start_s=760, end_s=1012),
]
# After: the build no longer waits for the test job, but waits 240 s for a medium runner.
AFTER = [
    PlannedJob("test", ready_s=0, start_s=12, end_s=524),
    PlannedJob("build", ready_s=0, start_s=240, end_s=492),
]


def shifted_workflow(team: Team, **shape: object) -> Workflow:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    JobFactory(workflow=workflow, key="test", runs_on=["self-hosted", "small"])
    JobFactory(workflow=workflow, key="build", runs_on=["self-hosted", "medium"])
    generate_history(
        workflow,
        HistoryShape(
            before=BEFORE,
            after=AFTER,
            live_on=LIVE_ON,
            days_before=14,
            days_after=14,
            **shape,  # type: ignore[arg-type]
        ),
    )
    return workflow


def _scope(workflow: Workflow, **filters: str) -> Scope:
    return Scope(
        workflow_id=workflow.pk,
        start=datetime(2026, 10, 1, tzinfo=UTC),
        end=datetime(2026, 12, 1, tzinfo=UTC),
        **filters,
    )


def test_the_daily_median_wall_clock_shifts_exactly_on_the_adoption_day(team: Team) -> None:
    workflow = shifted_workflow(team)
    days = pipeline_periods(_scope(workflow), "day", milestone_keys=["build"])
    assert len(days) == 28
    assert {day.pipelines for day in days} == {9}
    before = [day for day in days if day.start < LIVE_ON]
    after = [day for day in days if day.start >= LIVE_ON]
    assert {round(day.wall_clock_p50_s, 6) for day in before} == {1012}
    assert {round(day.wall_clock_p50_s, 6) for day in after} == {524}
    # Spread: the last job of pipeline i ends (i - 4) x 30 s later; p90 = rank 7.2 -> 96 s.
    assert {round(day.wall_clock_p90_s, 6) for day in before} == {1012 + 96}
    # The milestone (the build) ends at 1012 s before (it is last: spread too), 492 s after.
    assert {round(day.milestone_p50_s, 6) for day in before} == {1012}
    assert {round(day.milestone_p50_s, 6) for day in after} == {492}


def test_weeks_start_on_monday(team: Team) -> None:
    workflow = shifted_workflow(team)
    weeks = pipeline_periods(_scope(workflow), "week", milestone_keys=[])
    assert [week.start for week in weeks] == [
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
    ]
    assert [week.pipelines for week in weeks] == [63, 63, 63, 63]
    assert [round(week.wall_clock_p50_s) for week in weeks] == [1012, 1012, 524, 524]
    assert weeks[0].milestone_p50_s is None


def test_queue_wait_rises_on_the_medium_pool_only(team: Team) -> None:
    workflow = shifted_workflow(team, cancelled_in_queue_per_day_after={"build": 2})
    jobs = {job.key: job.pk for job in workflow.jobs.all()}
    pools = {jobs["test"]: "small", jobs["build"]: "medium"}
    rows = pool_periods(_scope(workflow), "day", pools)
    medium = {row.start: row for row in rows if row.pool == "medium"}
    small = {row.start: row for row in rows if row.pool == "small"}
    assert medium[date(2026, 11, 1)].wait_p50_s == pytest.approx(60)
    assert medium[date(2026, 11, 2)].wait_p50_s == pytest.approx(240)
    assert (
        small[date(2026, 11, 1)].wait_p50_s
        == small[date(2026, 11, 2)].wait_p50_s
        == (pytest.approx(12))
    )
    assert medium[date(2026, 11, 1)].cancelled_in_queue == 0
    assert medium[date(2026, 11, 2)].cancelled_in_queue == 2
    # The cancelled jobs spoil their pipelines: the wall clock still counts 9 a day.
    days = pipeline_periods(_scope(workflow), "day", milestone_keys=[])
    assert {day.pipelines for day in days} == {9}


def test_filters_keep_only_the_branch_and_event_asked_for(team: Team) -> None:
    workflow = shifted_workflow(team, other_branch="feature/x", other_branch_per_day=3)
    everything = pipeline_periods(_scope(workflow), "day", milestone_keys=[])
    assert {day.pipelines for day in everything} == {12}
    main = pipeline_periods(_scope(workflow, branch="main"), "day", milestone_keys=[])
    assert {day.pipelines for day in main} == {9}
    prs = pipeline_periods(_scope(workflow, event="pull_request"), "day", milestone_keys=[])
    assert {day.pipelines for day in prs} == {3}
    assert pipeline_periods(_scope(workflow, branch="nope"), "day", milestone_keys=[]) == []


def test_runner_time_is_summed_per_label_set(team: Team) -> None:
    workflow = shifted_workflow(team)
    rows = busy_seconds_by_labels(
        team.pk, datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC), "day"
    )
    busy = {labels: seconds for _, labels, seconds in rows}
    assert workflow.jobs.count() == 2
    # 9 pipelines: the test job 512 s each, the build 252 s plus the spread (which sums to 0).
    assert busy == {
        '["self-hosted", "small"]': pytest.approx(9 * 512),
        '["self-hosted", "medium"]': pytest.approx(9 * 252),
    }


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([3.0], 0.9, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
        ([10.0, 0.0, 20.0, 30.0, 40.0], 0.9, 36.0),
        ([], 0.5, None),
    ],
)
def test_the_percentile_interpolates_like_postgresql(
    values: list[float], fraction: float, expected: float | None
) -> None:
    assert percentile_cont(values, fraction) == expected
