"""The monitor's figures computed ahead, in the background worker, after each change of an
adopted workflow's runs: its first view after an import, a sync or a webhook delivery is
then answered from the cache, whatever the number of runs stored.

First the pipelines' per-day rows are made to measure the adopted version's milestone
(`importers.monitor_days.keep_milestone`). Then what the page shows first is computed: the
default window and period for every branch and trigger, and the predicted-against-actual
table at that scope (the re-run of the model, a second or more of CPU). Another filter is
computed when it is asked for. A burst of deliveries enqueues one task each; a task whose
workflow has changed again since it was enqueued leaves the work to the later one. The
cache must be shared by the worker and the web server for this to help: `CACHE_DIR`
(README), which `make run` sets.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from decider.adapter.monitor import Filters, milestone_keys, monitor
from decider.adapter.predicted_actual import cached_predicted_actual
from decider.importers.monitor_days import keep_milestone
from decider.models import Adoption, Job, Workflow


def keep_adopted_milestone(workflow: Workflow) -> bool:
    """Keep the pipelines' milestone per day to the current adoption's milestone jobs (the
    monitor charts that one), rebuilding the rows when it moved; True when it rebuilt them."""
    current = Adoption.objects.filter(workflow=workflow).current().select_related("version")
    keys = milestone_keys(current.first())
    ids = Job.objects.filter(workflow=workflow, key__in=keys).values_list("pk", flat=True)
    return keep_milestone(workflow.pk, ids)


def warm(workflow: Workflow) -> bool:
    """Compute (and cache) the monitor's first view; True when it had an adoption to compare."""
    keep_adopted_milestone(workflow)
    figures = monitor(workflow, Filters())
    if figures.current is None:
        return False
    cached_predicted_actual(figures.current, figures.scope, timezone.now(), figures.fingerprint)
    return True


@task()
def warm_monitor(workflow_id: int, data_version: int) -> str:
    workflow = Workflow.objects.select_related("repository__team").filter(pk=workflow_id).first()
    if workflow is None:
        return "the workflow is gone"
    if workflow.data_version != data_version:
        return "changed again since: the later task warms it"
    return "warmed" if warm(workflow) else "warmed the trends (nothing adopted)"


def warm_later(workflow: Workflow) -> None:
    """Enqueue the warming once the current transaction commits."""
    workflow_id, version = workflow.pk, workflow.data_version
    transaction.on_commit(lambda: warm_monitor.enqueue(workflow_id, version))


def on_workflow_data_changed(sender: Any, workflow: Workflow, **kwargs: Any) -> None:
    """Warm a workflow with an adoption after each change of its runs."""
    if Adoption.objects.filter(workflow=workflow).exists():
        warm_later(workflow)
