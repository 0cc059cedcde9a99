"""The monitor's figures, aggregated by the database per day or per week (UTC).

Each query reads one workflow's runs of one window (bounded; the filters are exact matches)
and returns one row per period (and pool): a page's work in Python does not grow with the
number of runs. The rules are docs/monitor.md's: a pipeline counts when none of its jobs
failed, was cancelled or timed out (skipped jobs are fine) and every job has finished; its
wall clock runs from the first job's creation (its start, when the source gave no creation
time) to the last job's completion, the milestone's to the last milestone job's completion.
A job's queue wait is started - created. A job was cancelled while queued when it was
cancelled with no runner or no time on one.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields import DateField
from django.db.models.functions import TruncDay, TruncWeek

from decider.aggregates import CountedValues, Percentile, SecondsBetween, percentile_sql
from decider.importers.monitor_days import CANCELLED_IN_QUEUE, kept_milestone, pipeline_seconds
from decider.models import Job, JobBusyDay, JobDay, JobRun, PipelineDay, WorkflowRun

# "all": one row for the whole scope (the figures since an adoption).
Period = Literal["day", "week", "all"]


@dataclass(frozen=True)
class Scope:
    """Which runs: one workflow's, created in [start, end), of a branch and an event."""

    workflow_id: int
    start: datetime
    end: datetime
    branch: str = ""
    event: str = ""

    def runs(self) -> QuerySet[WorkflowRun]:
        rows = WorkflowRun.objects.filter(
            workflow_id=self.workflow_id, created_at__gte=self.start, created_at__lt=self.end
        )
        if self.branch:
            rows = rows.filter(branch=self.branch)
        if self.event:
            rows = rows.filter(event=self.event)
        return rows

    @property
    def whole_days(self) -> bool:
        """Whether it starts and ends at UTC midnights: then the kept per-day rows
        (`importers.monitor_days`) answer for its job runs."""
        return _is_midnight(self.start) and _is_midnight(self.end)

    def job_days(self) -> QuerySet[JobDay]:
        return self._days(JobDay.objects.all())

    def pipeline_days(self) -> QuerySet[PipelineDay]:
        return self._days(PipelineDay.objects.all())

    def _days(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        rows = rows.filter(
            workflow_id=self.workflow_id, day__gte=self.start.date(), day__lt=self.end.date()
        )
        if self.branch:
            rows = rows.filter(branch=self.branch)
        if self.event:
            rows = rows.filter(event=self.event)
        return rows

    def job_runs(self) -> QuerySet[JobRun]:
        # By the run's workflow, not the job's: the same rows (a run's jobs are its
        # workflow's), without a join to the jobs table.
        rows = JobRun.objects.filter(
            run__workflow_id=self.workflow_id,
            run__created_at__gte=self.start,
            run__created_at__lt=self.end,
        )
        if self.branch:
            rows = rows.filter(run__branch=self.branch)
        if self.event:
            rows = rows.filter(run__event=self.event)
        return rows


@dataclass(frozen=True)
class PipelinePeriod:
    start: date
    pipelines: int
    wall_clock_mean_s: float | None
    wall_clock_p50_s: float | None
    wall_clock_p90_s: float | None
    milestone_p50_s: float | None
    milestone_p90_s: float | None


@dataclass(frozen=True)
class PoolPeriod:
    start: date
    pool: str
    jobs: int
    wait_p50_s: float | None
    wait_p90_s: float | None
    cancelled_in_queue: int


def _is_midnight(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    return (utc.hour, utc.minute, utc.second, utc.microsecond) == (0, 0, 0, 0)


def _period_start(day: date, period: Period, start: datetime) -> date:
    """The period a day falls in, as the database's truncations give it (weeks from Monday)."""
    if period == "all":
        return start.date()
    return day if period == "day" else day - timedelta(days=day.weekday())


def _trunc(period: Period, field: str, start: datetime) -> TruncDay | TruncWeek | Value:
    if period == "all":
        return Value(start.date(), output_field=DateField())
    return TruncDay(field) if period == "day" else TruncWeek(field)


def _as_date(value: date | datetime | str) -> date:
    """A period's start as the backends return it: a datetime, or SQLite's text in raw SQL."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


def pipeline_periods(
    scope: Scope, period: Period, milestone_keys: list[str]
) -> list[PipelinePeriod]:
    """Wall clock and milestone p50/p90 of the pipelines created in each period.

    One row per successful run, from its stored summary (`importers.run_summaries`), then
    the percentiles per period in SQL around it: a percentile of per-run figures cannot be
    written as one GROUP BY. The milestone's end is read from the milestone jobs' runs only.
    """
    ids: list[int] = []
    if milestone_keys:
        milestone_jobs = Job.objects.filter(workflow_id=scope.workflow_id, key__in=milestone_keys)
        # The ids as a list: joining the jobs table in each run's subquery cost more.
        ids = sorted(milestone_jobs.values_list("pk", flat=True))
    if scope.whole_days and (not ids or ids == kept_milestone(scope.workflow_id)):
        return _pipeline_periods_of_days(scope, period, with_milestone=bool(ids))
    runs = (
        scope.runs()
        .filter(succeeded=True)
        .order_by()
        .annotate(period=_trunc(period, "created_at", scope.start), **pipeline_seconds(JobRun, ids))
        .values("period", "wall_clock_s", "milestone_s")
    )
    inner, params = runs.query.sql_with_params()
    vendor = connection.vendor
    figures = ", ".join(
        percentile_sql(vendor, column, fraction)
        for column in ("wall_clock_s", "milestone_s")
        for fraction in (0.5, 0.9)
    )
    # MATERIALIZED: computed once per run. Inlined, each percentile re-ran the milestone's
    # subquery for every run (PostgreSQL 12+ and SQLite 3.35+ read the hint).
    sql = (
        f"WITH runs AS MATERIALIZED ({inner}) "
        f"SELECT period, COUNT(*), AVG(wall_clock_s), {figures} FROM runs "
        "GROUP BY period ORDER BY period"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return [
        PipelinePeriod(
            start=_as_date(start),
            pipelines=pipelines,
            wall_clock_mean_s=wall_mean,
            wall_clock_p50_s=wall_p50,
            wall_clock_p90_s=wall_p90,
            milestone_p50_s=milestone_p50 if milestone_keys else None,
            milestone_p90_s=milestone_p90 if milestone_keys else None,
        )
        for start, pipelines, wall_mean, wall_p50, wall_p90, milestone_p50, milestone_p90 in rows
    ]


def _pipeline_periods_of_days(
    scope: Scope, period: Period, *, with_milestone: bool
) -> list[PipelinePeriod]:
    """`pipeline_periods` from the kept per-day rows (`importers.monitor_days`), whose
    milestone is the one asked for (or none is asked): the same figures."""
    pipelines: Counter[date] = Counter()
    walls: dict[date, list[CountedValues]] = {}
    milestones: dict[date, list[CountedValues]] = {}
    for day, runs, wall_clocks, milestone_s in scope.pipeline_days().values_list(
        "day", "pipelines", "wall_clocks", "milestones"
    ):
        first = _period_start(day, period, scope.start)
        pipelines[first] += runs
        walls.setdefault(first, []).append(CountedValues.unpack(wall_clocks))
        if with_milestone:
            milestones.setdefault(first, []).append(CountedValues.unpack(milestone_s))
    periods = []
    for first in sorted(pipelines):
        wall = CountedValues.merged(walls[first])
        ends = CountedValues.merged(milestones[first]) if with_milestone else None
        periods.append(
            PipelinePeriod(
                start=first,
                pipelines=pipelines[first],
                wall_clock_mean_s=wall.mean(),
                wall_clock_p50_s=wall.percentile(0.5),
                wall_clock_p90_s=wall.percentile(0.9),
                milestone_p50_s=ends.percentile(0.5) if ends else None,
                milestone_p90_s=ends.percentile(0.9) if ends else None,
            )
        )
    return periods


def pool_periods(scope: Scope, period: Period, pool_of_job: dict[int, str]) -> list[PoolPeriod]:
    """Queue wait p50/p90 and jobs cancelled while queued, per period and pool; a job's pool
    is the one its runs-on labels place it on (`pool_of_job`, by job id)."""
    if not pool_of_job:
        return []
    if scope.whole_days:
        return _pool_periods_of_days(scope, period, pool_of_job)
    jobs_of_pool: dict[str, list[int]] = {}
    for job_id, pool in pool_of_job.items():
        jobs_of_pool.setdefault(pool, []).append(job_id)
    # Pools by number, not name: a narrower row sorts in memory where text spilled to disk.
    names = sorted(jobs_of_pool)
    pool_number = Case(
        *(When(job_id__in=jobs_of_pool[name], then=Value(i)) for i, name in enumerate(names)),
        output_field=IntegerField(),
    )
    wait_s = SecondsBetween("started_at", "created_at")
    rows = (
        scope.job_runs()
        .filter(job_id__in=list(pool_of_job))
        .annotate(period=_trunc(period, "run__created_at", scope.start), pool=pool_number)
        .values("period", "pool")
        .annotate(
            jobs=Count("id"),
            wait_p50_s=Percentile(wait_s, 0.5),
            wait_p90_s=Percentile(wait_s, 0.9),
            cancelled=Count("id", filter=CANCELLED_IN_QUEUE),
        )
        .order_by("period", "pool")
    )
    return [
        PoolPeriod(
            start=_as_date(row["period"]),
            pool=names[row["pool"]],
            jobs=row["jobs"],
            wait_p50_s=row["wait_p50_s"],
            wait_p90_s=row["wait_p90_s"],
            cancelled_in_queue=row["cancelled"],
        )
        for row in rows
    ]


def _pool_periods_of_days(
    scope: Scope, period: Period, pool_of_job: dict[int, str]
) -> list[PoolPeriod]:
    """`pool_periods` from the kept per-day rows: the same figures (the waits are kept
    whole), from a few rows per job and day instead of every job run."""
    jobs: Counter[tuple[date, str]] = Counter()
    cancelled: Counter[tuple[date, str]] = Counter()
    waits: dict[tuple[date, str], list[CountedValues]] = {}
    rows = scope.job_days().filter(job_id__in=list(pool_of_job))
    for day, job_id, job_runs, in_queue, counted in rows.values_list(
        "day", "job_id", "job_runs", "cancelled_in_queue", "waits"
    ):
        key = (_period_start(day, period, scope.start), pool_of_job[job_id])
        jobs[key] += job_runs
        cancelled[key] += in_queue
        waits.setdefault(key, []).append(CountedValues.unpack(counted))
    found = []
    for key in sorted(jobs):
        counted_waits = CountedValues.merged(waits[key])
        found.append(
            PoolPeriod(
                start=key[0],
                pool=key[1],
                jobs=jobs[key],
                wait_p50_s=counted_waits.percentile(0.5),
                wait_p90_s=counted_waits.percentile(0.9),
                cancelled_in_queue=cancelled[key],
            )
        )
    return found


def busy_seconds_by_labels(
    team_id: int, start: datetime, end: datetime, period: Period
) -> list[tuple[date, str, float]]:
    """Runner time used per period and runs-on label set (as JSON text), over every workflow
    of the team: a pool's utilization counts all the work it served, not one workflow's.

    Grouped by job in SQL and by label set here: casting each row's labels to text for the
    GROUP BY cost more than the rest of the query. Whole days are read from the kept
    per-day rows (`importers.monitor_days`)."""
    per_job: list[dict[str, Any]]
    if _is_midnight(start) and _is_midnight(end):
        summed: dict[tuple[date, int], float] = {}
        for day, job_id, seconds in JobBusyDay.objects.filter(
            workflow__repository__team_id=team_id, day__gte=start.date(), day__lt=end.date()
        ).values_list("day", "job_id", "busy_s"):
            key = (_period_start(day, period, start), job_id)
            summed[key] = summed.get(key, 0.0) + seconds
        per_job = [
            {"period": first, "job_id": job_id, "busy_s": seconds}
            for (first, job_id), seconds in sorted(summed.items())
        ]
    else:
        per_job = list(_busy_by_job(team_id, start, end, period))
    return _by_labels(per_job)


def _busy_by_job(team_id: int, start: datetime, end: datetime, period: Period) -> Any:
    return (
        JobRun.objects.filter(
            job__workflow__repository__team_id=team_id,
            started_at__gte=start,
            started_at__lt=end,
        )
        .exclude(CANCELLED_IN_QUEUE)
        .annotate(period=_trunc(period, "started_at", start))
        .values("period", "job_id")
        .annotate(busy_s=Sum("duration_s"))
        .order_by("period", "job_id")
    )


def _by_labels(per_job: list[dict[str, Any]]) -> list[tuple[date, str, float]]:
    labels = {
        job_id: json.dumps(runs_on)
        for job_id, runs_on in Job.objects.filter(
            pk__in={row["job_id"] for row in per_job}
        ).values_list("pk", "runs_on")
    }
    busy: dict[tuple[date, str], float] = {}
    for row in per_job:
        key = (_as_date(row["period"]), labels[row["job_id"]])
        busy[key] = busy.get(key, 0.0) + (row["busy_s"] or 0.0)
    return [(day, text, seconds) for (day, text), seconds in sorted(busy.items())]
