"""A repository's GitHub connection: saving its credentials, a client on them, and the test
that says what they can read.

A token is used as it is. A GitHub App authenticates as itself with a JWT signed by its
private key (RS256, ten minutes at most, issued a minute in the past for clock drift), trades
it for an installation token (an hour) and renews that five minutes before it expires.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from decider.github import secrets
from decider.github.client import GitHubClient, GitHubError
from decider.models import GitHubCachedPage, GitHubConnection, Repository

RENEW_BEFORE = timedelta(minutes=5)


def save_connection(
    repository: Repository,
    *,
    kind: str,
    api_url: str,
    secret: str,
    app_id: int | None = None,
    installation_id: int | None = None,
    user: User | None = None,
) -> GitHubConnection:
    """Store (or replace) the connection; cached ETags go with the old credentials, which may
    have seen less."""
    with transaction.atomic():
        connection, _ = GitHubConnection.objects.update_or_create(
            repository=repository,
            defaults={
                "kind": kind,
                "api_url": api_url.rstrip("/"),
                "secret": secrets.encrypt(secret.strip()),
                "app_id": app_id if kind == GitHubConnection.Kind.APP else None,
                "installation_id": installation_id if kind == GitHubConnection.Kind.APP else None,
                "checks": [],
                "checked_at": None,
                "updated_by": user,
            },
        )
        GitHubCachedPage.objects.filter(repository=repository).delete()
    return connection


class InstallationToken:
    """The App installation's token, fetched when first needed and renewed before expiry."""

    def __init__(self, api_url: str, app_id: int, installation_id: int, private_key: str):
        self.api_url = api_url
        self.app_id = app_id
        self.installation_id = installation_id
        self._private_key = private_key
        self._token = ""
        self._expires_at = datetime(1970, 1, 1, tzinfo=UTC)

    def app_jwt(self) -> str:
        now = int(time.time())
        claims = {"iat": now - 60, "exp": now + 9 * 60, "iss": str(self.app_id)}
        try:
            return jwt.encode(claims, self._private_key, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError):
            raise GitHubError(
                "The App's private key is not a PEM RSA key: paste the whole .pem file GitHub "
                "gave when the key was generated."
            ) from None

    def __call__(self) -> str:
        if datetime.now(UTC) >= self._expires_at - RENEW_BEFORE:
            with GitHubClient(self.api_url, None, backoff_s=0.5) as client:
                answer = client.post(
                    f"/app/installations/{self.installation_id}/access_tokens", self.app_jwt()
                )
            if not isinstance(answer, dict) or not isinstance(answer.get("token"), str):
                raise GitHubError("GitHub gave no installation token: check the installation id.")
            self._token = answer["token"]
            expires = str(answer.get("expires_at") or "")
            try:
                self._expires_at = datetime.fromisoformat(expires.replace("Z", "+00:00"))
            except ValueError:
                self._expires_at = datetime.now(UTC) + timedelta(minutes=30)
        return self._token


def token_source(connection: GitHubConnection) -> Callable[[], str]:
    secret = secrets.decrypt(connection.secret)
    if connection.kind == GitHubConnection.Kind.APP:
        assert connection.app_id is not None and connection.installation_id is not None
        return InstallationToken(
            connection.api_url, connection.app_id, connection.installation_id, secret
        )
    return lambda: secret


def client_for(connection: GitHubConnection, **options: Any) -> GitHubClient:
    return GitHubClient(connection.api_url, token_source(connection), **options)


@dataclass
class Check:
    what: str
    ok: bool
    detail: str


CHECKS: tuple[tuple[str, str, dict[str, str | int]], ...] = (
    ("Repository metadata", "", {}),
    ("Actions runs and jobs", "/actions/runs", {"per_page": 1}),
    ("Workflow files (contents)", "/contents/.github/workflows", {}),
)


def check_connection(connection: GitHubConnection) -> list[Check]:
    """Read one thing of each kind the sync needs; say per kind whether it worked and why not.
    Bounded: three requests, short waits, no rate-limit sleeps."""
    name = connection.repository.name
    found: list[Check] = []
    try:
        client = client_for(connection, backoff_s=0.2, max_wait_s=2, timeout_s=10, max_tries=2)
    except (GitHubError, secrets.SecretUnreadable) as error:
        return [Check("Credentials", False, str(error))]
    with client:
        for what, path, params in CHECKS:
            try:
                page = client.get(f"/repos/{name}{path}", params or None)
            except GitHubError as error:
                found.append(Check(what, False, error.message))
                continue
            found.append(Check(what, True, _readable(what, page.data)))
    connection.checks = [check.__dict__ for check in found]
    connection.checked_at = timezone.now()
    connection.save(update_fields=["checks", "checked_at"])
    return found


def _readable(what: str, data: Any) -> str:
    if what == "Repository metadata" and isinstance(data, dict):
        return f"Can read it; default branch {data.get('default_branch', '?')}."
    if what == "Actions runs and jobs" and isinstance(data, dict):
        return f"Can read runs: {data.get('total_count', 0):,} in all."
    if isinstance(data, list):
        return f"Can read .github/workflows: {len(data)} files."
    return "Can read it."
