from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decider.importers.job_runs import BATCH_SIZE, RunUpload, open_runs
from decider.importers.problems import ImportRefused
from decider.importers.store import WorkflowChoiceError, store_runs, workflow_for_runs
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._lookup import refusal_error, team_named
from decider.models import Repository

PROGRESS_EVERY = 100_000


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
        with ExitStack() as files:
            streams = []
            for path in options["paths"]:
                try:
                    streams.append((Path(path).name, files.enter_context(open(path, "rb"))))
                except OSError as error:
                    raise CommandError(f"Cannot read {path}: {error.strerror}") from error
            total_bytes = sum(Path(path).stat().st_size for path in options["paths"])
            self.stdout.write(f"Reading {len(streams)} file(s), {total_bytes / 1024:.0f} KiB ...")
            try:
                # CSV is read as it is stored, so a file of any size takes bounded memory.
                upload = open_runs(streams)
                try:
                    workflow = self._workflow(repository, options["workflow"], upload)
                except WorkflowChoiceError as error:
                    raise CommandError(f"{error} Use --workflow PATH.") from error
                report = store_runs(workflow, upload, progress=self._progress)
            except ImportRefused as refused:
                raise refusal_error(refused) from refused
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        for name, found in report.unmatched.items():
            more = f" and {found.count - 1} more" if found.count > 1 else ""
            self.stdout.write(
                self.style.WARNING(f"  not matched: '{name}' ({found.first_location}{more})")
            )

    def _workflow(self, repository: Repository, wanted: str | None, upload: RunUpload) -> Any:
        if not wanted:
            return workflow_for_runs(repository, upload.runs, upload.sample())
        workflow = (
            repository.workflows.filter(path=wanted).first()
            or repository.workflows.filter(name=wanted).first()
        )
        if workflow is None:
            known = ", ".join(repository.workflows.values_list("path", flat=True))
            raise CommandError(f"No workflow '{wanted}' in {repository.name}; known: {known}.")
        return workflow

    def _progress(self, done: int) -> None:
        if done % PROGRESS_EVERY < BATCH_SIZE:
            self.stdout.write(f"  {done} job runs read")
