"""`manage.py sync_github`: the same sync in the foreground, with a progress line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decider.github.fake import Served, generate_history
from decider.github.window import window_start
from decider.models import GitHubConnection, JobRun, Repository, SyncRun, Team
from tests.conftest import GITHUB_TOKEN

pytestmark = pytest.mark.django_db


def test_it_saves_a_connection_from_the_environment_and_syncs(
    team: Team, github: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_history(github.fake, runs=12, jobs_per_run=3)
    monkeypatch.setenv("SYNC_TOKEN", GITHUB_TOKEN)
    out = StringIO()
    call_command(
        "sync_github",
        "--repo", "acme/widgets", "--team", team.slug, "--since", "14d",
        "--token-env", "SYNC_TOKEN", "--api-url", github.url,
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "12 of 12 runs listed read, 36 job runs (36 new)" in text
    assert "requests left" in text and text.rstrip().endswith("Done.")
    assert GITHUB_TOKEN not in text
    assert JobRun.objects.count() == 36
    assert GitHubConnection.objects.get().api_url == github.url
    sync = SyncRun.objects.get()
    assert timedelta(days=13, hours=23) < sync.created_at - sync.since < timedelta(days=14, hours=1)


def test_a_refused_sync_exits_with_what_to_fix(team: Team, github: Served, monkeypatch) -> None:
    monkeypatch.setenv("SYNC_TOKEN", "a-revoked-token")
    with pytest.raises(CommandError, match="401"):
        call_command(
            "sync_github",
            "--repo", "acme/widgets", "--team", team.slug,
            "--token-env", "SYNC_TOKEN", "--api-url", github.url,
            stdout=StringIO(),
        )  # fmt: skip


def test_without_a_connection_it_says_how_to_make_one(team: Team) -> None:
    Repository.objects.create(team=team, name="acme/widgets")
    with pytest.raises(CommandError, match="not connected to GitHub"):
        call_command("sync_github", "--repo", "acme/widgets", stdout=StringIO())


@pytest.mark.parametrize("window", ["0d", "91d", "2w", "", "-3d"])
def test_bad_windows_are_refused_in_words(team: Team, window: str) -> None:
    with pytest.raises(CommandError, match="--since"):
        call_command("sync_github", "--repo", "acme/widgets", "--since", window)


def test_windows() -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    assert window_start("14d", now) == now - timedelta(days=14)
    assert window_start(" 12h ", now) == now - timedelta(hours=12)
    assert window_start("90", now) == now - timedelta(days=90)
