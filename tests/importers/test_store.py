"""Writing parsed records: in place by key, idempotent, one transaction."""

from __future__ import annotations

import json

import pytest

from decider.importers.job_runs import parse_runs
from decider.importers.store import store_runs, store_workflows
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import Job, JobRun, WorkflowRun
from tests.factories import RepositoryFactory

pytestmark = pytest.mark.django_db

TWO_JOBS = b"""on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{run: make test}]
  publish:
    needs: test
    runs-on: ubuntu-latest
    steps: [{run: make publish}]
"""

ONE_JOB = b"""on: push
jobs:
  test:
    name: Tests
    runs-on: ubuntu-latest
    steps: [{run: make test}]
"""

RUNS = b"run_id,job,duration_s\n1,test,60\n1,publish,10\n2,test,70\n"


def test_reimporting_a_workflow_updates_jobs_in_place_and_keeps_their_runs() -> None:
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", TWO_JOBS)]))
    assert report.created and report.jobs_added == ["test", "publish"]
    store_runs(report.workflow, parse_runs([("runs.csv", RUNS)]))
    test_job = Job.objects.get(key="test")

    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", ONE_JOB)]))
    assert not report.created
    assert report.jobs_updated == ["test"] and report.jobs_removed == ["publish"]
    test_job.refresh_from_db()
    assert test_job.name == "Tests"
    assert JobRun.objects.filter(job=test_job).count() == 2
    assert not Job.objects.filter(key="publish").exists()


def test_reimporting_runs_adds_nothing() -> None:
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", TWO_JOBS)]))
    first = store_runs(report.workflow, parse_runs([("runs.csv", RUNS)]))
    assert (first.added, first.runs_added) == (3, 2)
    again = store_runs(report.workflow, parse_runs([("runs.csv", RUNS)]))
    assert (again.added, again.already_present, again.runs_added) == (0, 3, 0)
    assert JobRun.objects.count() == 3
    assert WorkflowRun.objects.count() == 2


def test_runs_without_ids_are_the_same_run_when_they_started_at_the_same_time() -> None:
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", TWO_JOBS)]))
    timed = (
        b"job,started_at,completed_at\n"
        b"test,2026-01-05T10:00:00Z,2026-01-05T10:01:00Z\n"
        b"test,2026-01-05T11:00:00Z,2026-01-05T11:01:30Z\n"
    )
    first = store_runs(report.workflow, parse_runs([("timed.csv", timed)]))
    again = store_runs(report.workflow, parse_runs([("timed.csv", timed)]))
    assert (first.added, again.added, again.already_present) == (2, 0, 2)
    assert sorted(JobRun.objects.values_list("duration_s", flat=True)) == [60, 90]


def runs_listing(branch: str) -> bytes:
    runs = [
        {
            "id": run_id,
            "run_attempt": 1,
            "event": "push",
            "head_branch": branch,
            "workflow_id": 9,
            "created_at": "2026-01-05T10:00:00Z",
        }
        for run_id in (11, 12)
    ]
    return json.dumps({"total_count": 2, "workflow_runs": runs}).encode()


def test_run_objects_are_stored_in_bulk_and_take_newer_details_on_reimport() -> None:
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", TWO_JOBS)]))
    first = store_runs(report.workflow, parse_runs([("runs.json", runs_listing("main"))]))
    again = store_runs(report.workflow, parse_runs([("runs.json", runs_listing("release"))]))
    assert (first.runs_added, again.runs_added) == (2, 0)
    assert sorted(WorkflowRun.objects.values_list("github_run_id", "branch", "event")) == [
        (11, "release", "push"),
        (12, "release", "push"),
    ]


RUN_TIME_MATRIX = b"""on: push
jobs:
  meta:
    runs-on: small
  build:
    needs: meta
    name: Go ${{ matrix.go }} ${{ matrix.goos }} build
    runs-on: small
    if: github.event_name == 'push'
    timeout-minutes: 30
    strategy:
      matrix:
        goos: [linux, darwin]
        go: ["${{ needs.meta.outputs.go-version }}"]
"""
EVALUATED_RUNS = (
    b"run_id,job,duration_s\n"
    b"1,meta,5\n1,Go 1.22.3 linux build,300\n1,Go 1.22.3 darwin build,200\n1,Go 1.22.3 build,1\n"
)


def test_runs_named_with_evaluated_matrix_values_reach_their_instances() -> None:
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("build.yml", RUN_TIME_MATRIX)]))

    runs = store_runs(report.workflow, parse_runs([("runs.csv", EVALUATED_RUNS)]))

    assert runs.added == 3
    assert list(runs.unmatched) == ["Go 1.22.3 build"]
    durations = dict(JobRun.objects.values_list("job__name", "duration_s"))
    assert durations["Go ${{ needs.meta.outputs.go-version }} darwin build"] == 200
    stored = Job.objects.get(key="build (linux, ${{ needs.meta.outputs.go-version }})")
    assert (stored.condition, stored.timeout_minutes) == ("github.event_name == 'push'", 30)
    assert stored.runs_when["pull_request"] == {"needs_ran": "skips", "a_need_skipped": "skips"}
    assert stored.flags == ["matrix_expression", "name_expression"]


def test_the_runner_group_and_runner_of_a_rest_job_are_stored() -> None:
    # With the labels, they say which pool served the job (measured load per pool).
    repository = RepositoryFactory()
    (report,) = store_workflows(repository, parse_workflow_files([("ci.yml", ONE_JOB)]))
    job = {
        "id": 7,
        "run_id": 70,
        "run_attempt": 1,
        "name": "Tests",
        "status": "completed",
        "conclusion": "success",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": "2024-05-01T10:00:05Z",
        "completed_at": "2024-05-01T10:01:05Z",
        "labels": ["self-hosted", "linux"],
        "runner_name": "rack-2-runner-9",
        "runner_group_name": "linux-large",
    }
    page = json.dumps({"total_count": 1, "jobs": [job]}).encode()
    store_runs(report.workflow, parse_runs([("jobs.json", page)]))
    stored = JobRun.objects.get()
    assert (stored.runner_name, stored.runner_group) == ("rack-2-runner-9", "linux-large")
    assert stored.runner_labels == ["self-hosted", "linux"]
