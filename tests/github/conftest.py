"""A fake GitHub API served over real HTTP for each test (decider.github.fake)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from decider.github.connection import save_connection
from decider.github.fake import HISTORY_REPOSITORY, Served
from decider.models import Repository, SyncRun, Team
from tests.conftest import GITHUB_TOKEN

TOKEN = GITHUB_TOKEN
# Tests wait milliseconds where GitHub would make a client wait seconds.
FAST = {"backoff_s": 0.01}


@pytest.fixture
def connected(team: Team, github: Served) -> Repository:
    repository = Repository.objects.create(team=team, name=HISTORY_REPOSITORY)
    save_connection(repository, kind="token", api_url=github.url, secret=TOKEN)
    return repository


def new_sync(repository: Repository, days: int = 30) -> SyncRun:
    return SyncRun.objects.create(
        repository=repository, since=timezone.now() - timedelta(days=days)
    )
