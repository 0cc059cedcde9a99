"""Shared by the import commands: find the team and repository named on the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from decider.importers.problems import ImportRefused
from decider.models import Repository, Team


def team_named(name_or_slug: str) -> Team:
    team = (
        Team.objects.filter(slug=name_or_slug).first()
        or Team.objects.filter(name=name_or_slug).first()
    )
    if team is None:
        known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(
            f"No team '{name_or_slug}'. Known teams: {known}. Create it in the admin first."
        )
    return team


def repository_named(team: Team, name: str) -> tuple[Repository, bool]:
    if name.count("/") != 1:
        raise CommandError(f"--repo takes owner/name, e.g. tactivos/mural-api (got '{name}').")
    return Repository.objects.get_or_create(team=team, name=name)


def read_files(paths: list[str]) -> list[tuple[str, bytes]]:
    files = []
    for path in paths:
        try:
            files.append((Path(path).name, Path(path).read_bytes()))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
    return files


def refusal_error(refused: ImportRefused) -> CommandError:
    lines = "\n".join(f"  {problem}" for problem in refused.problems)
    return CommandError(f"Nothing was imported:\n{lines}")
