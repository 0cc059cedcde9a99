"""parse_runs: GitHub REST and gh CLI JSON, VCR cassettes and CSV into job run records.

Fixtures under runs/ are trimmed copies of real public responses (steps and URLs dropped):
- pygithub-4205440316-jobs.json: PyGithub/PyGithub tests/ReplayData/WorkflowJob.setUp.txt,
  GET /repos/PyGithub/PyGithub/actions/runs/4205440316/jobs (a 5-instance matrix, 2023).
- pygithub-job-54251022208.json: PyGithub Repository.testGetWorkflowJob.txt (GET /actions/jobs/id).
- pygithub-workflow-runs-2020.json: PyGithub Repository.testGetWorkflowRuns.txt, the 2020 shape
  without name, path or run_attempt (2 of its 5 runs).
- pygithub-3881497935-timing.json: PyGithub WorkflowRun.test_timing.txt, verbatim.
- dlvhdr-23697822330-jobs.json / -run.json: dlvhdr/gh-enhance imposters/, `gh api` output of a
  reusable-workflow call named `dependabot-sync / sync`.
- neovim-15468370618-run-view.json: dlvhdr/gh-enhance imposters/, `gh run view --json name,jobs`.
- neovim-34285-pr-checks.json: dlvhdr/gh-enhance imposters/, `gh pr checks --json` (3 of 31).
- octokit-cassette-paginated.json: octokit/octokit.rb spec/cassettes/.../auto-paginates_the_results
  .json, two pages with base64 bodies (request and headers trimmed).
- job-runs.csv: the first rows of the mural-api seed.
"""

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decider.importers.job_runs import parse_runs
from decider.importers.problems import ImportRefused, Problem
from decider.importers.text_input import MAX_FILE_BYTES

RUNS = Path(__file__).parent / "runs"


def fixture(name: str) -> tuple[str, bytes]:
    return name, (RUNS / name).read_bytes()


def refusal(files: list[tuple[str, str | bytes]]) -> list[Problem]:
    with pytest.raises(ImportRefused) as refused:
        parse_runs(files)
    return refused.value.problems


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rest_job(**overrides: Any) -> dict[str, Any]:
    job = {
        "id": 1,
        "run_id": 100,
        "run_attempt": 1,
        "name": "build",
        "status": "completed",
        "conclusion": "success",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": "2024-05-01T10:00:05Z",
        "completed_at": "2024-05-01T10:01:05Z",
        "labels": ["self-hosted", "medium"],
        "runner_name": "runner-1",
    }
    job.update(overrides)
    return job


def page(*jobs: dict[str, Any], total_count: int | None = None) -> str:
    total = len(jobs) if total_count is None else total_count
    return json.dumps({"total_count": total, "jobs": list(jobs)})


# REST "list jobs for a workflow run"


def test_it_reads_every_field_of_a_real_list_jobs_page() -> None:
    result = parse_runs([fixture("pygithub-4205440316-jobs.json")])

    assert [job.job_name for job in result.jobs] == [
        "test (Python 3.7)",
        "test (Python 3.8)",
        "test (Python 3.9)",
        "test (Python 3.10)",
        "test (Python 3.11-dev)",
    ]
    first = result.jobs[0]
    assert first.github_job_id == 11421878319
    assert first.github_run_id == 4205440316
    assert first.run_attempt == 1
    assert first.created_at == at("2023-02-17T16:03:38")
    assert first.started_at == at("2023-02-17T16:03:46")
    assert first.completed_at == at("2023-02-17T16:04:52")
    assert first.conclusion == "success"
    assert first.runner_name == "GitHub Actions 2"
    assert first.runner_group == "GitHub Actions"
    assert first.runner_labels == ["ubuntu-latest"]
    assert first.source_location == "pygithub-4205440316-jobs.json, jobs[0]"
    assert result.warnings == []


def test_it_reads_a_compact_page_of_a_reusable_workflow_call() -> None:
    result = parse_runs([fixture("dlvhdr-23697822330-jobs.json")])

    assert [(job.job_name, job.conclusion) for job in result.jobs] == [
        ("dependabot-sync / sync", "failure")
    ]


def test_it_reads_a_single_job_object() -> None:
    result = parse_runs([fixture("pygithub-job-54251022208.json")])

    assert [(job.github_job_id, job.job_name) for job in result.jobs] == [
        (54251022208, "OpenAPI sync branch")
    ]
    assert result.jobs[0].source_location == "pygithub-job-54251022208.json"


def test_it_reads_pages_given_as_several_files_and_as_a_list_of_pages() -> None:
    first, second = rest_job(id=1, name="lint"), rest_job(id=2, name="test")
    as_files = parse_runs(
        [("p1.json", page(first, total_count=2)), ("p2.json", page(second, total_count=2))]
    )
    as_list = parse_runs(
        [("pages.json", f"[{page(first, total_count=2)}, {page(second, total_count=2)}]")]
    )

    assert [job.job_name for job in as_files.jobs] == ["lint", "test"]
    assert as_files.warnings == []
    assert [job.source_location for job in as_list.jobs] == [
        "pages.json, [0].jobs[0]",
        "pages.json, [1].jobs[0]",
    ]


def test_it_warns_when_pages_of_a_listing_are_missing() -> None:
    result = parse_runs([("p1.json", page(rest_job(), total_count=3))])

    assert result.warnings == [
        "Run 100: GitHub reported 3 jobs but the files hold 1; upload the other pages too "
        "(page=2, ...) or ask for per_page=100."
    ]


def test_it_counts_a_job_given_twice_once_and_says_so() -> None:
    result = parse_runs([("a.json", page(rest_job())), ("b.json", page(rest_job()))])

    assert len(result.jobs) == 1
    assert result.warnings == [
        "1 job(s) were given twice and count once (e.g. job 1 'build' at b.json, jobs[0] "
        "repeats a.json, jobs[0])."
    ]


def test_it_skips_jobs_that_never_ran_and_says_how_many() -> None:
    jobs = [
        rest_job(id=1, name="build"),
        rest_job(id=2, name="deploy", status="in_progress", completed_at=None),
        rest_job(id=3, name="docs", conclusion="skipped"),
        rest_job(id=4, name="queued", status="queued", started_at=None, completed_at=None),
        rest_job(id=5, name="odd", started_at=None),
        rest_job(id=6, name="cancelled", completed_at="2024-05-01T10:00:00Z"),
        rest_job(id=7, name="lint", conclusion="passed"),
    ]
    result = parse_runs([("jobs.json", page(*jobs))])

    # A skipped job is kept (at 0 s, with its conclusion) so it is counted, never used.
    assert [(job.job_name, job.conclusion, job.seconds) for job in result.jobs] == [
        ("build", "success", 60.0),
        ("docs", "skipped", 0.0),
    ]
    assert result.warnings == [
        "jobs.json: skipped 5 job(s) with no measured run: 'deploy' (status in_progress), "
        "'queued' (status queued), 'odd' (no start or end time), "
        "'cancelled' (ended before it started), 'lint' (conclusion 'passed' is not one of "
        "GitHub's)."
    ]


def test_it_leaves_the_queue_wait_unknown_when_created_at_is_missing() -> None:
    job = rest_job()
    del job["created_at"]

    result = parse_runs([("jobs.json", page(job))])

    assert result.jobs[0].created_at is None
    assert result.jobs[0].started_at == at("2024-05-01T10:00:05")


def test_it_drops_a_created_at_after_the_start_with_a_warning() -> None:
    result = parse_runs([("jobs.json", page(rest_job(created_at="2024-05-01T10:00:09Z")))])

    assert result.jobs[0].created_at is None
    assert result.warnings == [
        "jobs.json, jobs[0]: 'build' was created after it started; its queue wait is left unknown."
    ]


def test_it_tolerates_old_jobs_without_labels_runner_or_attempt() -> None:
    job = {
        "id": 7,
        "run_id": 9,
        "name": "build",
        "status": "completed",
        "started_at": "2020-05-20T10:00:00Z",
        "completed_at": "2020-05-20T10:02:00Z",
    }

    result = parse_runs([("old.json", page(job))])

    assert result.jobs[0].runner_labels == []
    assert result.jobs[0].run_attempt is None
    assert result.jobs[0].conclusion is None


def test_it_refuses_a_job_whose_time_is_not_a_time_and_names_the_field() -> None:
    problems = refusal([("jobs.json", page(rest_job(), rest_job(id=2, started_at="soon")))])

    assert [(p.source, p.field) for p in problems] == [("jobs.json", "jobs[1].started_at")]
    assert problems[0].message == (
        "'started_at' should be a date and time: 'soon' is not a date and time "
        "(ISO 8601, e.g. 2024-05-01T12:30:00Z)."
    )
    assert problems[0].hint == "Upload the response exactly as GitHub or the gh CLI returned it."


def test_it_refuses_a_job_without_a_name() -> None:
    job = rest_job()
    del job["name"]

    problems = refusal([("jobs.json", page(job))])

    assert [(p.field, p.message) for p in problems] == [
        ("jobs[0].name", "'name' should be a non-empty string, not nothing.")
    ]


def test_it_refuses_an_id_that_is_not_a_whole_number() -> None:
    problems = refusal([("jobs.json", page(rest_job(id=True), rest_job(run_id=1.5)))])

    assert [(p.field, p.message) for p in problems] == [
        ("jobs[0].id", "'id' should be a whole number, not true."),
        ("jobs[1].run_id", "'run_id' should be a whole number, not the number 1.5."),
    ]


def test_it_warns_about_a_page_without_jobs() -> None:
    result = parse_runs([("jobs.json", page())])

    assert result.jobs == []
    assert result.warnings == ["jobs.json: the response lists no jobs."]


# workflow runs


def test_it_reads_a_workflow_run_object() -> None:
    result = parse_runs([fixture("dlvhdr-23697822330-run.json")])

    run = result.runs[0]
    assert run.github_run_id == 23697822330
    assert run.run_attempt == 1
    assert run.created_at == at("2026-03-29T00:37:22")
    assert (run.branch, run.event) == ("main", "schedule")
    assert (run.workflow_name, run.workflow_path) == (
        "dependabot-sync",
        ".github/workflows/dependabot-sync.yml",
    )
    assert result.jobs == []


def test_it_reads_a_2020_runs_list_without_name_path_or_attempt() -> None:
    result = parse_runs([fixture("pygithub-workflow-runs-2020.json")])

    assert [(run.github_run_id, run.run_attempt, run.workflow_name) for run in result.runs] == [
        (110932306, None, ""),
        (110932159, None, ""),
    ]
    assert result.runs[0].branch == "master"


# gh CLI


def test_it_reads_gh_run_view_jobs_without_a_created_time() -> None:
    result = parse_runs([fixture("neovim-15468370618-run-view.json")])

    job = result.jobs[0]
    assert (job.github_job_id, job.job_name, job.conclusion) == (
        43545960562,
        "lint-commits",
        "success",
    )
    assert job.github_run_id == 15468370618  # from the job's url
    assert job.created_at is None
    assert job.completed_at == at("2025-06-05T13:33:29")
    assert result.runs == []


def test_it_reads_gh_run_view_with_the_run_fields_alongside() -> None:
    document = {
        "databaseId": 555,
        "attempt": 2,
        "createdAt": "2024-05-01T10:00:00Z",
        "headBranch": "main",
        "event": "push",
        "workflowName": "Build",
        "jobs": [
            {
                "databaseId": 9,
                "name": "build",
                "status": "completed",
                "conclusion": "success",
                "startedAt": "2024-05-01T10:00:10Z",
                "completedAt": "2024-05-01T10:05:10Z",
            },
            {
                "databaseId": 10,
                "name": "deploy",
                "status": "completed",
                "conclusion": "skipped",
                "startedAt": "0001-01-01T00:00:00Z",
                "completedAt": "0001-01-01T00:00:00Z",
            },
        ],
    }

    result = parse_runs([("gh.json", json.dumps(document))])

    assert [(run.github_run_id, run.run_attempt, run.workflow_name) for run in result.runs] == [
        (555, 2, "Build")
    ]
    assert [
        (job.job_name, job.github_run_id, job.run_attempt, job.conclusion, job.seconds)
        for job in result.jobs
    ] == [("build", 555, 2, "success", 300.0), ("deploy", 555, 2, "skipped", 0.0)]
    assert result.warnings == []


def test_it_refuses_gh_pr_checks_without_times_and_says_what_to_upload() -> None:
    problems = refusal([fixture("neovim-34285-pr-checks.json")])

    assert len(problems) == 1
    assert problems[0].source == "neovim-34285-pr-checks.json"
    assert problems[0].message == (
        "This looks like `gh pr checks --json` output without start and end times, "
        "so it holds no durations."
    )
    assert "gh run view RUN_ID --json jobs" in problems[0].hint


def test_it_reads_gh_pr_checks_with_times() -> None:
    checks = [
        {
            "name": "unit",
            "state": "SUCCESS",
            "link": "https://github.com/o/r/actions/runs/77/job/88",
            "startedAt": "2024-05-01T10:00:00Z",
            "completedAt": "2024-05-01T10:03:00Z",
        },
        {"name": "e2e", "state": "PENDING", "link": "", "startedAt": "", "completedAt": ""},
    ]

    result = parse_runs([("checks.json", json.dumps(checks))])

    assert [(j.job_name, j.github_run_id, j.github_job_id) for j in result.jobs] == [
        ("unit", 77, 88)
    ]
    assert result.warnings == [
        "checks.json: skipped 1 job(s) with no measured run: 'e2e' (status in_progress)."
    ]


# VCR cassettes


def test_it_decodes_the_base64_pages_of_a_cassette() -> None:
    result = parse_runs([fixture("octokit-cassette-paginated.json")])

    assert [(job.job_name, job.github_run_id) for job in result.jobs] == [
        ("archive-build-artifacts", 3163227438),
        ("job1", 3163227438),
    ]
    assert all(job.created_at is None for job in result.jobs)  # the 2022 shape has none
    assert result.jobs[1].source_location == (
        "octokit-cassette-paginated.json, http_interactions[1].response.body.jobs[0]"
    )
    assert result.warnings == []  # total_count 2, both pages given


def test_it_reads_plain_string_bodies_and_skips_other_responses_of_a_cassette() -> None:
    cassette = {
        "http_interactions": [
            {"response": {"body": {"string": '{"login": "octocat"}'}}},
            {"response": {"body": {"string": page(rest_job())}}},
        ]
    }

    result = parse_runs([("cassette.json", json.dumps(cassette))])

    assert [job.job_name for job in result.jobs] == ["build"]
    assert result.warnings == [
        "cassette.json, http_interactions[0].response.body: skipped a response that holds no "
        "jobs or runs."
    ]


def test_it_refuses_a_cassette_that_records_no_jobs_or_runs() -> None:
    cassette = {"http_interactions": [{"response": {"body": {"string": "{}"}}}]}

    problems = refusal([("cassette.json", json.dumps(cassette))])

    assert [(p.field, p.message) for p in problems] == [
        ("http_interactions", "The cassette records no jobs or runs.")
    ]


def test_it_refuses_a_cassette_body_that_is_not_base64() -> None:
    body = {"base64_string": "é not base64"}
    cassette = {"http_interactions": [{"response": {"body": body}}]}

    problems = refusal([("cassette.json", json.dumps(cassette))])

    assert [(p.field, p.message) for p in problems] == [
        ("http_interactions[0].response.body", "The base64 body cannot be decoded."),
        ("http_interactions", "The cassette records no jobs or runs."),
    ]


# JSON that is not one of the shapes


def test_it_refuses_the_run_timing_response_and_points_to_the_jobs_listing() -> None:
    problems = refusal([fixture("pygithub-3881497935-timing.json")])

    assert len(problems) == 1
    assert problems[0].message.startswith("This is the run timing response")
    assert problems[0].hint.startswith("Upload the jobs of the run instead (gh api repos/")


def test_it_refuses_unknown_json_and_lists_the_accepted_shapes() -> None:
    problems = refusal([("repo.json", '{"full_name": "octo/cat"}')])

    assert [(p.source, p.field, p.message) for p in problems] == [
        ("repo.json", None, "This JSON holds none of the shapes we import.")
    ]
    assert "list jobs for a workflow run" in problems[0].hint
    assert "gh run view <run-id> --json jobs" in problems[0].hint


def test_it_refuses_an_unknown_item_of_a_list_and_names_it() -> None:
    problems = refusal([("pages.json", f"[{page(rest_job())}, 3]")])

    assert [(p.field, p.message) for p in problems] == [
        ("[1]", "This JSON holds none of the shapes we import.")
    ]


def test_it_refuses_broken_json_with_line_and_column() -> None:
    problems = refusal([("jobs.json", '{\n  "jobs": [,]\n}')])

    assert [(p.source, p.line, p.column) for p in problems] == [("jobs.json", 2, 12)]
    assert problems[0].message == "The file is not valid JSON: Expecting value."


def test_it_refuses_json_nested_too_deeply() -> None:
    problems = refusal([("deep.json", "[" * 100_000 + "]" * 100_000)])

    assert problems[0].message.startswith("The file is not JSON we can read: it is nested")


# files as a whole


def test_it_reports_the_problems_of_every_file_together() -> None:
    problems = refusal([("a.json", "{"), ("b.csv", "job\n"), ("c.json", page(rest_job()))])

    assert [p.source for p in problems] == ["a.json", "b.csv"]


def test_it_refuses_a_file_over_the_size_limit() -> None:
    problems = refusal([("huge.csv", b" " * (MAX_FILE_BYTES + 1))])

    assert [(p.source, p.message) for p in problems] == [
        ("huge.csv", "The file is 20.0 MB; the limit is 20 MB.")
    ]


def test_it_refuses_an_empty_file() -> None:
    problems = refusal([("empty.csv", b"\n  \n")])

    assert [(p.source, p.message) for p in problems] == [("empty.csv", "The file is empty.")]


def test_it_refuses_bytes_that_are_not_utf8() -> None:
    problems = refusal([("latin1.csv", "job,started_at\ncafé,x\n".encode("latin-1"))])

    assert [(p.source, p.message) for p in problems] == [
        ("latin1.csv", "The file is not UTF-8 text (byte 19 cannot be read).")
    ]


def test_it_reads_utf16_json_as_powershell_writes_it() -> None:
    content = codecs.BOM_UTF16_LE + page(rest_job()).encode("utf-16-le")

    assert [job.job_name for job in parse_runs([("jobs.json", content)]).jobs] == ["build"]


# CSV


def test_it_reads_the_seed_csv_of_durations() -> None:
    result = parse_runs([fixture("job-runs.csv")])

    assert [(j.github_run_id, j.job_name, j.duration_s) for j in result.jobs[:2]] == [
        (21375030400, "build-test-image-api", 524.0),
        (21375030400, "build-production-api", 488.0),
    ]
    assert result.jobs[0].source_location == "job-runs.csv, row 2"
    assert result.jobs[0].started_at is None


def test_it_reads_a_timed_csv_with_a_bom_and_loose_column_names() -> None:
    content = (
        "\ufeff Job ,STARTED_AT, completed_at,created_at,runner_labels,run_id\n"
        "build,2024-05-01T10:00:05Z,2024-05-01 10:01:05,2024-05-01T12:00:00+02:00,"
        "self-hosted medium,42\n"
        "lint,2024-05-01T10:00:05Z,2024-05-01T10:00:35Z,,,\n"
    ).encode()

    result = parse_runs([("runs.csv", content)])

    build, lint = result.jobs
    assert build.job_name == "build"
    assert build.created_at == at("2024-05-01T10:00:00")
    assert build.completed_at == at("2024-05-01T10:01:05")  # no offset: UTC
    assert build.runner_labels == ["self-hosted", "medium"]
    assert build.github_run_id == 42
    assert (lint.created_at, lint.github_run_id, lint.runner_labels) == (None, None, [])
    assert lint.source_location == "runs.csv, row 3"


def test_it_refuses_a_negative_duration_and_names_the_row() -> None:
    problems = refusal([("runs.csv", "run_id,job,duration_s\n1,build,10\n1,lint,-5\n")])

    assert [(p.source, p.row, p.field, p.message) for p in problems] == [
        ("runs.csv", 3, "duration_s", "The duration -5 s is negative.")
    ]


def test_it_refuses_a_duration_that_is_not_a_plain_number() -> None:
    problems = refusal([("runs.csv", "run_id,job,duration_s\n1,a,nan\n1,b,1_000\n1,c,\n")])

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "duration_s", "The duration is not usable: 'nan' is not a number."),
        (3, "duration_s", "The duration is not usable: '1_000' is not a number."),
        (4, "duration_s", "The duration is not usable: '' is not a number."),
    ]


def test_it_refuses_a_completion_before_the_start_and_names_the_row() -> None:
    content = "job,started_at,completed_at\nbuild,2024-05-01T10:05:00Z,2024-05-01T10:00:00Z\n"

    problems = refusal([("runs.csv", content)])

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "completed_at", "The job completed before it started.")
    ]


def test_it_refuses_an_unparsable_time_and_a_missing_job_name_on_every_row() -> None:
    content = (
        "job,started_at,completed_at\n"
        "build,yesterday,2024-05-01T10:00:00Z\n"
        "\n"
        ",2024-05-01T10:00:00Z,2024-05-01T10:01:00Z\n"
        "lint,2024-05-01,\n"
    )

    problems = refusal([("runs.csv", content)])

    assert [(p.row, p.field, p.message) for p in problems] == [
        (
            2,
            "started_at",
            "The time is not usable: 'yesterday' is not a date and time "
            "(ISO 8601, e.g. 2024-05-01T12:30:00Z).",
        ),
        (4, "job", "The job name is missing."),  # row 3 is blank and still counted
        (
            5,
            "started_at",
            "The time is not usable: '2024-05-01' is not a date and time "
            "(ISO 8601, e.g. 2024-05-01T12:30:00Z).",
        ),
        (5, "completed_at", "The time is missing."),
    ]


def test_it_refuses_a_created_at_after_the_start() -> None:
    content = (
        "job,created_at,started_at,completed_at\n"
        "build,2024-05-01T10:01:00Z,2024-05-01T10:00:00Z,2024-05-01T10:05:00Z\n"
    )

    problems = refusal([("runs.csv", content)])

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "created_at", "The job was created after it started.")
    ]


def test_it_refuses_a_header_without_the_needed_columns_and_names_them() -> None:
    problems = refusal([("runs.csv", "job,started_at\nbuild,2024-05-01T10:00:00Z\n")])

    assert [(p.row, p.message) for p in problems] == [
        (1, "The header lacks the column 'completed_at'.")
    ]
    assert problems[0].hint.startswith("The first row must be either 'run_id,job,duration_s'")


def test_it_refuses_a_header_with_both_durations_and_times() -> None:
    problems = refusal([("runs.csv", "run_id,job,duration_s,started_at\n")])

    assert [(p.row, p.message) for p in problems] == [
        (1, "The header has both 'duration_s' and start/end times.")
    ]


def test_it_refuses_a_row_with_a_missing_cell() -> None:
    problems = refusal([("runs.csv", "run_id,job,duration_s\n1,build\n")])

    assert [(p.row, p.message) for p in problems] == [
        (2, "The row has 2 cells but the header has 3.")
    ]


def test_it_stops_after_twenty_problems() -> None:
    content = "run_id,job,duration_s\n" + "1,build,-1\n" * 50

    problems = refusal([("runs.csv", content)])

    assert len(problems) == 21
    assert problems[19].row == 21
    assert problems[20].message == "Stopped after 20 problems."


def test_it_warns_about_ignored_columns_and_a_csv_without_rows() -> None:
    result = parse_runs([("runs.csv", "run_id,job,duration_s,notes\n")])

    assert result.warnings == [
        "runs.csv: ignored the column(s) 'notes'.",
        "runs.csv: the file has a header but no job runs.",
    ]


# nothing but ImportRefused, whatever the input

_KEYS = st.sampled_from(
    [
        "jobs",
        "workflow_runs",
        "http_interactions",
        "response",
        "body",
        "string",
        "base64_string",
        "id",
        "run_id",
        "databaseId",
        "name",
        "status",
        "started_at",
        "completed_at",
        "created_at",
        "startedAt",
        "completedAt",
        "labels",
        "total_count",
        "url",
        "link",
        "state",
        "event",
        "attempt",
    ]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["2024-05-01T10:00:00Z", "0001-01-01T00:00:00Z", "completed", "skipped"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_KEYS | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=25,
)


def _only_refusals(files: list[tuple[str, str | bytes]]) -> None:
    try:
        parse_runs(files)
    except ImportRefused as refused:
        assert refused.problems


@settings(max_examples=300)
@given(st.text(), st.sampled_from(["runs.csv", "runs.json", "runs"]))
def test_it_only_ever_refuses_random_text(text: str, name: str) -> None:
    _only_refusals([(name, text)])


@settings(max_examples=300)
@given(st.binary())
def test_it_only_ever_refuses_random_bytes(content: bytes) -> None:
    _only_refusals([("upload", content)])


@settings(max_examples=500)
@given(_JSON)
def test_it_only_ever_refuses_json_of_the_wrong_shape(document: Any) -> None:
    _only_refusals([("doc.json", json.dumps(document))])


@settings(max_examples=300)
@given(
    st.lists(
        st.lists(st.text(max_size=25) | st.sampled_from(["2024-05-01T10:00:00Z", "-1", "3"])),
        max_size=5,
    ),
    st.sampled_from(
        ["run_id,job,duration_s", "job,started_at,completed_at,created_at,runner_labels,run_id"]
    ),
)
def test_it_only_ever_refuses_csv_rows_of_random_cells(rows: list[list[str]], header: str) -> None:
    body = "\n".join(",".join(json.dumps(cell) for cell in row) for row in rows)
    _only_refusals([("runs.csv", f"{header}\n{body}")])
