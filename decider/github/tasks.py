"""Syncs as background tasks: started from a page or a command, run by `manage.py sync_worker`.

Django's tasks framework (`django.tasks`, built into Django 6.1) with django-tasks-db's
database backend: the queue is a table in the database decider already has, so no broker to
run, and a task enqueued in a transaction exists exactly when the SyncRun row does.

A worker killed mid-sync leaves its SyncRun `running` with a heartbeat that stops. When a
worker starts, `resume_interrupted` re-enqueues those whose worker is gone (same host and its
process is dead, or no heartbeat for `STALE_AFTER`); the sync resumes where its last stored
chunk ended (see `decider.github.sync`).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from decider.github.sync import run_sync
from decider.models import Repository, SyncRun

STALE_AFTER = timedelta(minutes=5)


@task()
def sync_repository(sync_id: int) -> str:
    sync = SyncRun.objects.select_related("repository").filter(pk=sync_id).first()
    if sync is None or not sync.active:
        return "nothing to do"
    if sync.cancel_requested:
        SyncRun.objects.filter(pk=sync.pk).update(
            state=SyncRun.State.CANCELLED, finished_at=timezone.now(), message="Cancelled"
        )
        return SyncRun.State.CANCELLED
    return str(run_sync(sync).state)


def start_sync(
    repository: Repository, since: datetime, user: User | None = None
) -> tuple[SyncRun, bool]:
    """A new queued sync and its task; the repository's active one when there is one
    (False: nothing new was started)."""
    try:
        with transaction.atomic():
            sync = SyncRun.objects.create(repository=repository, since=since, requested_by=user)
            _enqueue(sync)
    except IntegrityError:
        active = SyncRun.objects.filter(repository=repository, state__in=SyncRun.ACTIVE).first()
        if active is None:
            raise
        return active, False
    return sync, True


def _enqueue(sync: SyncRun) -> None:
    result = sync_repository.enqueue(sync.pk)
    SyncRun.objects.filter(pk=sync.pk).update(task_id=str(result.id))


def cancel_sync(sync: SyncRun) -> None:
    """Ask the worker to stop after the chunk it is storing; a queued sync stops at once."""
    SyncRun.objects.filter(pk=sync.pk, state__in=SyncRun.ACTIVE).update(cancel_requested=True)
    SyncRun.objects.filter(pk=sync.pk, state=SyncRun.State.QUEUED).update(
        state=SyncRun.State.CANCELLED, finished_at=timezone.now(), message="Cancelled"
    )
    sync.refresh_from_db()


def _gone(sync: SyncRun, now: datetime) -> bool:
    host, _, pid = sync.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return int(pid) == os.getpid()  # this process was not running it yet
    return sync.heartbeat_at is None or now - sync.heartbeat_at > STALE_AFTER


def resume_interrupted() -> list[SyncRun]:
    """Re-enqueue the running syncs whose worker died; returns them."""
    now = timezone.now()
    resumed = []
    for sync in SyncRun.objects.filter(state=SyncRun.State.RUNNING).select_related("repository"):
        if not _gone(sync, now):
            continue
        with transaction.atomic():
            updated = SyncRun.objects.filter(pk=sync.pk, state=SyncRun.State.RUNNING).update(
                state=SyncRun.State.QUEUED,
                worker="",
                message="Resuming: the worker running it stopped",
            )
            if updated:
                # The dead worker's task would otherwise show as running for ever.
                DBTaskResult.objects.filter(
                    id=sync.task_id, status=TaskResultStatus.RUNNING
                ).update(status=TaskResultStatus.FAILED, finished_at=now)
                _enqueue(sync)
                resumed.append(sync)
    return resumed
