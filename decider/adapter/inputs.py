"""Rows -> engine inputs: a stored workflow as the engine's graph, a team's pools.

Views and commands never build engine models themselves: they come here, so a figure on a
page and the same figure in `analyze --json` start from the same inputs.
"""

from __future__ import annotations

import statistics
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, Max

from decider.engine import inputs as engine_inputs
from decider.engine.inputs import Sample
from decider.engine.limits import MAX_MEASURED_DURATION_S
from decider.engine.runs import DID_NOT_RUN
from decider.engine.vocabulary import Conclusion
from decider.models import Job, JobRun, RunnerPool, Team, Workflow


@dataclass(frozen=True)
class StoredRuns:
    """A workflow's measured runs as the pages read them, by job row id."""

    key: str  # what identifies these runs: the cache key, as text
    samples: dict[int, list[Sample]]
    # Median queue wait (started - created) of the runs that waited for a runner: failed and
    # cancelled ones did, skipped ones never queued. Absent: no queue time known.
    median_queue_wait_s: dict[int, float]

    @property
    def size(self) -> int:
        return sum(len(samples) for samples in self.samples.values())


# Per process: (workflow id, data version, rows, last row id) -> its StoredRuns. Held up to
# CACHED_RUNS job runs in all: 100k take about 63 MB.
_CACHE: OrderedDict[tuple[int, int, int, int | None], StoredRuns] = OrderedDict()
CACHED_RUNS = 200_000  # about 125 MB of samples per process
_LOCK = threading.Lock()  # gunicorn threads share the cache


RunsKey = tuple[int, int | None]  # (job runs stored, last job run id)


def runs_keys(workflows: list[Workflow]) -> dict[int, RunsKey]:
    """What `stored_runs` keys its cache on, for many workflows in one query."""
    grouped = (
        JobRun.objects.filter(job__workflow__in=workflows)
        .values("job__workflow")
        .annotate(rows=Count("id"), last=Max("id"))
        .order_by()
    )
    keys: dict[int, RunsKey] = {workflow.pk: (0, None) for workflow in workflows}
    keys.update({group["job__workflow"]: (group["rows"], group["last"]) for group in grouped})
    return keys


def stored_runs(workflow: Workflow, runs_key: RunsKey | None = None) -> StoredRuns:
    """Every imported run of the workflow's jobs as engine samples, with its conclusion (the
    engine decides which runs count), and the queue waits the repository page shows.

    Read once per change of the data: the key is the workflow's data version (bumped by
    imports) and its runs' count and last id (one indexed aggregate, which also sees rows
    added or deleted without an import). A page of a workflow with 100k runs then costs that
    aggregate, not 100k rows turned into objects."""
    if runs_key is None:
        runs_key = runs_keys([workflow])[workflow.pk]
    key = (workflow.pk, workflow.data_version, *runs_key)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    samples: dict[int, list[Sample]] = {}
    waits: dict[int, list[float]] = {}
    # Only the columns read, as tuples: no model instances, no JSON decoding.
    # Runs stored before imports refused impossible durations (1e300 s) are left out: no
    # GitHub job lasts longer than a workflow run may (35 days).
    rows = JobRun.objects.filter(
        job__workflow=workflow, duration_s__lte=MAX_MEASURED_DURATION_S
    ).values_list(
        "job_id",
        "duration_s",
        "run__created_at",
        "created_at",
        "started_at",
        "run__github_run_id",
        "conclusion",
    )
    for job_id, duration_s, run_created, created, started, run_id, conclusion in rows.iterator(
        chunk_size=10_000
    ):
        samples.setdefault(job_id, []).append(
            # Values straight from our own validated rows: construct, do not re-validate.
            Sample.model_construct(
                duration_s=duration_s,
                created_at=run_created or created,
                run_id=run_id,
                conclusion=cast(Conclusion, conclusion) if conclusion else None,
            )
        )
        if created is not None and started is not None and conclusion not in DID_NOT_RUN:
            waits.setdefault(job_id, []).append((started - created).total_seconds())
    result = StoredRuns(
        key=":".join(str(part) for part in key),
        samples=samples,
        median_queue_wait_s={job_id: statistics.median(w) for job_id, w in waits.items()},
    )
    with _LOCK:
        _CACHE[key] = result
        # Bounded by runs held, not workflows: the oldest go first, the newest always stays.
        while len(_CACHE) > 1 and sum(entry.size for entry in _CACHE.values()) > CACHED_RUNS:
            _CACHE.popitem(last=False)
    return result


def engine_workflow(workflow: Workflow) -> engine_inputs.Workflow:
    """The workflow as the engine sees it: job ids are declaration-order indexes."""
    rows = list(workflow.jobs.prefetch_related("needs").order_by("order"))
    return graph_of(workflow, rows, stored_runs(workflow).samples)


def job_rows(workflows: list[Workflow]) -> dict[int, list[Job]]:
    """The jobs of many workflows in declaration order, with their needs: two queries."""
    rows: dict[int, list[Job]] = {workflow.pk: [] for workflow in workflows}
    jobs = Job.objects.filter(workflow__in=workflows).prefetch_related("needs")
    for job in jobs.order_by("workflow_id", "order"):
        rows[job.workflow_id].append(job)
    return rows


def graph_of(
    workflow: Workflow, rows: list[Job], samples: dict[int, list[Sample]]
) -> engine_inputs.Workflow:
    id_of = {row.key: index for index, row in enumerate(rows)}
    jobs = [
        engine_inputs.Job(
            id=index,
            key=row.key,
            name=row.name or row.key,
            runs_on=list(row.runs_on),
            needs=[id_of[need.key] for need in row.needs.all()],
            kind=row.kind,
            runs_when=row.runs_when,
        )
        for index, row in enumerate(rows)
    ]
    for job, row in zip(jobs, rows, strict=True):
        # The cached list itself, not a validated copy: the engine summarizes a long history
        # once per list (`engine.runs.counted`), so it must be the same list every request.
        job.samples = samples.get(row.pk, [])
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


def forget_samples() -> None:
    """Empty the cache (tests: a rolled-back test database hands out the same ids again)."""
    with _LOCK:
        _CACHE.clear()
