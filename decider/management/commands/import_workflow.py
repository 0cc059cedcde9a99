from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction

from decider.importers.problems import ImportRefused
from decider.importers.store import store_workflows
from decider.importers.webhook_deliveries import adopt_waiting_deliveries, reread_after_import
from decider.importers.workflow_yaml import parse_workflow_files
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._lookup import (
    read_files,
    refusal_error,
    repository_named,
    team_named,
)


class Command(DatabaseCommand):
    help = (
        "Import GitHub Actions workflow YAML into a repository. Pass the local reusable "
        "workflows it calls too: they are expanded into the caller's jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--team", required=True, help="team slug or name")
        parser.add_argument("--repo", required=True, help="owner/name (created if new)")

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_named(options["team"])
        try:
            records = parse_workflow_files(read_files(options["paths"]), repository=options["repo"])
        except ImportRefused as refused:
            raise refusal_error(refused) from refused
        with transaction.atomic():
            repository, created = repository_named(team, options["repo"])
            if created:
                adopt_waiting_deliveries(repository)
            reports = store_workflows(repository, records)
            reread_after_import(repository)
        if created:
            self.stdout.write(f"Created repository {repository.name} in {team.name}.")
        for report in reports:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            for warning in report.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
