"""How each run ended: read from every format, in GitHub's words, and stored (semantics 12).

Fixtures under runs/ are the project's own, shaped like the real files beside them:
- conclusions-rest-jobs.json: a REST "list jobs for a workflow run" page (as
  pygithub-4205440316-jobs.json) with success, failure, cancelled, timed_out, skipped, neutral
  and an in-progress job;
- conclusions-gh-run-view.json: `gh run view --json name,jobs` (as the neovim file), with a
  skipped job at Go's zero time and a startup_failure;
- conclusions-timed.csv / conclusions-durations.csv: both CSV headers with a conclusion column
  in mixed case and spellings, and an empty cell.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from decider.importers.job_runs import parse_runs
from decider.importers.problems import ImportRefused
from decider.importers.store import store_runs, store_workflows
from decider.importers.text_input import parse_conclusion
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import JobRun
from tests.factories import JobFactory, JobRunFactory

RUNS = Path(__file__).parent / "runs"

WORKFLOW = b"""on: push
jobs:
  build:
    runs-on: [self-hosted, medium]
    steps: [{run: make}]
  deploy:
    needs: build
    runs-on: [self-hosted, medium]
    steps: [{run: make deploy}]
"""


def fixture(name: str) -> tuple[str, bytes]:
    return name, (RUNS / name).read_bytes()


def test_it_reads_every_conclusion_of_a_rest_jobs_page() -> None:
    result = parse_runs([fixture("conclusions-rest-jobs.json")])

    assert [(job.job_name, job.conclusion, job.seconds) for job in result.jobs] == [
        ("build", "success", 480.0),
        ("build", "failure", 150.0),
        ("build", "cancelled", 60.0),
        ("build", "timed_out", 1200.0),
        ("deploy", "skipped", 0.0),
        ("lint", "neutral", 60.0),
    ]
    # Only the unfinished job is left out of the import; the skipped one is counted later.
    assert result.warnings == [
        "conclusions-rest-jobs.json: skipped 1 job(s) with no measured run: "
        "'deploy' (status in_progress)."
    ]


def test_it_reads_conclusions_from_gh_run_view_and_keeps_jobs_that_never_ran_at_0_s() -> None:
    result = parse_runs([fixture("conclusions-gh-run-view.json")])

    assert [(job.job_name, job.conclusion, job.seconds) for job in result.jobs] == [
        ("build", "success", 240.0),
        ("test", "failure", 90.0),
        ("deploy", "skipped", 0.0),
        ("docs", "startup_failure", 0.0),
    ]
    assert result.warnings == []


def test_it_reads_uppercase_states_of_gh_pr_checks() -> None:
    checks = [
        {
            "name": "build",
            "state": "CANCELLED",
            "startedAt": "2026-03-02T10:00:00Z",
            "completedAt": "2026-03-02T10:01:00Z",
            "link": "https://github.com/acme/app/actions/runs/81/job/91",
        }
    ]

    result = parse_runs([("checks.json", json.dumps(checks))])

    assert [(job.job_name, job.conclusion) for job in result.jobs] == [("build", "cancelled")]


def test_a_timed_csv_gives_conclusions_in_any_case_and_spelling() -> None:
    result = parse_runs([fixture("conclusions-timed.csv")])

    assert [(job.github_run_id, job.conclusion) for job in result.jobs] == [
        (501, "success"),
        (502, "failure"),
        (503, "cancelled"),
        (504, None),  # an empty cell: no conclusion, counted as success
        (501, "skipped"),
    ]


def test_a_csv_of_durations_may_give_conclusions_too() -> None:
    result = parse_runs([fixture("conclusions-durations.csv")])

    assert [(job.duration_s, job.conclusion) for job in result.jobs] == [
        (480, "success"),
        (150, "failure"),
        (20, "timed_out"),
        (470, None),
    ]
    assert result.warnings == []


def test_a_csv_without_the_column_has_no_conclusions() -> None:
    result = parse_runs([fixture("job-runs.csv")])

    assert {job.conclusion for job in result.jobs} == {None}


def test_a_csv_conclusion_that_is_not_githubs_is_refused_with_its_row() -> None:
    text = "run_id,job,duration_s,conclusion\n1,build,60,success\n2,build,70,passed\n"

    with pytest.raises(ImportRefused) as refused:
        parse_runs([("runs.csv", text)])

    (problem,) = refused.value.problems
    assert (problem.row, problem.field) == (3, "conclusion")
    assert problem.message == (
        "The conclusion is not usable: 'passed' is not one of GitHub's conclusions."
    )
    assert problem.hint.startswith("Give one of success, neutral, failure, cancelled")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("success", "success"),
        ("SUCCESS", "success"),
        (" Timed-Out ", "timed_out"),
        ("timed out", "timed_out"),
        ("STARTUP_FAILURE", "startup_failure"),
        ("canceled", "cancelled"),
        ("error", "failure"),
        ("", None),
    ],
)
def test_conclusions_are_normalized_to_githubs_words(text: str, expected: str | None) -> None:
    assert parse_conclusion(text) == expected


@pytest.mark.django_db
def test_stored_runs_keep_their_conclusion_and_none_is_empty() -> None:
    (report,) = store_workflows(
        JobFactory().workflow.repository, parse_workflow_files([("ci.yml", WORKFLOW)])
    )
    store_runs(report.workflow, parse_runs([fixture("conclusions-timed.csv")]))

    stored = JobRun.objects.filter(job__workflow=report.workflow).order_by("run__github_run_id")
    assert [(row.job.key, row.run.github_run_id, row.conclusion) for row in stored] == [
        ("build", 501, "success"),
        ("deploy", 501, "skipped"),
        ("build", 502, "failure"),
        ("build", 503, "cancelled"),
        ("build", 504, ""),
    ]


@pytest.mark.django_db
def test_the_migration_puts_conclusions_stored_verbatim_into_githubs_words() -> None:
    job = JobFactory()
    verbatim = ["FAILURE", "Canceled", "timed-out", "success", "", "passed"]
    rows = [JobRunFactory(job=job, conclusion=text) for text in verbatim]
    migration = importlib.import_module("decider.migrations.0004_jobrun_conclusions")

    migration.normalize_conclusions(apps, None)

    # What is not one of GitHub's words becomes unknown: counted as success, as it was.
    assert [JobRun.objects.get(pk=row.pk).conclusion for row in rows] == [
        "failure",
        "cancelled",
        "timed_out",
        "success",
        "",
        "",
    ]
