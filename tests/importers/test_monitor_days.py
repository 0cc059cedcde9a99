"""The kept per-day rows give the monitor exactly the figures its job runs give, and follow
the job runs however they change: generated, imported in pieces, re-read from a webhook,
a job removed, or kept all at once by the migration."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from decider.adapter.monitor_queries import (
    Period,
    PipelinePeriod,
    PoolPeriod,
    Scope,
    busy_seconds_by_labels,
    pipeline_periods,
    pool_periods,
)
from decider.aggregates import CountedValues, percentile_cont
from decider.importers.job_runs import parse_runs
from decider.importers.monitor_days import keep_milestone, refresh_every_day
from decider.importers.store import store_runs, store_workflows
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import JobBusyDay, JobDay, JobRun, PipelineDay, Team, Workflow
from tests.adapter.test_monitor_queries import shifted_workflow
from tests.factories import RepositoryFactory
from tests.importers.test_run_summaries import HEADER, PUBLISH_RUN_1, TEST_RUN_1
from tests.importers.test_store import TWO_JOBS

pytestmark = pytest.mark.django_db

START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
POOLS = {"test": "small", "build": "medium", "publish": "medium"}


def _placed(workflow: Workflow) -> dict[int, str]:
    return {job.pk: POOLS[job.key] for job in workflow.jobs.all()}


def _from_job_runs(scope: Scope) -> Scope:
    """The same runs (created on whole seconds), bounds a microsecond off midnight: the
    queries then read every job run instead of the kept days."""
    return dataclasses.replace(scope, start=scope.start - timedelta(microseconds=1))


def _same(kept: list[PoolPeriod], read: list[PoolPeriod], period: Period) -> None:
    if period == "all":  # its one row is dated by the scope's start
        kept = [dataclasses.replace(row, start=date.min) for row in kept]
        read = [dataclasses.replace(row, start=date.min) for row in read]
    assert kept == read


def _same_pipelines(kept: list[PipelinePeriod], read: list[PipelinePeriod], period: Period) -> None:
    assert kept and len(kept) == len(read)
    for ours, theirs in zip(kept, read, strict=True):
        # The mean is summed in another order: equal to the last bits, not to the bit.
        assert ours.wall_clock_mean_s == pytest.approx(theirs.wall_clock_mean_s)
        ours = dataclasses.replace(ours, wall_clock_mean_s=None)
        theirs = dataclasses.replace(theirs, wall_clock_mean_s=None)
        if period == "all":
            ours = dataclasses.replace(ours, start=date.min)
            theirs = dataclasses.replace(theirs, start=date.min)
        assert ours == theirs


def test_a_milestone_not_kept_is_read_from_the_job_runs(team: Team) -> None:
    workflow = shifted_workflow(team)
    scope = Scope(workflow.pk, START, END)
    kept_none = pipeline_periods(scope, "week", ["build"])  # kept: no milestone yet
    assert kept_none[0].milestone_p50_s is not None
    assert keep_milestone(
        workflow.pk, workflow.jobs.filter(key="build").values_list("pk", flat=True)
    )
    assert not keep_milestone(
        workflow.pk, workflow.jobs.filter(key="build").values_list("pk", flat=True)
    )
    assert pipeline_periods(scope, "week", ["build"]) == kept_none
    # Another milestone than the kept one: the job runs answer, with its own figures.
    other = pipeline_periods(scope, "week", ["test"])
    assert other != kept_none
    _same_pipelines(other, pipeline_periods(_from_job_runs(scope), "week", ["test"]), "week")


@pytest.mark.parametrize("period", ["day", "week", "all"])
@pytest.mark.parametrize("filters", [{}, {"branch": "feature/x"}, {"event": "push"}])
def test_kept_days_give_the_job_runs_figures(
    team: Team, period: Period, filters: dict[str, str]
) -> None:
    workflow = shifted_workflow(
        team,
        other_branch="feature/x",
        other_branch_per_day=3,
        cancelled_in_queue_per_day_after={"build": 2},
    )
    scope = Scope(workflow.pk, START, END, **filters)
    assert scope.whole_days and not _from_job_runs(scope).whole_days
    kept = pool_periods(scope, period, _placed(workflow))
    assert kept and any(row.cancelled_in_queue for row in kept) == (
        filters.get("branch") != "feature/x"
    )
    _same(kept, pool_periods(_from_job_runs(scope), period, _placed(workflow)), period)
    # The pipelines: without a milestone, then with one kept and asked for.
    for keys in ([], ["build"]):
        if keys:
            assert keep_milestone(
                workflow.pk, workflow.jobs.filter(key="build").values_list("pk", flat=True)
            )
        kept_pipelines = pipeline_periods(scope, period, keys)
        read_pipelines = pipeline_periods(_from_job_runs(scope), period, keys)
        assert (kept_pipelines[0].milestone_p50_s is not None) == bool(keys)
        _same_pipelines(kept_pipelines, read_pipelines, period)
    if period != "all":
        busy = busy_seconds_by_labels(team.pk, START, END, period)
        read = busy_seconds_by_labels(team.pk, START - timedelta(microseconds=1), END, period)
        assert [row[:2] for row in busy] == [row[:2] for row in read]
        assert [row[2] for row in busy] == pytest.approx([row[2] for row in read])


def test_counted_values_give_the_percentiles_of_the_values_they_stand_for() -> None:
    values = [3.0, 3.0, 3.0, 7.5, 10.0, 10.0, 42.0, 0.125]
    halves = [
        CountedValues.unpack(CountedValues.of(Counter(values[:5])).pack()),
        CountedValues.unpack(CountedValues.of(Counter(values[5:])).pack()),
    ]
    merged = CountedValues.merged(halves)
    assert merged.total() == len(values)
    assert merged.mean() == pytest.approx(sum(values) / len(values))
    for fraction in (0.0, 0.1, 0.5, 0.9, 0.99, 1.0):
        assert merged.percentile(fraction) == percentile_cont(values, fraction)
    empty = CountedValues.unpack(CountedValues.of(Counter()).pack())
    assert empty.percentile(0.5) is None and empty.mean() is None


def _kept_rows() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    days = [
        (*row[:-1], _listed(row[-1]))
        for row in JobDay.objects.order_by("job__key", "day", "branch", "event").values_list(
            "job__key", "day", "branch", "event", "job_runs", "cancelled_in_queue", "waits"
        )
    ]
    busy = JobBusyDay.objects.order_by("job__key", "day").values_list("job__key", "day", "busy_s")
    return days, list(busy)


def _listed(packed: bytes) -> list[list[float]]:
    counted = CountedValues.unpack(packed)
    return [[value, times] for value, times in zip(counted.values, counted.counts, strict=True)]


def _store(workflow: Workflow, *rows: str) -> None:
    store_runs(workflow, parse_runs([("runs.csv", (HEADER + "".join(rows)).encode())]))


def test_imports_in_pieces_and_a_removed_job_keep_the_days_of_the_job_runs() -> None:
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    workflow = report.workflow
    _store(workflow, TEST_RUN_1)
    _store(workflow, PUBLISH_RUN_1)
    days, busy = _kept_rows()
    assert days == [
        ("publish", date(2026, 11, 2), "", "", 1, 0, [[29.0, 1]]),
        ("test", date(2026, 11, 2), "", "", 1, 0, [[12.0, 1]]),
    ]
    assert busy == [("publish", date(2026, 11, 2), 90.0), ("test", date(2026, 11, 2), 468.0)]
    # Recomputed from scratch (the migration's way), the rows are the same.
    JobDay.objects.all().delete()
    JobBusyDay.objects.all().delete()
    refresh_every_day([workflow.pk])
    assert _kept_rows() == (days, busy)
    without_publish = TWO_JOBS.split(b"  publish:")[0]
    store_workflows(workflow.repository, parse_workflow_files([("ci.yml", without_publish)]))
    assert _kept_rows() == ([days[1]], [busy[1]])


def test_a_job_run_moved_to_another_day_leaves_its_old_day(team: Team) -> None:
    """What a webhook's later state does: the earlier row goes, the new one is stored."""
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    workflow = report.workflow
    _store(workflow, TEST_RUN_1)
    from decider.importers.monitor_days import refresh_monitor_days

    JobRun.objects.update(started_at=datetime(2026, 11, 3, 0, 0, 5, tzinfo=UTC))
    refresh_monitor_days(workflow.pk, [date(2026, 11, 2), date(2026, 11, 3)])
    days, busy = _kept_rows()
    assert [row[1] for row in days] == [date(2026, 11, 2)]  # the run's creation day
    assert [row[1] for row in busy] == [date(2026, 11, 3)]  # the start day


def test_a_run_whose_details_arrive_later_moves_its_day_and_branch() -> None:
    """A webhook's workflow_run delivery after the jobs: the run's branch, trigger and
    creation time change, and its job runs' day rows follow them; storing the same job
    runs again changes nothing and recomputes nothing."""
    from decider.importers.records import RunImport, WorkflowRunRecord

    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    workflow = report.workflow
    _store(workflow, TEST_RUN_1)
    assert [row[1:4] for row in _kept_rows()[0]] == [(date(2026, 11, 2), "", "")]
    created = datetime(2026, 11, 1, 23, 59, 50, tzinfo=UTC)
    details = WorkflowRunRecord(github_run_id=1, created_at=created, branch="main", event="push")
    store_runs(workflow, RunImport(runs=[details]))
    assert [row[1:4] for row in _kept_rows()[0]] == [(date(2026, 11, 1), "main", "push")]
    before = _kept_rows()
    JobDay.objects.update(job_runs=99)  # stale on purpose: a store that adds nothing keeps it
    _store(workflow, TEST_RUN_1)
    assert [row[4] for row in _kept_rows()[0]] == [99]
    JobDay.objects.update(job_runs=1)
    assert _kept_rows() == before


def _kept_and_read(scope: Scope, figures):  # type: ignore[no-untyped-def]
    return figures(scope), figures(_from_job_runs(scope))


def test_removing_a_failed_job_counts_its_runs_pipelines_again() -> None:
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    workflow = report.workflow
    failed_publish = PUBLISH_RUN_1.replace("success", "failure")
    _store(workflow, TEST_RUN_1, failed_publish)
    scope = Scope(workflow.pk, START, END)
    assert pipeline_periods(scope, "day", []) == []  # its one pipeline failed
    without_publish = TWO_JOBS.split(b"  publish:")[0]
    store_workflows(workflow.repository, parse_workflow_files([("ci.yml", without_publish)]))
    kept, read = _kept_and_read(scope, lambda s: pipeline_periods(s, "day", []))
    assert [row.pipelines for row in kept] == [1] and kept == read


def test_a_run_moved_to_an_earlier_day_by_its_jobs_leaves_its_old_day() -> None:
    """The run is created when its first job was queued: a job queued earlier, stored
    later, moves the run (and every job run of it) to the earlier day."""
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    workflow = report.workflow
    _store(workflow, "1,publish,2026-11-02T00:10:00Z,2026-11-02T00:10:05Z,2026-11-02T00:11:00Z,")
    _store(workflow, "1,test,2026-11-01T23:50:00Z,2026-11-01T23:55:00Z,2026-11-01T23:58:00Z,")
    placed = {job.pk: "p" for job in workflow.jobs.all()}
    kept, read = _kept_and_read(
        Scope(workflow.pk, START, END), lambda s: pool_periods(s, "day", placed)
    )
    assert [(row.start, row.jobs) for row in kept] == [(date(2026, 11, 1), 2)]
    assert kept == read


def test_a_milestone_rebuild_that_fails_keeps_the_rows_it_had(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from decider.importers import monitor_days

    workflow = shifted_workflow(team)
    kept_before = _kept_pipelines(workflow)
    build = list(workflow.jobs.filter(key="build").values_list("pk", flat=True))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the worker died mid-rebuild")

    monkeypatch.setattr(monitor_days, "_pipeline_days", broken)
    with pytest.raises(RuntimeError):
        keep_milestone(workflow.pk, build)
    monkeypatch.undo()
    assert _kept_pipelines(workflow) == kept_before
    assert keep_milestone(workflow.pk, build)  # not taken for done: it rebuilds now


def _kept_pipelines(workflow: Workflow) -> list[tuple[object, ...]]:
    rows = PipelineDay.objects.filter(workflow=workflow).order_by("day", "branch", "event")
    return [(row.day, row.pipelines, bytes(row.milestones)) for row in rows]
