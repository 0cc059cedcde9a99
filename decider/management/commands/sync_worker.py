"""The background worker: django-tasks-db's `db_worker`, after resuming syncs a killed worker
left half done and starting the hourly alert check if none is waiting. Run one (or more)
beside the web server; `make run` starts one."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from decider.adapter.alert_tasks import ensure_hourly_check
from decider.github.tasks import resume_interrupted


class Command(db_worker.Command):
    help = (
        "Run background tasks (GitHub syncs, alert checks), resuming any a stopped worker "
        "left unfinished."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for sync in resume_interrupted():
            self.stdout.write(f"Resuming the sync of {sync.repository.name} (#{sync.pk}).")
        if ensure_hourly_check():
            self.stdout.write("Alert checks start now and run every hour.")
        super().handle(*args, **options)
