from __future__ import annotations

from django.apps import AppConfig


class DeciderConfig(AppConfig):
    name = "decider"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Alert checks and the monitor's warming follow every store of runs
        # (decider/adapter/alert_tasks.py, monitor_warming.py); the importers and the GitHub
        # sync sit below the adapter and cannot call it themselves.
        from decider.adapter import alert_tasks, monitor_warming
        from decider.models import workflow_data_changed

        workflow_data_changed.connect(
            alert_tasks.on_workflow_data_changed, dispatch_uid="alert-checks"
        )
        workflow_data_changed.connect(
            monitor_warming.on_workflow_data_changed, dispatch_uid="monitor-warming"
        )
