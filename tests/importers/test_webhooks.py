"""workflow_job / workflow_run webhook deliveries, as a team's receiver would have saved them.

The payloads are trimmed to the fields decider reads; their shape follows GitHub's webhook
examples (octokit/webhooks payload-examples) and a real self-hosted delivery without
`created_at` (tarantool/job-rerunner's README).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from decider.importers.job_runs import parse_runs
from decider.importers.problems import ImportRefused


def delivery(action: str, **job: object) -> tuple[str, bytes]:
    workflow_job = {
        "id": 2832853555,
        "run_id": 940463255,
        "run_attempt": 1,
        "name": "linters",
        "status": "completed",
        "conclusion": "success",
        "created_at": "2021-06-15T19:22:11Z",
        "started_at": "2021-06-15T19:22:27Z",
        "completed_at": "2021-06-15T19:25:45Z",
        "labels": ["self-hosted", "linux", "small"],
        "runner_name": "runner-7",
        **job,
    }
    payload = {"action": action, "workflow_job": workflow_job, "repository": {"id": 1}}
    return (f"{action}.json", json.dumps(payload).encode())


def test_a_completed_job_delivery_is_a_measured_run_with_its_queue_wait() -> None:
    (job,) = parse_runs([delivery("completed")]).jobs
    assert (job.github_job_id, job.github_run_id, job.job_name) == (
        2832853555,
        940463255,
        "linters",
    )
    assert job.seconds == 198
    assert job.started_at - job.created_at == (
        datetime(2021, 6, 15, 19, 22, 27, tzinfo=UTC)
        - datetime(2021, 6, 15, 19, 22, 11, tzinfo=UTC)
    )
    assert job.runner_labels == ["self-hosted", "linux", "small"]


def test_an_old_delivery_without_created_at_leaves_the_queue_wait_unknown() -> None:
    payload = delivery("completed", created_at=None)
    (job,) = parse_runs([payload]).jobs
    assert job.created_at is None and job.seconds == 198


@pytest.mark.parametrize("status", ["queued", "in_progress", "waiting"])
def test_deliveries_of_unfinished_jobs_are_skipped_with_a_warning(status: str) -> None:
    result = parse_runs([delivery(status, status=status, completed_at=None, conclusion=None)])
    assert result.jobs == []
    assert "skipped 1 job(s) with no measured run: 'linters'" in result.warnings[0]


def test_a_list_of_saved_deliveries_imports_together() -> None:
    first = json.loads(delivery("completed")[1])
    second = json.loads(delivery("completed", id=2832853556, name="tests")[1])
    result = parse_runs([("deliveries.json", json.dumps([first, second]).encode())])
    assert [job.job_name for job in result.jobs] == ["linters", "tests"]


def test_a_workflow_run_delivery_gives_the_run() -> None:
    payload = {
        "action": "completed",
        "workflow_run": {
            "id": 940463255,
            "run_attempt": 1,
            "created_at": "2021-06-15T19:22:05Z",
            "head_branch": "main",
            "event": "push",
            "name": "CI",
            "path": ".github/workflows/ci.yml",
        },
    }
    (run,) = parse_runs([("run.json", json.dumps(payload).encode())]).runs
    assert (run.github_run_id, run.branch, run.workflow_path) == (
        940463255,
        "main",
        ".github/workflows/ci.yml",
    )


def test_a_broken_job_in_a_delivery_is_refused_with_its_field() -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_runs([delivery("completed", started_at="yesterday")])
    (problem,) = refused.value.problems
    assert problem.field == "workflow_job.started_at"
    assert problem.source == "completed.json"
