"""The monitor's per-day figures of job runs, kept beside them as they are stored.

A monitor page over weeks of a busy workflow would otherwise sort every job run of its
window for the queue-wait percentiles and group them all again for the runner time used.
So each workflow keeps, per UTC day:

- `JobDay`: per job, branch and trigger of the day's workflow runs (by the run's creation,
  as the page filters them), how many job runs, how many were cancelled while queued, and
  every queue wait with its count. Percentiles of any set of days are then exact.
- `JobBusyDay`: per job, the runner time its runs used, by the day they started (runs
  cancelled while queued left out), as a pool's served utilization counts it.
- `PipelineDay`: per branch and trigger, the successful pipelines created that day, with
  every wall clock and milestone (to the last of the workflow's `milestone_job_ids`, which
  `keep_milestone` sets from the adopted version and which rebuilds the rows when it moves).

Whatever writes or deletes job runs calls `refresh_monitor_days` inside its transaction with
the workflow and the days it touched (`days_touched`): each of those days is recomputed from
the stored job runs, so calling it twice is harmless. Deleting a job or a workflow deletes
its rows with it. The rules are docs/monitor.md's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import (
    Count,
    DateTimeField,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, TruncDay

from decider.aggregates import CountedValues, SecondsBetween
from decider.importers.run_summaries import CHUNK

# A job run cancelled with no runner or no time on one never left the queue.
CANCELLED_IN_QUEUE = Q(conclusion="cancelled") & (
    Q(runner_name="")
    | Q(started_at__isnull=True)
    | Q(completed_at__isnull=True)
    | Q(completed_at__lte=F("started_at"))
)
DAYS_PER_STATEMENT = 31  # grouped by the database: what Python holds is bounded by distinct waits


@dataclass(frozen=True)
class DayModels:
    """The models the rows come from and go to: the live ones, or a migration's."""

    job_run: type[models.Model]
    run: type[models.Model]
    job_day: type[models.Model]
    busy_day: type[models.Model]
    workflow: type[models.Model]
    pipeline_day: type[models.Model]

    @classmethod
    def live(cls) -> DayModels:
        from decider.models import (
            JobBusyDay,
            JobDay,
            JobRun,
            PipelineDay,
            Workflow,
            WorkflowRun,
        )

        return cls(JobRun, WorkflowRun, JobDay, JobBusyDay, Workflow, PipelineDay)


def utc_day(value: datetime | None) -> date | None:
    """The UTC day of a time (a naive one is taken as UTC, as the importers read times)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()


def days_touched(
    run_ids: Iterable[int], start_days: Iterable[date | None], model: DayModels | None = None
) -> set[date]:
    """The days a store touched: its runs' creation days and its job runs' start days."""
    model = model or DayModels.live()
    wanted = sorted(set(run_ids))
    days = set(start_days)
    for first in range(0, len(wanted), CHUNK):
        chunk = wanted[first : first + CHUNK]
        days.update(
            utc_day(value)
            for value in model.run._default_manager.filter(pk__in=chunk).values_list(
                "created_at", flat=True
            )
        )
    return {day for day in days if day is not None}


def _spans(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days as [first, last] pairs, none longer than DAYS_PER_STATEMENT."""
    spans: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        follows = bool(spans) and day == spans[-1][1] + timedelta(days=1)
        if follows and (day - spans[-1][0]).days < DAYS_PER_STATEMENT:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def refresh_monitor_days(
    workflow_id: int, days: Iterable[date], model: DayModels | None = None
) -> None:
    """Recompute the workflow's per-day rows of `days` from its stored job runs."""
    model = model or DayModels.live()
    with transaction.atomic():
        # One refresh of a workflow at a time: two stores at once (an upload and a webhook)
        # would each delete and insert the same days and meet on the unique keys. Stores
        # end by bumping the workflow's data version, so this is the lock they take anyway.
        milestone_ids = _lock_workflow(model, workflow_id)
        _refresh_days(model, workflow_id, days, milestone_ids)


def _lock_workflow(model: DayModels, workflow_id: int) -> list[int]:
    """Lock the workflow's row for the transaction; its kept milestone jobs."""
    return _milestone_of(model, workflow_id, lock=True)


def _milestone_of(model: DayModels, workflow_id: int, *, lock: bool) -> list[int]:
    rows = model.workflow._default_manager.all()
    if lock:
        rows = rows.select_for_update()
    found = rows.filter(pk=workflow_id).values_list("milestone_job_ids", flat=True)
    return list(found.first() or [])


def _refresh_days(
    model: DayModels, workflow_id: int, days: Iterable[date], milestone_ids: list[int]
) -> None:
    for first, last in _spans(days):
        start, end = _midnight(first), _midnight(last + timedelta(days=1))
        for kept in (model.job_day, model.busy_day, model.pipeline_day):
            kept._default_manager.filter(
                workflow_id=workflow_id, day__gte=first, day__lte=last
            ).delete()
        model.job_day._default_manager.bulk_create(
            _job_days(model, workflow_id, start, end), batch_size=1000
        )
        model.busy_day._default_manager.bulk_create(
            _busy_days(model, workflow_id, start, end), batch_size=1000
        )
        model.pipeline_day._default_manager.bulk_create(
            _pipeline_days(model, workflow_id, start, end, milestone_ids), batch_size=1000
        )


def keep_milestone(workflow_id: int, job_ids: Iterable[int]) -> bool:
    """Measure the kept pipelines' milestone to these jobs from now on: when they are not the
    ones kept, every day's pipeline rows are rebuilt, all or nothing. True when it rebuilt
    them."""
    model = DayModels.live()
    wanted = sorted(set(job_ids))
    with transaction.atomic():
        if _lock_workflow(model, workflow_id) == wanted:
            return False
        model.workflow._default_manager.filter(pk=workflow_id).update(milestone_job_ids=wanted)
        model.pipeline_day._default_manager.filter(workflow_id=workflow_id).delete()
        runs = model.run._default_manager.filter(workflow_id=workflow_id)
        days = _distinct_days(runs, "created_at")
        for first, last in _spans(day for day in days if day is not None):
            start, end = _midnight(first), _midnight(last + timedelta(days=1))
            model.pipeline_day._default_manager.bulk_create(
                _pipeline_days(model, workflow_id, start, end, wanted), batch_size=1000
            )
    return True


def pipeline_seconds(job_run_model: type[models.Model], milestone_ids: list[int]) -> dict[str, Any]:
    """A successful run's wall clock and milestone in seconds, as expressions over its row
    (docs/monitor.md rule 2): what the kept days keep and what a window of the runs reads."""
    # Typed: an untyped NULL reaches PostgreSQL's percentile_cont as text.
    milestone_s: Any = Cast(Value(None), output_field=FloatField())
    if milestone_ids:
        ended = (
            job_run_model._default_manager.filter(run_id=OuterRef("pk"), job_id__in=milestone_ids)
            .order_by()
            .values("run_id")
            .annotate(value=Max("completed_at"))
            .values("value")[:1]
        )
        milestone_s = SecondsBetween(Subquery(ended, output_field=DateTimeField()), "began_at")
    return {"wall_clock_s": SecondsBetween("ended_at", "began_at"), "milestone_s": milestone_s}


def kept_milestone(workflow_id: int) -> list[int]:
    """The milestone jobs the workflow's kept pipeline days measure to."""
    return _milestone_of(DayModels.live(), workflow_id, lock=False)


def counted(values: Counter[float]) -> bytes:
    """A multiset as the rows keep it."""
    return CountedValues.of(values).pack()


def _pipeline_days(
    model: DayModels, workflow_id: int, start: datetime, end: datetime, milestone_ids: list[int]
) -> list[models.Model]:
    rows = (
        model.run._default_manager.filter(
            workflow_id=workflow_id, created_at__gte=start, created_at__lt=end, succeeded=True
        )
        .order_by()
        .annotate(period=TruncDay("created_at"), **pipeline_seconds(model.job_run, milestone_ids))
        .values_list("period", "branch", "event", "wall_clock_s", "milestone_s")
    )
    pipelines: Counter[tuple[Any, ...]] = Counter()
    walls: dict[tuple[Any, ...], Counter[float]] = {}
    milestones: dict[tuple[Any, ...], Counter[float]] = {}
    for period, branch, event, wall_clock_s, milestone in rows.iterator(chunk_size=5000):
        key = (utc_day(period), branch, event)
        pipelines[key] += 1
        if wall_clock_s is not None:
            walls.setdefault(key, Counter())[wall_clock_s] += 1
        if milestone is not None:
            milestones.setdefault(key, Counter())[milestone] += 1
    return [
        model.pipeline_day(
            workflow_id=workflow_id,
            day=key[0],
            branch=key[1],
            event=key[2],
            pipelines=pipelines[key],
            wall_clocks=counted(walls.get(key, Counter())),
            milestones=counted(milestones.get(key, Counter())),
        )
        for key in sorted(pipelines)
    ]


def _job_days(
    model: DayModels, workflow_id: int, start: datetime, end: datetime
) -> list[models.Model]:
    # Grouped by the database, waits included: clocks tick in whole seconds, so a day's job
    # runs share a few hundred distinct waits, and a million-row import hands Python
    # thousands of rows, not a million.
    of_days = (
        model.job_run._default_manager.filter(
            run__workflow_id=workflow_id, run__created_at__gte=start, run__created_at__lt=end
        )
        .order_by()
        .annotate(period=TruncDay("run__created_at"))
    )
    key_fields = ("job_id", "period", "run__branch", "run__event")
    counts = of_days.values(*key_fields).annotate(
        job_runs=Count("id"), cancelled=Count("id", filter=CANCELLED_IN_QUEUE)
    )
    waits: dict[tuple[Any, ...], Counter[float]] = {}
    for row in (
        of_days.annotate(wait_s=SecondsBetween("started_at", "created_at"))
        .filter(wait_s__isnull=False)
        .values(*key_fields, "wait_s")
        .annotate(times=Count("id"))
    ):
        key = (row["job_id"], utc_day(row["period"]), row["run__branch"], row["run__event"])
        waits.setdefault(key, Counter())[row["wait_s"]] += row["times"]
    found = []
    for row in counts:
        key = (row["job_id"], utc_day(row["period"]), row["run__branch"], row["run__event"])
        found.append(
            model.job_day(
                workflow_id=workflow_id,
                job_id=key[0],
                day=key[1],
                branch=key[2],
                event=key[3],
                job_runs=row["job_runs"],
                cancelled_in_queue=row["cancelled"],
                waits=counted(waits.get(key, Counter())),
            )
        )
    return found


def _busy_days(
    model: DayModels, workflow_id: int, start: datetime, end: datetime
) -> list[models.Model]:
    rows = (
        model.job_run._default_manager.filter(
            job__workflow_id=workflow_id, started_at__gte=start, started_at__lt=end
        )
        .exclude(CANCELLED_IN_QUEUE)
        .annotate(period=TruncDay("started_at"))
        .values("period", "job_id")
        .annotate(busy_s=Sum("duration_s"))
        .order_by("period", "job_id")
    )
    return [
        model.busy_day(
            workflow_id=workflow_id,
            job_id=row["job_id"],
            day=utc_day(row["period"]),
            busy_s=row["busy_s"] or 0.0,
        )
        for row in rows
    ]


def _distinct_days(rows: models.QuerySet[Any], field: str) -> set[date | None]:
    found = rows.order_by().annotate(d=TruncDay(field)).values_list("d", flat=True)
    return {utc_day(value) for value in found.distinct()}


def refresh_every_day(workflow_ids: Iterable[int], model: DayModels | None = None) -> None:
    """Every day of the workflows that has a run or a job run (the migration's backfill)."""
    model = model or DayModels.live()
    for workflow_id in workflow_ids:
        days = _distinct_days(
            model.run._default_manager.filter(workflow_id=workflow_id), "created_at"
        ) | _distinct_days(
            model.job_run._default_manager.filter(job__workflow_id=workflow_id), "started_at"
        )
        refresh_monitor_days(workflow_id, {day for day in days if day is not None}, model)
