"""Rows -> engine inputs: a stored workflow as the engine's graph, a team's pools.

Views and commands never build engine models themselves: they come here, so a figure on a
page and the same figure in `analyze --json` start from the same inputs.
"""

from __future__ import annotations

from decider.engine import inputs as engine_inputs
from decider.models import JobRun, RunnerPool, Team, Workflow


def samples_by_key(workflow: Workflow) -> dict[str, list[engine_inputs.Sample]]:
    """Every imported run of the workflow's jobs as engine samples, keyed by job key, with
    its conclusion: the engine decides which runs count."""
    samples: dict[str, list[engine_inputs.Sample]] = {}
    job_runs = JobRun.objects.filter(job__workflow=workflow).select_related("job", "run")
    for job_run in job_runs:
        run = job_run.run
        created_at = (run.created_at if run else None) or job_run.created_at
        samples.setdefault(job_run.job.key, []).append(
            engine_inputs.Sample(
                duration_s=job_run.duration_s,
                created_at=created_at,
                run_id=run.github_run_id if run else None,
                conclusion=job_run.conclusion or None,
            )
        )
    return samples


def engine_workflow(workflow: Workflow) -> engine_inputs.Workflow:
    """The workflow as the engine sees it: job ids are declaration-order indexes."""
    rows = list(workflow.jobs.prefetch_related("needs").order_by("order"))
    id_of = {row.key: index for index, row in enumerate(rows)}
    samples = samples_by_key(workflow)
    jobs = [
        engine_inputs.Job(
            id=index,
            key=row.key,
            name=row.name or row.key,
            runs_on=list(row.runs_on),
            needs=[id_of[need.key] for need in row.needs.all()],
            kind=row.kind,
            samples=samples.get(row.key, []),
            runs_when=row.runs_when,
        )
        for index, row in enumerate(rows)
    ]
    return engine_inputs.Workflow(
        name=workflow.name,
        jobs=jobs,
        triggers=list(workflow.triggers),
        trigger_notes=workflow.trigger_notes,
    )


def engine_pools(team: Team) -> list[engine_inputs.Pool]:
    return [
        engine_inputs.Pool(
            name=pool.name,
            labels=list(pool.labels),
            runners=pool.runners,
            monthly_usd_per_runner=float(pool.monthly_cost_usd_per_runner),
            baseline_utilization=pool.baseline_utilization,
        )
        for pool in RunnerPool.objects.filter(team=team)
    ]
