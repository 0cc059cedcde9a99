"""A generated run history with a known change on one day: the demo's post-change history
and the monitor's tests.

Every pipeline before `live_on` follows the `before` timings, every one from `live_on` on the
`after` timings. A day's pipelines spread its wall clock evenly around the timings' own: the
last job of pipeline i ends `(i - k) x step` seconds later (k = half the day's pipelines), so
each day's median wall clock is exactly the timings' wall clock, whatever the seeded order of
the day. Creation times within the day, branch and order come from a seeded random source:
the same arguments give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from decider.importers.monitor_days import days_touched, refresh_monitor_days, utc_day
from decider.importers.run_summaries import refresh_run_summaries
from decider.models import Job, JobRun, Workflow, WorkflowRun

FIRST_RUN_ID = 9 * 10**15  # far above any GitHub run id (about 2 x 10**10 in 2026)
LATEST_START_S = 18 * 3600  # pipelines start by 18:00 UTC, so they end the same day
CANCELLED_AFTER_S = 600  # how long a job cancelled while queued waited


@dataclass(frozen=True)
class PlannedJob:
    """One job of a pipeline: seconds from the pipeline's start to when it was created
    (ready), started and completed."""

    key: str
    ready_s: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class HistoryShape:
    before: list[PlannedJob]
    after: list[PlannedJob]
    live_on: date
    days_before: int = 28
    days_after: int = 28
    pipelines_per_day: int = 9  # odd: the middle pipeline is the median
    spread_s: float = 120.0  # the last job of the day's slowest pipeline ends this much later
    branch: str = "main"
    event: str = "push"
    seed: int = 13
    # Extra pipelines per day on another branch (pull requests), same timings.
    other_branch: str = ""
    other_branch_per_day: int = 0
    cancelled_in_queue_per_day_after: dict[str, int] = field(default_factory=dict)


def _day_runs(shape: HistoryShape, rng: random.Random) -> list[tuple[float, str, str, float]]:
    """(start second of the day, branch, event, extra seconds on the last job) per pipeline."""
    half = shape.pipelines_per_day // 2
    step = shape.spread_s / half if half else 0.0
    extras = [(index - half) * step for index in range(shape.pipelines_per_day)]
    rng.shuffle(extras)
    runs = [(rng.uniform(0, LATEST_START_S), shape.branch, shape.event, extra) for extra in extras]
    runs += [
        (rng.uniform(0, LATEST_START_S), shape.other_branch, "pull_request", 0.0)
        for _ in range(shape.other_branch_per_day if shape.other_branch else 0)
    ]
    return sorted(runs)


def generate_history(workflow: Workflow, shape: HistoryShape) -> int:
    """Write the history's runs and job runs; returns how many job runs were written."""
    jobs = {job.key: job for job in Job.objects.filter(workflow=workflow)}
    missing = {planned.key for planned in shape.before + shape.after} - set(jobs)
    if missing:
        raise ValueError(f"The workflow has no job {', '.join(sorted(missing))}")
    rng = random.Random(shape.seed)
    first_day = shape.live_on - timedelta(days=shape.days_before)
    next_run_id = FIRST_RUN_ID + WorkflowRun.objects.filter(github_run_id__gte=FIRST_RUN_ID).count()
    # (run, the job runs it gets once it has an id)
    runs: list[tuple[WorkflowRun, list[tuple[Job, float, float, float]]]] = []

    def new_run(created_at: datetime, branch: str, event: str) -> WorkflowRun:
        return WorkflowRun(
            workflow=workflow,
            github_run_id=next_run_id + len(runs),
            run_attempt=1,
            created_at=created_at,
            branch=branch,
            event=event,
        )

    for offset in range(shape.days_before + shape.days_after):
        day = first_day + timedelta(days=offset)
        planned = shape.before if day < shape.live_on else shape.after
        midnight = datetime.combine(day, time(), tzinfo=UTC)
        last_end = max(job.end_s for job in planned)
        for start_s, branch, event, extra_s in _day_runs(shape, rng):
            run = new_run(midnight + timedelta(seconds=round(start_s)), branch, event)
            timings = [
                (
                    jobs[job.key],
                    job.ready_s,
                    job.start_s,
                    job.end_s + (extra_s if job.end_s == last_end else 0.0),
                )
                for job in planned
            ]
            runs.append((run, timings))
        if day >= shape.live_on:
            for key, cancelled in sorted(shape.cancelled_in_queue_per_day_after.items()):
                for _ in range(cancelled):
                    start = midnight + timedelta(seconds=round(rng.uniform(0, LATEST_START_S)))
                    runs.append(
                        (new_run(start, shape.branch, shape.event), [(jobs[key], 0, -1, -1)])
                    )
    with transaction.atomic():
        WorkflowRun.objects.bulk_create([run for run, _ in runs], batch_size=2000)
        job_runs = [
            _job_run(job, run, ready_s, start_s, end_s)
            for run, timings in runs
            for job, ready_s, start_s, end_s in timings
        ]
        JobRun.objects.bulk_create(job_runs, batch_size=2000)
        refresh_run_summaries(run.pk for run, _ in runs)
        days = days_touched((run.pk for run, _ in runs), (utc_day(j.started_at) for j in job_runs))
        refresh_monitor_days(workflow.pk, days)
        workflow.data_changed()
    return len(job_runs)


def _job_run(job: Job, run: WorkflowRun, ready_s: float, start_s: float, end_s: float) -> JobRun:
    """A successful job run; a negative start stands for a job cancelled while queued."""
    assert run.created_at is not None
    began = run.created_at
    if start_s < 0:
        return JobRun(
            job=job,
            run=run,
            created_at=began,
            completed_at=began + timedelta(seconds=CANCELLED_AFTER_S),
            duration_s=0.0,
            conclusion="cancelled",
            runner_labels=job.runs_on,
        )
    return JobRun(
        job=job,
        run=run,
        created_at=began + timedelta(seconds=ready_s),
        started_at=began + timedelta(seconds=start_s),
        completed_at=began + timedelta(seconds=end_s),
        duration_s=end_s - start_s,
        conclusion="success",
        runner_name=f"runner-{job.pk}",
        runner_labels=job.runs_on,
    )
