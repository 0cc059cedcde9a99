"""When alerts are checked: in the background worker (`manage.py sync_worker`), after each
change of a workflow's runs, and every hour; `manage.py check_alerts` checks them at once.

After a change: every store of runs (import, sync, webhook delivery) goes through
`Workflow.data_changed`, whose signal enqueues `check_workflow_alerts` once the transaction
commits, for a workflow that has rules. A burst of webhook deliveries enqueues one check per
delivery; a check whose workflow has changed again since it was enqueued leaves the work to
the later one, so a burst costs one evaluation.

Every hour: `check_all_alerts_hourly` enqueues its own next run an hour later before it
works, so one failure does not stop the chain; the worker starts the chain when none is
waiting (`ensure_hourly_check`). Whole days are what rules judge, so the hourly check is
what notices that a new day has ended.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from decider.adapter.alert_mail import send_due_emails
from decider.adapter.alerts import check_workflow
from decider.models import AlertRule, Workflow

HOURLY = timedelta(hours=1)


def check_all(now: datetime | None = None) -> int:
    """Check every workflow that has rules, then send the emails due; returns the number
    of workflows checked."""
    now = now or timezone.now()
    workflows = Workflow.objects.filter(
        pk__in=AlertRule.objects.values("workflow_id")
    ).select_related("repository__team")
    checked = 0
    for workflow in workflows:
        check_workflow(workflow, now)
        checked += 1
    send_due_emails(now)
    return checked


@task()
def check_workflow_alerts(workflow_id: int, data_version: int) -> str:
    workflow = Workflow.objects.select_related("repository__team").filter(pk=workflow_id).first()
    if workflow is None:
        return "the workflow is gone"
    if workflow.data_version != data_version:
        return "changed again since: the later check does it"
    check_workflow(workflow)
    send_due_emails()
    return "checked"


@task()
def send_alert_emails() -> str:
    return f"{send_due_emails()} alert emails sent"


def check_now(workflow: Workflow) -> None:
    """For a page that changed rules or adoptions: check at once, so the page shows the
    result, and leave the emails (SMTP can be slow) to the worker."""
    if check_workflow(workflow):
        transaction.on_commit(send_alert_emails.enqueue)


@task()
def check_all_alerts_hourly() -> str:
    _enqueue_next_hour()
    return f"{check_all()} workflows checked"


def _hourly_path() -> str:
    return check_all_alerts_hourly.module_path


def _enqueue_next_hour() -> None:
    waiting = DBTaskResult.objects.filter(
        task_path=_hourly_path(),
        status=TaskResultStatus.READY,
        run_after__gt=timezone.now(),
    )
    if not waiting.exists():
        check_all_alerts_hourly.using(run_after=timezone.now() + HOURLY).enqueue()


def ensure_hourly_check() -> bool:
    """Start the hourly chain unless a check is already waiting; True when it started one.
    Only on a backend that can run a task later (the database one the worker reads)."""
    if not check_all_alerts_hourly.get_backend().supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(task_path=_hourly_path(), status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    check_all_alerts_hourly.enqueue()
    return True


def on_workflow_data_changed(sender: Any, workflow: Workflow, **kwargs: Any) -> None:
    """Enqueue a check of the workflow's alerts once the change is committed."""
    if not AlertRule.objects.filter(workflow=workflow).exists():
        return
    workflow_id, version = workflow.pk, workflow.data_version
    transaction.on_commit(lambda: check_workflow_alerts.enqueue(workflow_id, version))
