from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from decider.models import Job, JobRun, Repository, Workflow
from tests.conftest import client_for
from tests.factories import (
    JobFactory,
    JobRunFactory,
    MembershipFactory,
    RepositoryFactory,
    RunnerPoolFactory,
    WorkflowFactory,
)

pytestmark = pytest.mark.django_db

WORKFLOW_YAML = b"""name: build
on: [push]
jobs:
  test-image:
    runs-on: [self-hosted, linux, small]
    steps: [{run: make test-image}]
  prod-image:
    needs: test-image
    runs-on: [self-hosted, linux, medium]
    steps: [{run: make prod-image}]
"""

RUNS_CSV = b"run_id,job,duration_s\n7,test-image,500\n7,prod-image,480\n7,mystery-job,10\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_every_page_needs_a_login(team) -> None:
    repository = RepositoryFactory(team=team)
    for url in [
        reverse("dashboard"),
        reverse("repository", args=[repository.pk]),
        reverse("pools", args=[team.slug]),
    ]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url_name",
    ["repository", "workflow_upload", "runs_upload"],
)
def test_another_teams_repository_is_a_404(editor_client, other_team, url_name) -> None:
    repository = RepositoryFactory(team=other_team)
    method = editor_client.get if url_name == "repository" else editor_client.post
    assert method(reverse(url_name, args=[repository.pk])).status_code == 404


def test_the_repository_page_shows_jobs_and_flags_unmeasured_ones(editor_client, team) -> None:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    JobFactory(workflow=workflow, key="lint", name="Lint <b>bold</b>")
    response = editor_client.get(reverse("repository", args=[workflow.repository.pk]))
    assert response.status_code == 200
    assert b"Lint &lt;b&gt;bold&lt;/b&gt;" in response.content
    assert b"unmeasured" in response.content


def test_an_editor_imports_a_workflow(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    response = editor_client.post(
        reverse("workflow_upload", args=[repository.pk]),
        {"files": [upload("build.yml", WORKFLOW_YAML)]},
    )
    assert response.status_code == 302
    workflow = Workflow.objects.get(repository=repository)
    assert list(workflow.jobs.values_list("key", flat=True)) == ["test-image", "prod-image"]
    prod = workflow.jobs.get(key="prod-image")
    assert [need.key for need in prod.needs.all()] == ["test-image"]


def test_a_refused_workflow_shows_where_and_saves_nothing(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    broken = b"name: build\non: push\njobs:\n  a:\n    runs-on: [x\n"
    response = editor_client.post(
        reverse("workflow_upload", args=[repository.pk]), {"files": [upload("bad.yml", broken)]}
    )
    assert response.status_code == 200
    assert b"Nothing was imported" in response.content
    assert b"bad.yml" in response.content
    assert b"line " in response.content
    assert not Workflow.objects.exists()


def test_a_viewer_cannot_import(viewer_client, team) -> None:
    repository = RepositoryFactory(team=team)
    response = viewer_client.post(
        reverse("workflow_upload", args=[repository.pk]),
        {"files": [upload("build.yml", WORKFLOW_YAML)]},
    )
    assert response.status_code == 403
    assert not Workflow.objects.exists()
    response = viewer_client.post(
        reverse("runs_upload", args=[repository.pk]), {"files": [upload("r.csv", RUNS_CSV)]}
    )
    assert response.status_code == 403


def test_a_viewer_sees_no_upload_forms(viewer_client, team) -> None:
    repository = RepositoryFactory(team=team)
    response = viewer_client.get(reverse("repository", args=[repository.pk]))
    assert response.status_code == 200
    assert b"Import a workflow" not in response.content


def _import_workflow(client: Client, repository: Repository) -> None:
    client.post(
        reverse("workflow_upload", args=[repository.pk]),
        {"files": [upload("build.yml", WORKFLOW_YAML)]},
    )


def test_run_data_is_matched_lists_what_does_not_match_and_reimports_add_nothing(
    editor_client, team
) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    url = reverse("runs_upload", args=[repository.pk])
    response = editor_client.post(url, {"files": [upload("runs.csv", RUNS_CSV)]}, follow=True)
    assert response.status_code == 200
    assert JobRun.objects.count() == 2
    assert b"mystery-job" in response.content
    assert JobRun.objects.get(job__key="test-image").duration_s == 500
    editor_client.post(url, {"files": [upload("runs.csv", RUNS_CSV)]})
    assert JobRun.objects.count() == 2


def test_refused_run_data_names_the_row_and_saves_nothing(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    bad = b"run_id,job,duration_s\n7,test-image,500\n7,prod-image,-3\n"
    response = editor_client.post(
        reverse("runs_upload", args=[repository.pk]), {"files": [upload("runs.csv", bad)]}
    )
    assert response.status_code == 200
    assert b"row 3" in response.content
    assert not JobRun.objects.exists()


def test_run_data_before_any_workflow_asks_for_the_workflow_first(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    response = editor_client.post(
        reverse("runs_upload", args=[repository.pk]), {"files": [upload("r.csv", RUNS_CSV)]}
    )
    assert response.status_code == 200
    assert b"import the workflow YAML first" in response.content


BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
)
MATRIX_289 = (
    "on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n"
    f"        x: {list(range(17))}\n        y: {list(range(17))}\n"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("on: push\njobs:\n  a:\n    runs-on: [x\n  b: {}\n", "line 5"),
        ("on: push\njobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: y\n", "declared twice"),
        ("on: push\njobs:\n  a:\n    runs-on: x\n    needs: ghost\n", "&#x27;ghost&#x27;"),
        (
            "on: push\njobs:\n  a: {needs: b, runs-on: x}\n  b: {needs: a, runs-on: x}\n",
            "a -&gt; b -&gt; a",
        ),
        ("on: push\njobs:\n  a: {runs-on: x}\n" + "#" * 600_000, "limit is 500 KB"),
        (BILLION_LAUGHS, "200,000 nodes"),
        ("on: push\njobs: " + "[" * 100 + "]" * 100 + "\n", "deeper than 64"),
        (MATRIX_289, "289 instances"),
    ],
)
def test_every_workflow_refusal_is_shown_at_the_form_and_changes_nothing(
    editor_client, team, content: str, expected: str
) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    before = list(Job.objects.values_list("key", "name", "runs_on").order_by("key"))
    response = editor_client.post(
        reverse("workflow_upload", args=[repository.pk]),
        {"files": [upload("build.yml", content.encode())]},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "build.yml" in text
    assert expected in text
    assert list(Job.objects.values_list("key", "name", "runs_on").order_by("key")) == before
    assert Workflow.objects.count() == 1


def test_the_repository_page_shows_the_engines_current_graph_figures(demo_scenario) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "demo", "password": "demo"})
    assert response.status_code == 302  # the demo's documented login works
    repository = Repository.objects.get(name="tactivos/mural-api")
    response = client.get(reverse("repository", args=[repository.pk]))
    (overview,) = response.context["overviews"]
    schedule = overview.schedule
    assert (schedule.wall_clock_s, schedule.compute_s, schedule.peak_total) == (1012, 2057, 5)
    assert schedule.peak_by_pool == [("small", 4), ("medium", 2)]
    assert schedule.critical_path_keys == [
        "build-test-image-api",
        "build-production-api",
        "publish-api",
    ]
    rows = {row.job.key: row for row in overview.rows}
    api = rows["build-test-image-api"]
    assert (api.runs.used, api.latest_s, api.median_s) == (3, 524, 480)
    assert api.on_critical_path and not rows["build-test-image-worker"].on_critical_path
    page = response.content.decode()
    assert "16 min 52 s" in page
    assert "at most 5 runners at once: 4 small and 2 medium, at different moments" in page


def runs_of(job: Job, *conclusions: str) -> None:
    for conclusion in conclusions:
        JobRunFactory(job=job, conclusion=conclusion)


def test_the_repository_page_counts_the_runs_used_and_left_out_per_job(editor_client, team) -> None:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    build = JobFactory(workflow=workflow, key="build")
    runs_of(build, *["success"] * 11, "", *["failure"] * 3, "cancelled")
    JobRunFactory(job=build, conclusion="failure", duration_s=3600)
    flaky = JobFactory(workflow=workflow, key="flaky")
    runs_of(flaky, "failure", "failure", "cancelled")
    JobFactory(workflow=workflow, key="new-job")

    response = editor_client.get(reverse("repository", args=[workflow.repository.pk]))

    text = response.content.decode()
    assert "12 runs used, 4 failed and 1 cancelled left out" in text
    assert "unmeasured: 3 runs, all failed or cancelled" in text
    assert "unmeasured: no runs imported" in text
    (overview,) = response.context["overviews"]
    rows = {row.job.key: row for row in overview.rows}
    # The 3600 s failed run is left out of every duration.
    assert (rows["build"].latest_s, rows["build"].p90_s) == (300, 300)
    assert overview.unmeasured == ["flaky", "new-job"]


def test_queue_waits_leave_out_runs_that_never_queued(editor_client, team) -> None:
    job = JobFactory(workflow=WorkflowFactory(repository=RepositoryFactory(team=team)))
    JobRunFactory(job=job, conclusion="success")  # queued 10 s, as every factory run
    JobRunFactory(job=job, conclusion="cancelled")
    for _ in range(3):
        skipped = JobRunFactory(job=job, conclusion="skipped", duration_s=0)
        JobRun.objects.filter(pk=skipped.pk).update(started_at=skipped.created_at)

    response = editor_client.get(reverse("repository", args=[job.workflow.repository.pk]))

    (overview,) = response.context["overviews"]
    assert overview.rows[0].median_queue_wait_s == 10


def test_an_upload_over_the_per_request_cap_is_refused_before_reading_it(
    editor_client, team, monkeypatch
) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    monkeypatch.setattr("decider.web.views.repositories.MAX_REQUEST_UPLOAD_BYTES", 1000)
    big = RUNS_CSV + b"".join(b"7,test-image,%d\n" % n for n in range(200))
    response = editor_client.post(
        reverse("runs_upload", args=[repository.pk]), {"files": [upload("runs.csv", big)]}
    )
    assert response.status_code == 200
    assert b"one upload takes at most" in response.content
    assert b"Upload them in several goes" in response.content
    assert not JobRun.objects.exists()


def test_files_together_over_the_cap_are_refused_even_when_each_fits(
    editor_client, team, monkeypatch
) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    monkeypatch.setattr("decider.web.forms.uploads.MAX_REQUEST_UPLOAD_BYTES", 100)
    files = [upload(f"runs-{n}.csv", RUNS_CSV) for n in range(3)]  # 72 bytes each
    response = editor_client.post(reverse("runs_upload", args=[repository.pk]), {"files": files})
    assert response.status_code == 200
    assert b"These files are 0.0 MB together" in response.content
    assert not JobRun.objects.exists()


def test_a_large_csv_upload_is_stored_in_batches_and_counted(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    _import_workflow(editor_client, repository)
    rows = b"".join(
        b"%d,test-image,%d\n%d,prod-image,5\n" % (n, 60 + n % 9, n) for n in range(6000)
    )
    content = b"run_id,job,duration_s\n" + rows
    url = reverse("runs_upload", args=[repository.pk])
    response = editor_client.post(url, {"files": [upload("runs.csv", content)]}, follow=True)
    assert b"12000 job runs added to build, 0 already present, 6000 workflow runs added" in (
        response.content
    )
    response = editor_client.post(url, {"files": [upload("runs.csv", content)]}, follow=True)
    assert b"0 job runs added to build, 12000 already present" in response.content


@pytest.mark.django_db(transaction=True)
def test_identical_timed_uploads_at_the_same_moment_all_succeed_and_store_once(team) -> None:
    editor = MembershipFactory(team=team, role="editor").user
    repository = RepositoryFactory(team=team)
    _import_workflow(client_for(editor), repository)
    # No run ids: each run is known by its job and start time (the unique constraint that
    # used to answer 500 when two uploads inserted the same row at once).
    content = b"job,started_at,completed_at\n" + b"".join(
        b"test-image,2026-01-01T%02d:%02d:00Z,2026-01-01T%02d:%02d:30Z\n"
        % (n // 60, n % 60, n // 60, n % 60)
        for n in range(600)
    )
    clients = [client_for(editor) for _ in range(8)]
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def post(client: Client) -> None:
        try:
            barrier.wait()
            response = client.post(
                reverse("runs_upload", args=[repository.pk]),
                {"files": [upload("runs.csv", content)]},
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert JobRun.objects.count() == 600


LIMITS_YAML = b"""name: limits
on: [push, pull_request]
jobs:
  bounded:
    runs-on: [self-hosted, small]
    timeout-minutes: 20
  unbounded:
    runs-on: [self-hosted, small]
  big-pool:
    runs-on: [self-hosted, big]
  hosted:
    runs-on: ubuntu-24.04
  flaky:
    needs: bounded
    if: github.event_name == 'push'
    continue-on-error: true
    runs-on: [self-hosted, big]
"""


def test_the_page_shows_timeouts_conditions_and_continue_on_error_per_job(
    editor_client, team
) -> None:
    RunnerPoolFactory(team=team, name="small", labels=["self-hosted", "small"], runners=3)
    RunnerPoolFactory(team=team, name="big", labels=["self-hosted", "big"], runners=5)
    repository = RepositoryFactory(team=team)
    editor_client.post(
        reverse("workflow_upload", args=[repository.pk]),
        {"files": [upload("limits.yml", LIMITS_YAML)]},
    )

    response = editor_client.get(reverse("repository", args=[repository.pk]))

    (overview, _), *_ = response.context["sections"]
    rows = {row.job.key: row for row in overview.rows}
    assert rows["bounded"].timeout_s == 20 * 60 and not rows["bounded"].default_timeout_risk
    assert rows["unbounded"].timeout_s == 360 * 60
    assert rows["unbounded"].default_timeout_risk == (
        "no timeout: a hung run holds one of the 3 runners it can run on for up to 6 h"
    )
    # 5 runners is not a small pool; GitHub-hosted runners are not ours to lose
    assert not rows["big-pool"].default_timeout_risk
    assert not rows["hosted"].default_timeout_risk
    text = response.content.decode()
    assert "1 job on small self-hosted pools (4 runners or fewer) set no timeout-minutes" in text
    assert "timeout 20 min" in text and "timeout 6 h (GitHub's default)" in text
    assert "continues on error" in text
    assert "if: <code>github.event_name == &#x27;push&#x27;</code>" in text


def _big_workflow(team, jobs: int) -> Workflow:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    first = JobFactory(workflow=workflow, key="setup", order=0)
    for index in range(1, jobs):
        job = JobFactory(workflow=workflow, key=f"shard-{index}", order=index)
        job.needs.add(first)
    return workflow


def test_a_long_workflow_keeps_its_page_short(editor_client, team) -> None:
    """A 128-job workflow with no runs: the uploads come first, the job table is folded behind
    its count, and one sentence replaces 0 s figures and a list of 128 unmeasured jobs."""
    workflow = _big_workflow(team, 128)
    page = editor_client.get(reverse("repository", args=[workflow.repository.pk])).content.decode()
    assert page.index('id="imports"') < page.index(f'id="workflow-{workflow.pk}"')
    assert "128 jobs: show the table" in page
    assert '<details class="job-list">' in page  # folded: no `open`
    # One sentence says what is missing instead of 128 names (the engine counts them by reason
    # where some jobs are measured: tests/engine/test_analysis.py).
    assert "Unmeasured, counted as 0 s" not in page
    assert "No measured runs yet, so no wall clock, compute or peak" in page
    assert 'class="metrics"' not in page


def test_a_short_measured_workflow_shows_its_figures_and_an_open_table(
    demo_workflow, demo_editor
) -> None:
    page = demo_editor.get(reverse("repository", args=[demo_workflow.repository.pk]))
    text = page.content.decode()
    assert '<details class="job-list" open>' in text
    assert 'class="metrics"' in text and "No measured runs yet" not in text
