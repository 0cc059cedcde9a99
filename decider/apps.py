from __future__ import annotations

from django.apps import AppConfig


class DeciderConfig(AppConfig):
    name = "decider"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Alert checks follow every store of runs (decider/adapter/alert_tasks.py); the
        # importers and the GitHub sync sit below the adapter and cannot call it themselves.
        from decider.adapter.alert_tasks import on_workflow_data_changed
        from decider.models import workflow_data_changed

        workflow_data_changed.connect(on_workflow_data_changed, dispatch_uid="alert-checks")
