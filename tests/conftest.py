from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from decider.adapter.inputs import forget_samples
from decider.adapter.measured import forget_measured
from decider.github.fake import FakeGitHub, Served, serve
from decider.models import Membership, Scenario, Team, Workflow
from tests.factories import MembershipFactory, TeamFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def fresh_samples_cache() -> None:
    # Rolled-back tests reuse row ids, which the per-process caches of runs and measured load
    # and the cached verdicts (keyed on the runs' key) are keyed on.
    forget_samples()
    forget_measured()
    cache.clear()


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


def client_for(user) -> Client:
    """Logged in without a password check: sign-in throttling needs a request to count
    attempts, which `Client.login` does not give; the sign-in itself has its own tests."""
    client = Client()
    client.force_login(user)
    return client


def client_with_role(team: Team, role: str, username: str | None = None) -> Client:
    """A logged-in client of a new member of `team`."""
    user = UserFactory(username=username) if username else UserFactory()
    MembershipFactory(team=team, user=user, role=role)
    return client_for(user)


DEMO_SCENARIO = "Parallel production builds"


def load_demo(*, monitor_history: bool = False) -> Scenario:
    """The demo as `make run` loads it; its saved scenario is the founding analysis. Without
    `monitor_history`, only the seed's runs (its golden figures), no adoption."""
    options = [] if monitor_history else ["--without-monitor-history"]
    call_command("load_demo", *options, verbosity=0)
    return Scenario.objects.select_related("workflow__repository__team", "created_by").get(
        name=DEMO_SCENARIO
    )


@pytest.fixture
def editor_client(editor) -> Client:
    return client_for(editor)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return client_for(viewer)


@pytest.fixture
def seed_file():
    """Bytes of a file of the project's own copy of the seed example."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture
def demo_scenario(db: None) -> Scenario:
    return load_demo()


@pytest.fixture
def demo_workflow(demo_scenario: Scenario) -> Workflow:
    return demo_scenario.workflow


@pytest.fixture
def demo_team(demo_scenario: Scenario) -> Team:
    return demo_scenario.team


@pytest.fixture
def demo_editor(demo_team: Team) -> Client:
    return client_with_role(demo_team, Membership.Role.EDITOR)


@pytest.fixture
def demo_viewer(demo_team: Team) -> Client:
    return client_with_role(demo_team, Membership.Role.VIEWER, username="budget-holder")


@pytest.fixture
def outsider(db: None) -> Client:
    """An editor of another team."""
    return client_with_role(TeamFactory(name="Other", slug="other"), Membership.Role.EDITOR)


# A token the fake GitHub API accepts; tests check it never shows in a page, error or log.
GITHUB_TOKEN = "github_pat_11TESTTOKEN_do-not-leak-0123456789"


@pytest.fixture(autouse=True)
def _github_hosts_as_in_development(settings) -> None:
    """The fake GitHub API listens on loopback, which only development allows by default."""
    settings.GITHUB_API_HOSTS = ["api.github.com", "127.0.0.1", "localhost"]


@pytest.fixture
def github() -> Iterator[Served]:
    """The fake GitHub API (decider.github.fake) over real HTTP on a free port."""
    fake = FakeGitHub()
    fake.allow(GITHUB_TOKEN)
    served = serve(fake)
    yield served
    served.stop()
