from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decider.importers.pools_csv import parse_pools_csv
from decider.importers.problems import ImportRefused
from decider.importers.store import store_pools
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._lookup import refusal_error, team_named


class Command(DatabaseCommand):
    help = (
        "Import runner pools from CSV: name, labels, runners, monthly_cost_usd_per_runner, "
        "baseline_utilization."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--team", required=True, help="team slug or name")

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_named(options["team"])
        path = Path(options["path"])
        try:
            records = parse_pools_csv(path.name, path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except ImportRefused as refused:
            raise refusal_error(refused) from refused
        self.stdout.write(self.style.SUCCESS(store_pools(team, records).summary()))
