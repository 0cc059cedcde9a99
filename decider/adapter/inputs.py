"""Rows -> engine inputs: a stored workflow as the engine's graph, a team's pools.

Views and commands never build engine models themselves: they come here, so a figure on a
page and the same figure in `analyze --json` start from the same inputs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import cast

from django.db.models import Count, Max

from decider.engine import inputs as engine_inputs
from decider.engine.inputs import Sample
from decider.engine.vocabulary import Conclusion
from decider.models import JobRun, RunnerPool, Team, Workflow

# Measured runs per workflow, per process: (workflow id, data version, rows, last row id)
# -> samples by job id. A few workflows' worth: 100k runs take about 40 MB.
_SAMPLES_CACHE: OrderedDict[tuple[int, int, int, int | None], dict[int, list[Sample]]] = (
    OrderedDict()
)
SAMPLES_CACHED_WORKFLOWS = 4
_SAMPLES_LOCK = threading.Lock()  # gunicorn threads share the cache


def samples_by_job(workflow: Workflow) -> dict[int, list[engine_inputs.Sample]]:
    """Every imported run of the workflow's jobs as engine samples, keyed by job row id, with
    its conclusion: the engine decides which runs count.

    Read once per change of the data: the key is the workflow's data version (bumped by
    imports) and its runs' count and last id (one indexed aggregate, which also sees rows
    written without an import). A page of a workflow with 100k runs then costs that
    aggregate, not 100k rows turned into objects."""
    stored = JobRun.objects.filter(job__workflow=workflow).aggregate(
        rows=Count("id"), last=Max("id")
    )
    key = (workflow.pk, workflow.data_version, stored["rows"], stored["last"])
    cached = _SAMPLES_CACHE.get(key)
    if cached is not None:
        _SAMPLES_CACHE.move_to_end(key)
        return cached
    samples: dict[int, list[engine_inputs.Sample]] = {}
    # Only the columns the engine reads, as tuples: no model instances, no JSON decoding.
    rows = JobRun.objects.filter(job__workflow=workflow).values_list(
        "job_id", "duration_s", "run__created_at", "created_at", "run__github_run_id", "conclusion"
    )
    for job_id, duration_s, run_created_at, created_at, run_id, conclusion in rows.iterator(
        chunk_size=10_000
    ):
        samples.setdefault(job_id, []).append(
            # Values straight from our own validated rows: construct, do not re-validate.
            Sample.model_construct(
                duration_s=duration_s,
                created_at=run_created_at or created_at,
                run_id=run_id,
                conclusion=cast(Conclusion, conclusion) if conclusion else None,
            )
        )
    with _SAMPLES_LOCK:
        _SAMPLES_CACHE[key] = samples
        while len(_SAMPLES_CACHE) > SAMPLES_CACHED_WORKFLOWS:
            _SAMPLES_CACHE.popitem(last=False)
    return samples


def engine_workflow(workflow: Workflow) -> engine_inputs.Workflow:
    """The workflow as the engine sees it: job ids are declaration-order indexes."""
    rows = list(workflow.jobs.prefetch_related("needs").order_by("order"))
    id_of = {row.key: index for index, row in enumerate(rows)}
    samples = samples_by_job(workflow)
    jobs = [
        engine_inputs.Job(
            id=index,
            key=row.key,
            name=row.name or row.key,
            runs_on=list(row.runs_on),
            needs=[id_of[need.key] for need in row.needs.all()],
            kind=row.kind,
        )
        for index, row in enumerate(rows)
    ]
    for job, row in zip(jobs, rows, strict=True):
        # The cached list itself, not a validated copy: the engine summarizes a long history
        # once per list (`engine.runs.counted`), so it must be the same list every request.
        job.samples = samples.get(row.pk, [])
    return engine_inputs.Workflow(name=workflow.name, jobs=jobs)


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


def forget_samples() -> None:
    """Empty the cache (tests: a rolled-back test database hands out the same ids again)."""
    with _SAMPLES_LOCK:
        _SAMPLES_CACHE.clear()
