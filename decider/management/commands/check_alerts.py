"""Check every workflow's alert rules now and send the emails due (docs/alerts.md). The
worker does the same every hour; this is for cron without a worker, or to see at once."""

from __future__ import annotations

from typing import Any

from decider.adapter.alert_tasks import check_all
from decider.management.commands._base import DatabaseCommand
from decider.models import AlertEvent


class Command(DatabaseCommand):
    help = "Check every workflow's alert rules and send the alert emails that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        checked = check_all()
        firing = AlertEvent.objects.firing().count()
        self.stdout.write(f"{checked} workflows checked; {firing} alerts firing.")
