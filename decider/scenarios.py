"""The one adapter from database rows to engine inputs (and the figures pages show per job).

Views and commands never build engine models themselves: they call this module, so a
figure on a page and the same figure in `analyze --json` come from the same inputs.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from decider.engine import inputs as engine
from decider.engine.durations import statistic_of
from decider.importers.store import job_records_for
from decider.models import Job, JobRun, RunnerPool, Team, Workflow


def samples_by_key(workflow: Workflow) -> dict[str, list[engine.Sample]]:
    """Every measured run of the workflow's jobs as engine samples, keyed by job key."""
    samples: dict[str, list[engine.Sample]] = {}
    job_runs = JobRun.objects.filter(job__workflow=workflow).select_related("job", "run")
    for job_run in job_runs:
        run = job_run.run
        created_at = (run.created_at if run else None) or job_run.created_at
        samples.setdefault(job_run.job.key, []).append(
            engine.Sample(
                duration_s=job_run.duration_s,
                created_at=created_at,
                run_id=run.github_run_id if run else None,
            )
        )
    return samples


def engine_workflow(workflow: Workflow) -> engine.Workflow:
    """The workflow as the engine sees it: job ids are declaration-order indexes."""
    return engine.build_workflow(workflow.name, job_records_for(workflow), samples_by_key(workflow))


def engine_pools(team: Team) -> list[engine.Pool]:
    return [
        engine.Pool(
            name=pool.name,
            labels=list(pool.labels),
            runners=pool.runners,
            monthly_usd_per_runner=float(pool.monthly_cost_usd_per_runner),
            baseline_utilization=pool.baseline_utilization,
        )
        for pool in RunnerPool.objects.filter(team=team)
    ]


@dataclass
class JobRow:
    """One line of the repository page's job table."""

    job: Job
    needs: list[str]
    count: int = 0
    latest_s: float | None = None
    median_s: float | None = None
    p90_s: float | None = None
    median_queue_wait_s: float | None = None
    on_critical_path: bool = False


@dataclass
class WorkflowOverview:
    workflow: Workflow
    rows: list[JobRow]
    run_count: int
    statistic: str = "latest"
    unmeasured: list[str] = field(default_factory=list)
    schedule: object | None = None


def workflow_overview(workflow: Workflow) -> WorkflowOverview:
    jobs = list(workflow.jobs.prefetch_related("needs").order_by("order"))
    samples = samples_by_key(workflow)
    waits: dict[int, list[float]] = {}
    for job_run in JobRun.objects.filter(job__workflow=workflow).only(
        "job_id", "created_at", "started_at"
    ):
        if job_run.queue_wait_s is not None:
            waits.setdefault(job_run.job_id, []).append(job_run.queue_wait_s)
    rows = []
    for job in jobs:
        row = JobRow(job=job, needs=[need.name for need in job.needs.all()])
        job_samples = samples.get(job.key, [])
        if job_samples:
            row.count = len(job_samples)
            row.latest_s = statistic_of(job_samples, "latest")
            row.median_s = statistic_of(job_samples, "median")
            row.p90_s = statistic_of(job_samples, "p90")
        if waits.get(job.pk):
            row.median_queue_wait_s = statistics.median(waits[job.pk])
        rows.append(row)
    return WorkflowOverview(
        workflow=workflow,
        rows=rows,
        run_count=workflow.runs.count(),
        unmeasured=[row.job.name for row in rows if not row.count],
    )
