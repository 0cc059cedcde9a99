"""The recorded GitHub responses of ../shared/data/real/api, replayed by the fake API over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from decider.github.client import GitHubClient
from decider.github.connection import save_connection
from decider.github.fake import Served, iter_recorded_cassette
from decider.github.sync import run_sync
from decider.importers.github_json import parse_json_runs
from decider.models import JobRun, Repository, SyncRun, Team, Workflow
from tests.github.conftest import FAST, TOKEN

_HERE = Path(__file__).resolve()
REAL = next(
    (
        path
        for path in (_HERE.parents[3] / "shared/data/real", Path("/work/shared/data/real"))
        if path.exists()
    ),
    _HERE.parents[3] / "shared/data/real",
)
pytestmark = pytest.mark.skipif(
    not REAL.exists(), reason="the recorded responses in ../shared/data/real are not here"
)


def _json(name: str) -> dict:
    return json.loads((REAL / "api" / name).read_text())


@pytest.mark.django_db
def test_pygithubs_recorded_runs_sync_into_its_matrix_jobs(team: Team, github: Served) -> None:
    fake = github.fake
    repository = fake.repository("PyGithub/PyGithub")
    workflow_yaml = REAL / "workflows" / "PyGithub__PyGithub__ci.at-06ec040b.yml"
    repository.files[".github/workflows/ci.yml"] = workflow_yaml.read_text()
    for run_id in (3881497935, 4205440316):
        run = _json(f"pygithub-replay__get-workflow-run__PyGithub__{run_id}.json")
        jobs = _json(f"pygithub-replay__list-jobs-for-run__PyGithub__{run_id}.json")["jobs"]
        fake.add_run("PyGithub/PyGithub", run, jobs)
    row = Repository.objects.create(team=team, name="PyGithub/PyGithub")
    save_connection(row, kind="token", api_url=github.url, secret=TOKEN)
    sync = SyncRun.objects.create(repository=row, since=datetime(2023, 1, 1, tzinfo=UTC))
    done = run_sync(sync, client_options=FAST)
    assert done.state == SyncRun.State.DONE, done.error
    workflow = Workflow.objects.get(repository=row)
    stored = JobRun.objects.filter(job__workflow=workflow)
    assert stored.count() == 10
    assert set(stored.values_list("job__name", flat=True)) == {
        f"test (Python {version})" for version in ("3.7", "3.8", "3.9", "3.10", "3.11-dev")
    }
    assert set(stored.values_list("runner_group", flat=True)) == {"GitHub Actions"}
    assert done.requests == 3 + 1 + 2  # repository, folder, file; runs page; 2 job lists


@pytest.mark.django_db
def test_a_recorded_reusable_call_run_syncs(team: Team, github: Served) -> None:
    fake = github.fake
    repository = fake.repository("dlvhdr/gh-enhance")
    caller = REAL / "workflows" / "dlvhdr__gh-enhance__dependabot-sync.at-d82ae227.yml"
    repository.files[".github/workflows/dependabot-sync.yml"] = caller.read_text()
    run = _json("gh-api__get-workflow-run__dlvhdr-gh-enhance__23697822330.json")
    jobs = _json("gh-api__list-jobs-for-run__dlvhdr-gh-enhance__23697822330.json")["jobs"]
    fake.add_run("dlvhdr/gh-enhance", run, jobs)
    row = Repository.objects.create(team=team, name="dlvhdr/gh-enhance")
    save_connection(row, kind="token", api_url=github.url, secret=TOKEN)
    sync = SyncRun.objects.create(repository=row, since=datetime(2026, 3, 1, tzinfo=UTC))
    done = run_sync(sync, client_options=FAST)
    assert done.state == SyncRun.State.DONE, done.error
    assert done.job_runs_fetched == 1
    job_run = JobRun.objects.get(job__workflow__repository=row)
    assert job_run.conclusion == "failure"


def test_the_recorded_cassettes_link_header_is_followed(github: Served) -> None:
    cassette = _json(
        "octokit-rb-vcr-cassette__list-jobs-for-run-attempt__paginated-per_page-1.json"
    )
    for path, status, headers, body in iter_recorded_cassette(cassette, "octo/recorded"):
        github.fake.replay(path, status, headers, body)
    with GitHubClient(github.url, lambda: TOKEN) as client:
        pages = list(
            client.pages("/repos/octo/recorded/actions/runs/3163227438/attempts/1/jobs?per_page=1")
        )
    assert len(pages) == 2
    # The next link points at /repositories/<id>/..., as GitHub's real one did.
    assert "/repositories/543787706/" in pages[1].url
    jobs = [job for page in pages for job in parse_json_runs("page", page.text).jobs]
    assert len({job.github_job_id for job in jobs}) == 2
