from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decider.github.connection import save_connection
from decider.github.sync import run_sync
from decider.github.window import DEFAULT_DAYS, window_start
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._lookup import repository_named, team_named
from decider.models import GitHubConnection, Repository, SyncRun


class Command(DatabaseCommand):
    help = (
        "Sync a repository's workflows, runs and jobs from GitHub now, in this process (the "
        "pages start the same sync on the background worker). Uses the repository's saved "
        "connection, or --token-env (and --api-url) to save one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repo", required=True, help="owner/name")
        parser.add_argument("--team", help="team slug or name (needed if several have --repo)")
        parser.add_argument(
            "--since", default=f"{DEFAULT_DAYS}d", help="window, e.g. 14d or 12h (default 30d)"
        )
        parser.add_argument(
            "--token-env",
            help="name of an environment variable holding a token to save as the connection",
        )
        parser.add_argument("--api-url", default="https://api.github.com")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = window_start(options["since"])
        except ValueError as error:
            raise CommandError(f"--since: {error}") from error
        repository = self._repository(options["repo"], options["team"])
        if options["token_env"]:
            token = os.environ.get(options["token_env"], "")
            if not token:
                raise CommandError(f"The environment variable {options['token_env']} is empty.")
            save_connection(
                repository,
                kind=GitHubConnection.Kind.TOKEN,
                api_url=options["api_url"],
                secret=token,
            )
        elif not GitHubConnection.objects.filter(repository=repository).exists():
            raise CommandError(
                f"{repository.name} is not connected to GitHub: connect it on its page, or pass "
                "--token-env VARIABLE (and --api-url for GitHub Enterprise Server)."
            )
        if SyncRun.objects.filter(repository=repository, state__in=SyncRun.ACTIVE).exists():
            raise CommandError(f"A sync of {repository.name} is already running or queued.")
        sync = SyncRun.objects.create(repository=repository, since=since)
        self.stdout.write(f"Syncing {repository.name}, runs since {since:%Y-%m-%d %H:%M} UTC")
        sync = run_sync(sync, progress=self._progress)
        sys.stdout.write("\n") if self.stdout.isatty() else None
        self.stdout.write(_line(sync))
        for note in sync.notes:
            self.stdout.write(self.style.WARNING(f"  note: {note}"))
        if sync.state != SyncRun.State.DONE:
            raise CommandError(sync.error or sync.get_state_display())
        self.stdout.write(self.style.SUCCESS("Done."))

    def _repository(self, name: str, team_name: str | None) -> Repository:
        if team_name:
            return repository_named(team_named(team_name), name)[0]
        found = list(Repository.objects.filter(name=name)[:2])
        if len(found) != 1:
            raise CommandError(
                f"{'Several teams have' if found else 'No team has'} a repository {name}: "
                "pass --team."
            )
        return found[0]

    def _progress(self, sync: SyncRun) -> None:
        # One line, rewritten in place on a terminal; a line per step in a log.
        if self.stdout.isatty():
            self.stdout.write(f"\r{_line(sync)}", ending="")
            self.stdout.flush()
        else:
            self.stdout.write(_line(sync))


def _line(sync: SyncRun) -> str:
    left = "" if sync.rate_remaining is None else f", {sync.rate_remaining:,} requests left"
    return (
        f"  {sync.runs_fetched:,} of {sync.runs_listed:,} runs listed read, "
        f"{sync.job_runs_fetched:,} job runs ({sync.job_runs_added:,} new), "
        f"{sync.requests:,} requests{left}"
    )
