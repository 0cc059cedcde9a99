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

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from django.db import connection
from django.db.models import Case, CharField, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.fields import DateField, TextField
from django.db.models.functions import Cast, Coalesce, TruncDay, TruncWeek

from decider.aggregates import Percentile, SecondsBetween, percentile_sql
from decider.models import JobRun

# "all": one row for the whole scope (the figures since an adoption).
Period = Literal["day", "week", "all"]
FAILED_CONCLUSIONS = ("failure", "cancelled", "timed_out", "startup_failure")
CANCELLED_IN_QUEUE = Q(conclusion="cancelled") & (
    Q(runner_name="")
    | Q(started_at__isnull=True)
    | Q(completed_at__isnull=True)
    | Q(completed_at__lte=F("started_at"))
)


@dataclass(frozen=True)
class Scope:
    """Which runs: one workflow's, created in [start, end), of a branch and an event."""

    workflow_id: int
    start: datetime
    end: datetime
    branch: str = ""
    event: str = ""

    def job_runs(self) -> QuerySet[JobRun]:
        rows = JobRun.objects.filter(
            job__workflow_id=self.workflow_id,
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

    Two levels of grouping: per run (the ORM's query), then per period over those runs (SQL
    around it), because a percentile of per-run figures cannot be written as one GROUP BY.
    """
    runs = (
        scope.job_runs()
        .values("run_id")
        .annotate(
            period=_trunc(period, "run__created_at", scope.start),
            began=Min(Coalesce("created_at", "started_at")),
            ended=Max("completed_at"),
            milestone_ended=Max("completed_at", filter=Q(job__key__in=milestone_keys)),
            spoiled=Count(
                "id", filter=Q(conclusion__in=FAILED_CONCLUSIONS) | Q(completed_at__isnull=True)
            ),
        )
        .filter(spoiled=0)
        .annotate(
            wall_clock_s=SecondsBetween("ended", "began"),
            milestone_s=SecondsBetween("milestone_ended", "began"),
        )
        .values("period", "wall_clock_s", "milestone_s")
    )
    inner, params = runs.query.sql_with_params()
    vendor = connection.vendor
    figures = ", ".join(
        percentile_sql(vendor, column, fraction)
        for column in ("wall_clock_s", "milestone_s")
        for fraction in (0.5, 0.9)
    )
    sql = (
        f"SELECT period, COUNT(*), AVG(wall_clock_s), {figures} FROM ({inner}) AS runs "
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


def pool_periods(scope: Scope, period: Period, pool_of_job: dict[int, str]) -> list[PoolPeriod]:
    """Queue wait p50/p90 and jobs cancelled while queued, per period and pool; a job's pool
    is the one its runs-on labels place it on (`pool_of_job`, by job id)."""
    jobs_of_pool: dict[str, list[int]] = {}
    for job_id, pool in pool_of_job.items():
        jobs_of_pool.setdefault(pool, []).append(job_id)
    if not jobs_of_pool:
        return []
    pool_name = Case(
        *(When(job_id__in=ids, then=Value(name)) for name, ids in sorted(jobs_of_pool.items())),
        output_field=CharField(),
    )
    wait_s = SecondsBetween("started_at", "created_at")
    rows = (
        scope.job_runs()
        .annotate(period=_trunc(period, "run__created_at", scope.start), pool=pool_name)
        .filter(pool__isnull=False)
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
            pool=row["pool"],
            jobs=row["jobs"],
            wait_p50_s=row["wait_p50_s"],
            wait_p90_s=row["wait_p90_s"],
            cancelled_in_queue=row["cancelled"],
        )
        for row in rows
    ]


def busy_seconds_by_labels(
    team_id: int, start: datetime, end: datetime, period: Period
) -> list[tuple[date, str, float]]:
    """Runner time used per period and runs-on label set (as JSON text), over every workflow
    of the team: a pool's utilization counts all the work it served, not one workflow's."""
    rows = (
        JobRun.objects.filter(
            job__workflow__repository__team_id=team_id,
            started_at__gte=start,
            started_at__lt=end,
        )
        .exclude(CANCELLED_IN_QUEUE)
        .annotate(
            period=_trunc(period, "started_at", start), labels=Cast("job__runs_on", TextField())
        )
        .values("period", "labels")
        .annotate(busy_s=Sum("duration_s"))
        .order_by("period")
    )
    return [(_as_date(row["period"]), row["labels"], row["busy_s"] or 0.0) for row in rows]
