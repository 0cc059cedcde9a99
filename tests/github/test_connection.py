"""Credentials: encrypted at rest, a GitHub App's installation token, and the connection test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from decider.github import secrets
from decider.github.connection import check_connection, save_connection
from decider.github.fake import Served, generate_history
from decider.github.sync import run_sync
from decider.models import GitHubConnection, JobRun, Repository, SyncRun, Team
from tests.github.conftest import FAST, TOKEN

pytestmark = pytest.mark.django_db


def test_the_token_is_stored_encrypted_and_reads_back(connected: Repository) -> None:
    connection = GitHubConnection.objects.get(repository=connected)
    stored = bytes(connection.secret)
    assert TOKEN.encode() not in stored
    assert secrets.decrypt(stored) == TOKEN


def test_another_key_cannot_read_it_and_says_what_to_do(connected: Repository, settings) -> None:
    stored = bytes(GitHubConnection.objects.get(repository=connected).secret)
    settings.ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(secrets.SecretUnreadable, match="enter them again"):
        secrets.decrypt(stored)


def test_a_sync_with_an_unreadable_secret_stops_with_that_sentence(
    connected: Repository, settings
) -> None:
    settings.ENCRYPTION_KEY = Fernet.generate_key().decode()
    sync = SyncRun.objects.create(repository=connected, since=datetime(2026, 1, 1, tzinfo=UTC))
    assert run_sync(sync).error.startswith("The stored GitHub credentials cannot be decrypted")


def test_the_connection_test_says_what_the_token_can_and_cannot_read(
    connected: Repository, github: Served
) -> None:
    generate_history(github.fake, runs=3, jobs_per_run=2)
    github.fake.allow(TOKEN, {"metadata", "contents"})
    checks = check_connection(GitHubConnection.objects.get(repository=connected))
    assert [(check.what, check.ok) for check in checks] == [
        ("Repository metadata", True),
        ("Actions runs and jobs", False),
        ("Workflow files (contents)", True),
    ]
    assert "default branch main" in checks[0].detail
    assert "Actions" in checks[1].detail and TOKEN not in checks[1].detail
    assert "2 files" in checks[2].detail
    stored = GitHubConnection.objects.get(repository=connected)
    assert stored.checked_at is not None and len(stored.checks) == 3


def _rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_a_github_app_installation_syncs_with_its_installation_token(
    team: Team, github: Served
) -> None:
    private, public = _rsa_pem()
    github.fake.add_app(4242, public, installation_id=77)
    generate_history(github.fake, runs=4, jobs_per_run=3)
    repository = Repository.objects.create(team=team, name="acme/widgets")
    save_connection(
        repository, kind="app", api_url=github.url, secret=private, app_id=4242, installation_id=77
    )
    sync = SyncRun.objects.create(repository=repository, since=datetime(2026, 1, 1, tzinfo=UTC))
    done = run_sync(sync, client_options=FAST)
    assert done.state == SyncRun.State.DONE, done.error
    assert JobRun.objects.count() == 12
    # One installation token for the whole sync, not one per request.
    assert len(github.fake.requests("/access_tokens")) == 1


def test_a_wrong_installation_or_key_is_a_plain_stop(team: Team, github: Served) -> None:
    _, public = _rsa_pem()
    other_private, _ = _rsa_pem()
    github.fake.add_app(4242, public, installation_id=77)
    repository = Repository.objects.create(team=team, name="acme/widgets")
    save_connection(
        repository,
        kind="app",
        api_url=github.url,
        secret=other_private,
        app_id=4242,
        installation_id=77,
    )
    sync = SyncRun.objects.create(repository=repository, since=datetime(2026, 1, 1, tzinfo=UTC))
    done = run_sync(sync, client_options=FAST)
    assert done.state == SyncRun.State.FAILED
    assert "401" in done.error and "BEGIN" not in done.error


def test_a_key_that_is_not_pem_says_so(team: Team, github: Served) -> None:
    repository = Repository.objects.create(team=team, name="acme/widgets")
    save_connection(
        repository, kind="app", api_url=github.url, secret="not a key", app_id=1, installation_id=2
    )
    checks = check_connection(GitHubConnection.objects.get(repository=repository))
    assert not checks[0].ok and "PEM" in checks[0].detail
