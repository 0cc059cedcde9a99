"""The GitHub connection and sync pages: editors only, secrets never shown, syncs queued."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from decider.github.fake import Served, generate_history
from decider.models import GitHubConnection, Repository, SyncRun, Team
from tests.conftest import client_for, client_with_role
from tests.github.conftest import TOKEN, new_sync

pytestmark = pytest.mark.django_db

PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEsecretkeymaterial\n-----END PRIVATE KEY-----"


@pytest.fixture
def repository(team: Team) -> Repository:
    return Repository.objects.create(team=team, name="acme/widgets")


def _connect(client, repository: Repository, **fields: str):
    data = {"kind": "token", "api_url": "http://127.0.0.1:8999", "token": TOKEN, **fields}
    return client.post(reverse("github_connection", args=[repository.pk]), data, follow=True)


def test_an_editor_connects_and_the_token_is_never_shown_or_logged(
    editor, repository: Repository, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(editor)
    with caplog.at_level(logging.DEBUG):
        saved = _connect(client, repository)
        pages = [
            saved,
            client.get(reverse("github_connection", args=[repository.pk])),
            client.get(reverse("repository", args=[repository.pk])),
            client.post(reverse("github_connection_check", args=[repository.pk]), follow=True),
        ]
    assert saved.status_code == 200
    connection = GitHubConnection.objects.get(repository=repository)
    assert connection.api_url == "http://127.0.0.1:8999"
    for page in pages:
        assert TOKEN not in page.content.decode()
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    # The check could not reach the server: it says so per thing, without the token.
    assert "Cannot reach http://127.0.0.1:8999" in pages[-1].content.decode()


def test_a_refused_form_does_not_echo_the_secrets(editor, repository: Repository) -> None:
    response = _connect(
        client_for(editor), repository, kind="app", private_key=PRIVATE_KEY, app_id=""
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the App" in body
    assert "secretkeymaterial" not in body and TOKEN not in body
    assert not GitHubConnection.objects.exists()


def test_an_empty_token_keeps_the_saved_one(editor, repository: Repository, settings) -> None:
    settings.GITHUB_API_HOSTS = [*settings.GITHUB_API_HOSTS, "ghe.example.com"]
    client = client_for(editor)
    _connect(client, repository)
    _connect(client, repository, token="", api_url="https://ghe.example.com/api/v3")
    from decider.github.secrets import decrypt

    connection = GitHubConnection.objects.get(repository=repository)
    assert decrypt(connection.secret) == TOKEN
    assert connection.api_url == "https://ghe.example.com/api/v3"


@pytest.mark.parametrize(
    ("api_url", "says"),
    [
        ("http://169.254.169.254/latest", "may call only these GitHub hosts"),  # cloud metadata
        ("http://db.internal:5432", "may call only these GitHub hosts"),
        ("https://ghe.example.com/api/v3", "ask whoever runs decider to add your host"),
        ("http://api.github.com", "Use https://"),
    ],
)
def test_a_connection_may_call_only_the_allowed_github_hosts(
    editor, repository: Repository, api_url: str, says: str
) -> None:
    response = _connect(client_for(editor), repository, api_url=api_url)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not GitHubConnection.objects.exists()


def test_viewers_cannot_connect_or_sync_and_other_teams_cannot_see(
    team: Team, other_team: Team, repository: Repository
) -> None:
    viewer = client_with_role(team, "viewer")
    assert _connect(viewer, repository).status_code == 403
    assert viewer.post(reverse("sync_start", args=[repository.pk])).status_code == 403
    assert viewer.post(reverse("sync_cancel", args=[repository.pk])).status_code == 403
    assert viewer.get(reverse("sync_progress", args=[repository.pk])).status_code == 200
    stranger = client_with_role(other_team, "editor")
    assert stranger.get(reverse("sync_progress", args=[repository.pk])).status_code == 404
    assert _connect(stranger, repository).status_code == 404


def test_a_sync_is_queued_for_the_worker_once(editor, repository: Repository) -> None:
    client = client_for(editor)
    _connect(client, repository)
    url = reverse("sync_start", args=[repository.pk])
    first = client.post(url, {"days": "14"}, headers={"HX-Request": "true"})
    second = client.post(url, {"days": "14"}, headers={"HX-Request": "true"})
    assert first.status_code == second.status_code == 200
    sync = SyncRun.objects.get()
    assert sync.state == SyncRun.State.QUEUED and sync.requested_by == editor
    task = DBTaskResult.objects.get()
    assert task.task_path == "decider.github.tasks.sync_repository"
    assert task.args_kwargs["args"] == [sync.pk]
    # The panel polls while the sync is under way.
    assert 'hx-trigger="every 2s"' in first.content.decode()


def test_sync_needs_a_connection_and_a_sane_window(editor, repository: Repository) -> None:
    client = client_for(editor)
    url = reverse("sync_start", args=[repository.pk])
    assert "Connect the repository" in client.post(url, {"days": "3"}, follow=True).content.decode()
    _connect(client, repository)
    page = client.post(url, {"days": "400"}, follow=True).content.decode()
    assert "less than or equal to 90" in page
    assert not SyncRun.objects.exists()


def test_cancel_stops_a_queued_sync(editor, repository: Repository) -> None:
    client = client_for(editor)
    _connect(client, repository)
    sync = new_sync(repository)
    response = client.post(
        reverse("sync_cancel", args=[repository.pk]), headers={"HX-Request": "true"}
    )
    sync.refresh_from_db()
    assert sync.state == SyncRun.State.CANCELLED
    assert "every 2s" not in response.content.decode()


def test_the_panel_shows_the_figures_and_the_error(editor, repository: Repository) -> None:
    SyncRun.objects.create(
        repository=repository,
        since="2026-11-01T00:00Z",
        state=SyncRun.State.FAILED,
        runs_listed=40,
        runs_fetched=12,
        job_runs_fetched=360,
        job_runs_added=350,
        requests=17,
        rate_limit=5000,
        rate_remaining=4983,
        error="GitHub refused the credentials (401): <b>enter new ones</b>",
    )
    body = client_for(editor).get(reverse("sync_progress", args=[repository.pk])).content.decode()
    assert "12 runs" in body and "360 job runs" in body and "4983 of 5000" in body
    assert "&lt;b&gt;enter new ones&lt;/b&gt;" in body
    assert "every 2s" not in body


def test_test_connection_lists_what_it_can_read(
    editor, repository: Repository, github: Served
) -> None:
    generate_history(github.fake, runs=2, jobs_per_run=2)
    github.fake.allow(TOKEN, {"metadata", "actions"})
    client = client_for(editor)
    _connect(client, repository, api_url=github.url)
    page = client.post(
        reverse("github_connection_check", args=[repository.pk]), follow=True
    ).content.decode()
    assert "Repository metadata:</strong> yes" in page
    assert "Actions runs and jobs:</strong> yes" in page
    assert "Workflow files (contents):</strong> no" in page
    assert TOKEN not in page


def test_keeping_a_secret_the_server_can_no_longer_read_asks_for_it_again(
    editor, repository: Repository, settings
) -> None:
    client = client_for(editor)
    _connect(client, repository)
    settings.ENCRYPTION_KEY = Fernet.generate_key().decode()
    response = _connect(client, repository, token="")
    assert response.status_code == 200
    assert "enter them again" in response.content.decode()
