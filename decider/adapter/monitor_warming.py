"""The monitor's figures computed ahead, in the background worker, after each change of an
adopted workflow's runs: its first view after an import, a sync or a webhook delivery is
then answered from the cache, whatever the number of runs stored.

What is warmed is what the page shows first: the default window and period for every
branch and trigger, and the predicted-against-actual table at that scope (the re-run of the
model, a second or more of CPU). Another filter is computed when it is asked for. A burst of
deliveries enqueues one task each; a task whose workflow has changed again since it was
enqueued leaves the work to the later one. The cache must be shared by the worker and the
web server for this to help: `CACHE_DIR` (README), which `make run` sets.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from decider.adapter.monitor import Filters, monitor
from decider.adapter.monitor_queries import Scope
from decider.adapter.predicted_actual import cached_predicted_actual
from decider.models import Adoption, Workflow


def warm(workflow: Workflow) -> bool:
    """Compute (and cache) the monitor's first view; True when it had an adoption to compare."""
    figures = monitor(workflow, Filters())
    if figures.current is None:
        return False
    scope = Scope(workflow.pk, figures.start, figures.end)
    cached_predicted_actual(figures.current, scope, timezone.now())
    return True


@task()
def warm_monitor(workflow_id: int, data_version: int) -> str:
    workflow = Workflow.objects.select_related("repository__team").filter(pk=workflow_id).first()
    if workflow is None:
        return "the workflow is gone"
    if workflow.data_version != data_version:
        return "changed again since: the later task warms it"
    return "warmed" if warm(workflow) else "warmed the trends (nothing adopted)"


def on_workflow_data_changed(sender: Any, workflow: Workflow, **kwargs: Any) -> None:
    """Enqueue the warming once the change is committed, for a workflow with an adoption."""
    if not Adoption.objects.filter(workflow=workflow).exists():
        return
    workflow_id, version = workflow.pk, workflow.data_version
    transaction.on_commit(lambda: warm_monitor.enqueue(workflow_id, version))
