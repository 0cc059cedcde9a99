from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from decider.models import Team
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashers take ~0.3 s per login by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Platform", slug="platform")


@pytest.fixture
def other_team(db: None) -> Team:
    return TeamFactory(name="Elsewhere", slug="elsewhere")


@pytest.fixture
def editor(team: Team):
    return MembershipFactory(team=team, user=UserFactory(username="ed"), role="editor").user


@pytest.fixture
def viewer(team: Team):
    return MembershipFactory(team=team, user=UserFactory(username="vi"), role="viewer").user


def _client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def editor_client(editor) -> Client:
    return _client_for(editor)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return _client_for(viewer)


@pytest.fixture
def seed_file():
    """Bytes of a file of the project's own copy of the seed example."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
