"""Each workflow run's summary, kept beside it when its job runs are stored.

The monitor reads a pipeline's wall clock per run and day over weeks of runs; computing it
from the job runs on every page view groups every job run of the window (about ten per
pipeline) before the percentiles can start. So a run keeps the three figures that need its
job runs (docs/monitor.md, rule 2): when its first job was created (started, when the source
gave no creation time), when its last job completed, and whether it succeeded: none of its
jobs failed, was cancelled, timed out or never started, and every job finished. A run with
no job run stored has no summary (all three empty).

Whatever writes or deletes job runs calls `refresh_run_summaries` with the runs it touched,
inside its transaction: `store_runs`, a workflow import that removes jobs, the generated
history. The statement recomputes from the stored job runs, so calling it twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

# A pipeline with a job of one of these conclusions did not succeed (skipped jobs are fine).
FAILED_CONCLUSIONS = ("failure", "cancelled", "timed_out", "startup_failure")
CHUNK = 2000  # run ids per statement: well inside SQLite's limit on parameters


def summary_updates(job_run_model: type[models.Model]) -> dict[str, object]:
    """The UPDATE's expressions for a run's summary, over `job_run_model`'s rows (the live
    model, or a migration's historical one)."""
    of_run = job_run_model._default_manager.filter(run_id=OuterRef("pk")).order_by()

    def first(aggregate: Min | Max) -> Subquery:
        return Subquery(of_run.values("run_id").annotate(value=aggregate).values("value")[:1])

    spoiled = of_run.filter(Q(conclusion__in=FAILED_CONCLUSIONS) | Q(completed_at__isnull=True))
    return {
        "began_at": first(Min(Coalesce("created_at", "started_at"))),
        "ended_at": first(Max("completed_at")),
        # NULL (no job run stored) or whether none spoiled it.
        "succeeded": models.Case(
            models.When(~Exists(of_run), then=models.Value(None)),
            models.When(Exists(spoiled), then=models.Value(False)),
            default=models.Value(True),
            output_field=models.BooleanField(null=True),
        ),
    }


def refresh_run_summaries(
    run_ids: Iterable[int], run_model: type[models.Model] | None = None
) -> None:
    """Recompute the summaries of the runs `run_ids` (row ids) from their stored job runs."""
    if run_model is None:
        from decider.models import WorkflowRun

        run_model = WorkflowRun
    job_run_model = run_model._meta.get_field("job_runs").related_model
    assert isinstance(job_run_model, type) and issubclass(job_run_model, models.Model)
    updates = summary_updates(job_run_model)
    wanted = sorted(set(run_ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        run_model._default_manager.filter(pk__in=chunk).update(**updates)
