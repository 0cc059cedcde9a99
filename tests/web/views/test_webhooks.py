"""The GitHub webhook endpoint: signatures, idempotence, order, scope, and the secret page."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decider.encryption import decrypt, encrypt
from decider.importers.webhook_signature import signature_for, signature_matches
from decider.models import (
    JobBusyDay,
    JobDay,
    JobRun,
    WebhookDelivery,
    WebhookEndpoint,
    WorkflowRun,
)
from tests.conftest import client_for, client_with_role
from tests.factories import JobFactory, RepositoryFactory, TeamFactory, WorkflowFactory

REAL_WEBHOOKS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real" / "webhooks"
SECRET = "s3cret-for-tests"


def test_githubs_published_test_vector_checks_out() -> None:
    secret, body = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_for(secret, body) == expected
    assert signature_matches(secret, body, expected)
    assert not signature_matches(secret, body + b" ", expected)
    assert not signature_matches("another secret", body, expected)
    assert not signature_matches(secret, body, expected.removeprefix("sha256="))


def test_secrets_are_stored_encrypted_and_read_back() -> None:
    stored = encrypt("my webhook secret")
    assert "my webhook secret" not in stored
    assert decrypt(stored) == "my webhook secret"


def _endpoint(team: Any, repository: Any = None, secret: str = SECRET) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        team=team,
        repository=repository,
        token=f"token-{team.slug}-{repository.pk if repository else 'team'}",
        secret_encrypted=encrypt(secret),
    )


def _post(
    endpoint: WebhookEndpoint,
    payload: dict[str, Any] | bytes,
    *,
    event: str = "workflow_job",
    delivery_id: str = "d-1",
    secret: str | None = SECRET,
    signature: str | None = None,
) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery_id}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif secret is not None:
        headers["X-Hub-Signature-256"] = signature_for(secret, body)
    # A fresh client with CSRF checks on, as GitHub has no token.
    return Client(enforce_csrf_checks=True).post(
        reverse("github_webhook", args=[endpoint.token]),
        body,
        content_type="application/json",
        headers=headers,
    )


def _job_payload(repository: str, **job: Any) -> dict[str, Any]:
    workflow_job = {
        "id": 7001,
        "run_id": 9001,
        "run_attempt": 1,
        "name": "unit-tests",
        "workflow_name": "build",
        "status": "completed",
        "conclusion": "success",
        "created_at": "2026-03-02T10:00:00Z",
        "started_at": "2026-03-02T10:01:00Z",
        "completed_at": "2026-03-02T10:06:00Z",
        "labels": ["self-hosted", "small"],
        "runner_name": "small-3",
        "runner_group_name": "Default",
        **job,
    }
    return {
        "action": workflow_job["status"],
        "workflow_job": workflow_job,
        "repository": {"full_name": repository},
    }


@pytest.fixture(autouse=True)
def deliveries_read_at_once(settings: Any) -> None:
    """The project queues tasks for the database worker (GitHub syncs need one); here a
    delivery's task runs in the request, as with no worker configured, so a test sees what
    became of it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def repository(team: Any) -> Any:
    repository = RepositoryFactory(team=team, name="acme/api")
    workflow = WorkflowFactory(repository=repository, name="build")
    JobFactory(workflow=workflow, key="unit-tests", name="unit-tests")
    return repository


@pytest.mark.django_db
def test_a_signed_completed_job_becomes_a_job_run(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(repository.team, repository)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(endpoint, _job_payload("acme/api"))
    assert response.status_code == 202
    run = JobRun.objects.get()
    assert (run.github_job_id, run.duration_s, run.queue_wait_s, run.conclusion) == (
        7001,
        300.0,
        60.0,
        "success",
    )
    assert (run.runner_name, run.runner_group, run.runner_labels) == (
        "small-3",
        "Default",
        ["self-hosted", "small"],
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.action, delivery.repository) == (
        "workflow_job",
        "completed",
        repository,
    )
    assert delivery.outcome == "'unit-tests' stored in build: success."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signature", "status"),
    [(None, 401), ("sha256=" + "0" * 64, 403), ("sha1=abc", 403), ("", 401)],
)
def test_unsigned_or_wrongly_signed_deliveries_are_refused_bare_and_logged(
    repository: Any, caplog: Any, signature: str | None, status: int
) -> None:
    endpoint = _endpoint(repository.team, repository)
    with caplog.at_level(logging.WARNING, logger="decider.web.views.webhooks"):
        response = _post(endpoint, _job_payload("acme/api"), secret=None, signature=signature)
    assert response.status_code == status
    assert response.content == b""
    assert "refused" in caplog.text
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_the_signature_is_checked_before_the_body_is_parsed(repository: Any, caplog: Any) -> None:
    endpoint = _endpoint(repository.team, repository)
    with caplog.at_level(logging.WARNING, logger="decider.web.views.webhooks"):
        response = _post(endpoint, b"{not json", secret="wrong secret")
    assert response.status_code == 403
    assert "signature does not match" in caplog.text
    # Rightly signed but not JSON: now it is parsed, and refused as such.
    assert _post(endpoint, b"{not json").status_code == 400


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_it_is_read(repository: Any, settings: Any) -> None:
    settings.WEBHOOK_MAX_BODY_BYTES = 100
    endpoint = _endpoint(repository.team, repository)
    assert _post(endpoint, _job_payload("acme/api")).status_code == 413


@pytest.mark.django_db
def test_an_unknown_address_is_a_bare_404(repository: Any) -> None:
    endpoint = WebhookEndpoint(token="nobody")
    response = _post(endpoint, _job_payload("acme/api"))
    assert (response.status_code, response.content) == (404, b"")


@pytest.mark.django_db
def test_a_delivery_is_stored_once_per_delivery_id(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(repository.team, repository)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _post(endpoint, _job_payload("acme/api"))
        again = _post(endpoint, _job_payload("acme/api"))
    assert (first.status_code, again.status_code) == (202, 200)
    assert len(callbacks) == 1
    assert WebhookDelivery.objects.count() == 1
    assert JobRun.objects.count() == 1


@pytest.mark.django_db
def test_completed_before_in_progress_keeps_the_completed_run(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(repository.team, repository)
    in_progress = _job_payload("acme/api", status="in_progress", conclusion=None, completed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, _job_payload("acme/api"), delivery_id="late-completed")
        _post(endpoint, in_progress, delivery_id="early-in-progress")
    assert JobRun.objects.get().conclusion == "success"
    outcome = WebhookDelivery.objects.get(delivery_id="early-in-progress").outcome
    assert outcome == "'unit-tests' stored in build: success."


@pytest.mark.django_db
def test_a_re_run_is_a_second_job_run_and_the_run_keeps_its_latest_attempt(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(repository.team, repository)
    second = _job_payload(
        "acme/api",
        id=7002,
        run_attempt=2,
        conclusion="failure",
        started_at="2026-03-02T11:00:00Z",
        created_at="2026-03-02T10:59:00Z",
        completed_at="2026-03-02T11:02:00Z",
    )
    run = {"id": 9001, "run_attempt": 2, "path": "", "name": "build", "event": "push"}
    first_run = {**run, "run_attempt": 1}
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, second, delivery_id="attempt-2")
        _post(
            endpoint,
            {"action": "completed", "workflow_run": run, "repository": {"full_name": "acme/api"}},
            event="workflow_run",
            delivery_id="run-2",
        )
        _post(
            endpoint,
            {
                "action": "completed",
                "workflow_run": first_run,
                "repository": {"full_name": "acme/api"},
            },
            event="workflow_run",
            delivery_id="run-1",
        )
        _post(endpoint, _job_payload("acme/api"), delivery_id="attempt-1")
    assert sorted(JobRun.objects.values_list("github_job_id", "conclusion")) == [
        (7001, "success"),
        (7002, "failure"),
    ]
    assert WorkflowRun.objects.get().run_attempt == 2


@pytest.mark.django_db
def test_a_job_in_no_imported_workflow_is_kept_and_said_so(
    team: Any, django_capture_on_commit_callbacks: Any
) -> None:
    repository = RepositoryFactory(team=team, name="acme/bare")
    endpoint = _endpoint(team, repository)
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, _job_payload("acme/bare"))
    delivery = WebhookDelivery.objects.get()
    assert delivery.outcome == (
        "Kept, not used: 'unit-tests' is in no imported workflow of acme/bare. "
        "Import its workflow file to count it."
    )
    assert not JobRun.objects.exists()


@pytest.mark.django_db
def test_a_delivery_signed_with_one_teams_secret_never_writes_to_anothers(
    repository: Any, other_team: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The other team has a repository of the same name, with the same job.
    theirs = RepositoryFactory(team=other_team, name="acme/api")
    JobFactory(workflow=WorkflowFactory(repository=theirs, name="build"), key="unit-tests")
    _endpoint(other_team, secret="their secret")
    ours = _endpoint(repository.team)  # a team-wide secret
    repo_only = _endpoint(repository.team, repository, secret="repo secret")
    with django_capture_on_commit_callbacks(execute=True):
        _post(ours, _job_payload("acme/api"), delivery_id="a")
        _post(ours, _job_payload("acme/elsewhere", id=7005), delivery_id="b")
        # Their secret does not open our address.
        assert _post(ours, _job_payload("acme/api"), secret="their secret").status_code == 403
        # A repository's secret reaches that repository only.
        _post(repo_only, _job_payload("acme/other", id=7006), secret="repo secret", delivery_id="c")
    assert list(JobRun.objects.values_list("job__workflow__repository", flat=True)) == [
        repository.pk
    ]
    outcomes = dict(WebhookDelivery.objects.values_list("delivery_id", "outcome"))
    assert (
        outcomes["b"] == f"Kept, not read: {repository.team.name} has no repository acme/elsewhere."
    )
    assert outcomes["c"] == (
        "Kept, not read: it is about acme/other, but this webhook secret belongs to acme/api."
    )


@pytest.mark.django_db
def test_ping_and_other_events_are_kept_with_a_plain_outcome(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(repository.team, repository)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            endpoint,
            {"zen": "Keep it simple.", "repository": {"full_name": "acme/api"}},
            event="ping",
            delivery_id="p",
        )
        _post(
            endpoint,
            {"ref": "main", "repository": {"full_name": "acme/api"}},
            event="push",
            delivery_id="q",
        )
    outcomes = dict(WebhookDelivery.objects.values_list("event", "outcome"))
    assert outcomes["ping"].startswith("GitHub's ping: the webhook reaches decider")
    assert "not push" in outcomes["push"]
    assert WebhookDelivery.objects.get(event="push").payload == {}


def _all_urls(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _all_urls(pattern.url_patterns)
        else:
            found.append(pattern)
    return found


def test_only_the_webhook_endpoint_is_exempt_from_csrf() -> None:
    exempt = {
        pattern.name
        for pattern in _all_urls(get_resolver().url_patterns)
        if getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt == {"github_webhook"}


@pytest.mark.django_db
def test_an_editor_creates_a_secret_that_is_shown_once(
    repository: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    response = client.post(reverse("webhook_secret", args=[repository.pk]), {"scope": "repository"})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = decrypt(endpoint.secret_encrypted)
    assert secret in response.content.decode()
    assert secret not in endpoint.secret_encrypted
    page = client.get(reverse("repository", args=[repository.pk])).content.decode()
    assert secret not in page
    assert endpoint.token in page
    # It works: a delivery signed with it is read, and listed on the page with its outcome.
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(endpoint, _job_payload("acme/api"), secret=secret).status_code == 202
    page = client.get(reverse("repository", args=[repository.pk])).content.decode()
    assert "&#x27;unit-tests&#x27; stored in build: success." in page
    # Rotating replaces it: the old secret no longer opens the address.
    client.post(reverse("webhook_secret", args=[repository.pk]), {"scope": "repository"})
    assert (
        _post(endpoint, _job_payload("acme/api"), secret=secret, delivery_id="x").status_code == 403
    )


@pytest.mark.django_db
def test_a_team_secret_serves_every_repository_of_the_team(repository: Any, editor: Any) -> None:
    client_for(editor).post(reverse("webhook_secret", args=[repository.pk]), {"scope": "team"})
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.team, endpoint.repository) == (repository.team, None)
    other = RepositoryFactory(team=repository.team)
    assert WebhookEndpoint.objects.serving(other) == endpoint


@pytest.mark.django_db
def test_viewers_cannot_set_secrets_and_other_teams_get_404(
    repository: Any, other_team: Any
) -> None:
    url = reverse("webhook_secret", args=[repository.pk])
    assert client_with_role(repository.team, "viewer").post(url).status_code == 403
    assert client_with_role(other_team, "editor").post(url).status_code == 404
    assert not WebhookEndpoint.objects.exists()


def _real_deliveries() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, json.loads(path.read_text())) for path in sorted(REAL_WEBHOOKS.glob("*.json"))
    ]


def _stored() -> list[tuple[Any, ...]]:
    jobs = JobRun.objects.values_list(
        "job__workflow__repository__name",
        "job__key",
        "github_job_id",
        "run__github_run_id",
        "created_at",
        "started_at",
        "completed_at",
        "duration_s",
        "conclusion",
        "runner_name",
        "runner_group",
        "runner_labels",
    )
    runs = WorkflowRun.objects.values_list(
        "workflow__repository__name",
        "github_run_id",
        "run_attempt",
        "created_at",
        "branch",
        "event",
    )
    # The monitor's per-day rows follow the job runs whatever the order they came in.
    days = [
        (*row[:-1], bytes(row[-1]))
        for row in JobDay.objects.values_list(
            "job__key", "day", "branch", "event", "job_runs", "cancelled_in_queue", "waits"
        )
    ]
    busy = JobBusyDay.objects.values_list("job__key", "day", "busy_s")
    return [
        *sorted(map(tuple, jobs), key=repr),
        *sorted(map(tuple, runs), key=repr),
        *sorted(map(tuple, days), key=repr),
        *sorted(map(tuple, busy), key=repr),
    ]


def _real_team() -> WebhookEndpoint:
    """One team holding the deliveries' repositories, each with the workflows and jobs the
    deliveries name (a job's workflow named as GitHub names it; the run's by its path)."""
    team = TeamFactory(slug="real")
    for _, payload in _real_deliveries():
        repository, _ = team.repositories.get_or_create(name=payload["repository"]["full_name"])
        run, job = payload.get("workflow_run"), payload.get("workflow_job") or {}
        workflow_name = job.get("workflow_name") or "ci"
        path = run["path"] if run else f".github/workflows/{workflow_name}.yml"
        workflow, _ = repository.workflows.get_or_create(
            path=path, defaults={"name": workflow_name, "source": "on: push"}
        )
        if job and not workflow.jobs.filter(name=job["name"]).exists():
            JobFactory(workflow=workflow, key=job["name"], name=job["name"])
    return _endpoint(team)


@pytest.mark.skipif(
    not REAL_WEBHOOKS.exists(), reason="the shared real webhook deliveries are not here"
)
@pytest.mark.django_db
def test_real_deliveries_shuffled_and_twice_store_what_they_store_once_in_order(
    django_capture_on_commit_callbacks: Any,
) -> None:
    deliveries = _real_deliveries()
    assert len(deliveries) == 11
    endpoint = _real_team()
    with django_capture_on_commit_callbacks(execute=True):
        for name, payload in deliveries:
            event = "workflow_run" if "workflow_run" in payload else "workflow_job"
            assert _post(endpoint, payload, event=event, delivery_id=name).status_code == 202
    in_order = _stored()
    # Something was stored: the finished jobs and the run.
    assert {row[1] for row in in_order if isinstance(row[1], str)} >= {"linters", "osx_11_lto"}
    assert any(isinstance(row[-1], float) for row in in_order)  # runner time kept per day
    _forget_runs()
    for seed in (1, 2, 3):
        shuffled = deliveries * 2
        random.Random(seed).shuffle(shuffled)
        with django_capture_on_commit_callbacks(execute=True):
            for index, (name, payload) in enumerate(shuffled):
                event = "workflow_run" if "workflow_run" in payload else "workflow_job"
                # Redeliveries: the same id (stored once) in the first round, new ids after.
                delivery_id = name if seed == 1 else f"{name}-{seed}-{index}"
                _post(endpoint, payload, event=event, delivery_id=delivery_id)
        assert _stored() == in_order
        _forget_runs()


def _forget_runs() -> None:
    for model in (JobRun, WorkflowRun, WebhookDelivery, JobDay, JobBusyDay):
        model.objects.all().delete()


BUILD_YAML = b"""name: build
on: push
jobs:
  unit-tests:
    runs-on: [self-hosted, small]
    steps:
      - run: make test
"""


@pytest.mark.django_db
def test_deliveries_that_came_before_the_repository_and_workflow_are_read_once_imported(
    team: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(team)  # a team-wide secret, set up before acme/new was added
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, _job_payload("acme/new", status="in_progress"), delivery_id="q")
        _post(endpoint, _job_payload("acme/new"), delivery_id="c")
        _post(endpoint, _job_payload("acme/new", id=7002, name="lint"), delivery_id="l")
    assert not JobRun.objects.exists()
    editor_client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("repository_create"), {"team": team.pk, "name": "acme/new"})
    repository = team.repositories.get(name="acme/new")
    assert set(WebhookDelivery.objects.values_list("repository", flat=True)) == {repository.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("workflow_upload", args=[repository.pk]),
            {"files": [SimpleUploadedFile("build.yml", BUILD_YAML)]},
        )
    assert response.status_code == 302
    run = JobRun.objects.get()  # the completed state of job 7001, stored once
    assert (run.github_job_id, run.duration_s, run.job.key) == (7001, 300.0, "unit-tests")
    outcomes = dict(WebhookDelivery.objects.values_list("delivery_id", "outcome"))
    assert outcomes["q"] == outcomes["c"] == "'unit-tests' stored in build: success."
    assert outcomes["l"].startswith("Kept, not used: 'lint' matches no job of build.")


@pytest.mark.django_db
def test_a_later_state_clears_the_days_its_replaced_row_counted_on(
    repository: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The row a later state replaces may have counted on other days (it started on another
    day, say): those days are recomputed, so the monitor does not count the job twice."""
    from datetime import UTC, date, datetime

    from decider.importers.monitor_days import refresh_monitor_days

    endpoint = _endpoint(repository.team, repository)
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, _job_payload("acme/api"), delivery_id="first")
    stored = JobRun.objects.get()
    JobRun.objects.filter(pk=stored.pk).update(
        started_at=datetime(2026, 3, 5, 10, 1, tzinfo=UTC),
        completed_at=datetime(2026, 3, 5, 10, 6, tzinfo=UTC),
    )
    workflow_id = stored.job.workflow_id
    refresh_monitor_days(workflow_id, [date(2026, 3, 2), date(2026, 3, 5)])
    assert list(JobBusyDay.objects.values_list("day", flat=True)) == [date(2026, 3, 5)]
    with django_capture_on_commit_callbacks(execute=True):
        _post(endpoint, _job_payload("acme/api"), delivery_id="again")
    assert list(JobBusyDay.objects.values_list("day", "busy_s")) == [(date(2026, 3, 2), 300.0)]
    assert JobRun.objects.get().run.ended_at == datetime(2026, 3, 2, 10, 6, tzinfo=UTC)
