from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from decider.importers.job_runs import parse_runs
from decider.importers.problems import ImportRefused
from decider.importers.store import WorkflowChoiceError, store_runs, workflow_for_runs
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._lookup import read_files, refusal_error, team_named
from decider.models import Repository


class Command(DatabaseCommand):
    help = (
        "Import measured job runs (GitHub REST jobs JSON, gh CLI JSON, or CSV) into a "
        "repository's workflow. Re-importing the same data adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--team", required=True, help="team slug or name")
        parser.add_argument("--repo", required=True, help="owner/name")
        parser.add_argument(
            "--workflow", help="workflow path or name when the repository has several"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_named(options["team"])
        repository = Repository.objects.filter(team=team, name=options["repo"]).first()
        if repository is None:
            raise CommandError(
                f"{team.name} has no repository {options['repo']}: import its workflow first."
            )
        files = read_files(options["paths"])
        total_bytes = sum(len(content) for _, content in files)
        self.stdout.write(f"Reading {len(files)} file(s), {total_bytes / 1024:.0f} KiB ...")
        try:
            run_import = parse_runs(files)
        except ImportRefused as refused:
            raise refusal_error(refused) from refused
        self.stdout.write(f"Parsed {len(run_import.jobs)} job runs; matching and storing ...")
        try:
            workflow = self._workflow(repository, options["workflow"], run_import)
        except WorkflowChoiceError as error:
            raise CommandError(f"{error} Use --workflow PATH.") from error
        report = store_runs(workflow, run_import, progress=self._progress)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        for record in report.unmatched:
            self.stdout.write(
                self.style.WARNING(f"  not matched: '{record.job_name}' ({record.source_location})")
            )

    def _workflow(self, repository: Repository, wanted: str | None, run_import: Any) -> Any:
        if not wanted:
            return workflow_for_runs(repository, run_import)
        workflow = (
            repository.workflows.filter(path=wanted).first()
            or repository.workflows.filter(name=wanted).first()
        )
        if workflow is None:
            known = ", ".join(repository.workflows.values_list("path", flat=True))
            raise CommandError(f"No workflow '{wanted}' in {repository.name}; known: {known}.")
        return workflow

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  {done}/{total} job runs stored")
