"""match_job_runs. Job records are built by hand here: the YAML parser is tested on its own.

The PyGithub and dlvhdr cases are real: runs/pygithub-4205440316-jobs.json was produced by
PyGithub's ci.yml at 06ec040b (job `test`, name `test (Python ${{ matrix.python-version }})`,
5 versions), and runs/dlvhdr-23697822330-jobs.json by a workflow whose one job
`dependabot-sync` calls charmbracelet/meta's dependabot-sync.yml (callee job `sync`).
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from decider.importers.job_runs import parse_runs
from decider.importers.matching import match_job_runs
from decider.importers.records import JobRecord, JobRunRecord

RUNS = Path(__file__).parent / "runs"
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def job(key: str, name: str | None = None, unexpanded: bool = False) -> JobRecord:
    return JobRecord(
        key=key,
        yaml_id=key.split(" ")[0],
        name=name or key,
        flags=["reusable_unexpanded"] if unexpanded else [],
    )


def run(name: str, **fields: object) -> JobRunRecord:
    return JobRunRecord.model_validate({"job_name": name, **fields})


def timed(name: str, start_s: int, end_s: int, **fields: object) -> JobRunRecord:
    return run(
        name,
        started_at=T0 + timedelta(seconds=start_s),
        completed_at=T0 + timedelta(seconds=end_s),
        **fields,
    )


def test_it_matches_the_real_pygithub_matrix_jobs_by_display_name() -> None:
    versions = ["3.7", "3.8", "3.9", "3.10", "3.11-dev"]
    jobs = [job(f"test ({version})", f"test (Python {version})") for version in versions]
    runs = parse_runs([("jobs.json", (RUNS / "pygithub-4205440316-jobs.json").read_bytes())])

    result = match_job_runs(jobs, runs.jobs)

    assert [(key, record.job_name) for key, record in result.matched] == [
        ("test (3.7)", "test (Python 3.7)"),
        ("test (3.8)", "test (Python 3.8)"),
        ("test (3.9)", "test (Python 3.9)"),
        ("test (3.10)", "test (Python 3.10)"),
        ("test (3.11-dev)", "test (Python 3.11-dev)"),
    ]
    assert result.unmatched == []
    assert result.ambiguous == []


def test_it_matches_the_real_dlvhdr_callee_job_to_its_unexpanded_caller() -> None:
    jobs = [job("dependabot-sync", unexpanded=True)]
    runs = parse_runs([("jobs.json", (RUNS / "dlvhdr-23697822330-jobs.json").read_bytes())])

    result = match_job_runs(jobs, runs.jobs)

    assert [(key, record.job_name) for key, record in result.matched] == [
        ("dependabot-sync", "dependabot-sync / sync")
    ]


def test_it_matches_by_key_when_the_source_uses_yaml_ids() -> None:
    jobs = [job("build-api", "Build API image"), job("unit (3.12, ubuntu-24.04)")]

    result = match_job_runs(jobs, [run("build-api"), run("unit (3.12, ubuntu-24.04)")])

    assert [key for key, _ in result.matched] == ["build-api", "unit (3.12, ubuntu-24.04)"]


def test_it_matches_an_expanded_reusable_job_by_caller_and_callee() -> None:
    jobs = [
        JobRecord(key="deploy / sync", yaml_id="sync", name="Deploy / sync", caller_key="deploy")
    ]

    result = match_job_runs(jobs, [run("deploy / sync"), run("Deploy / sync")])

    assert [(key, record.job_name) for key, record in result.matched] == [
        ("deploy / sync", "deploy / sync"),
        ("deploy / sync", "Deploy / sync"),
    ]


def test_it_falls_back_to_case_and_space_insensitive_names() -> None:
    jobs = [job("build", "Build  Image"), job("deploy / sync")]

    result = match_job_runs(jobs, [run(" build image "), run("BUILD"), run("Deploy/Sync")])

    assert [key for key, _ in result.matched] == ["build", "build", "deploy / sync"]


def test_it_prefers_the_display_name_then_the_key_then_their_normalized_forms() -> None:
    jobs = [job("lint", "Test"), job("test", "Unit tests"), job("TEST", "Other")]

    result = match_job_runs(jobs, [run("Test"), run("TEST"), run("test")])

    assert [key for key, _ in result.matched] == ["lint", "TEST", "test"]


def test_it_reports_a_run_matching_two_jobs_as_ambiguous_with_the_candidates() -> None:
    jobs = [job("build-a", "build"), job("build-b", "build")]

    result = match_job_runs(jobs, [run("build")])

    assert result.matched == []
    assert [(item.record.job_name, item.candidate_keys) for item in result.ambiguous] == [
        ("build", ["build-a", "build-b"])
    ]


def test_it_keeps_runs_that_match_nothing_as_unmatched() -> None:
    result = match_job_runs([job("build")], [run("build"), run("CodeQL"), run("deploy / sync")])

    assert [record.job_name for record in result.unmatched] == ["CodeQL", "deploy / sync"]


def test_it_does_not_take_a_prefix_for_a_job_that_is_not_an_unexpanded_call() -> None:
    result = match_job_runs([job("deploy")], [run("deploy / sync")])

    assert [record.job_name for record in result.unmatched] == ["deploy / sync"]


def test_it_collapses_the_callee_jobs_of_one_run_into_one_span() -> None:
    jobs = [job("lint"), job("deploy", "Deploy", unexpanded=True)]
    runs = [
        timed("lint", 0, 30, github_run_id=1, run_attempt=1),
        timed(
            "Deploy / build",
            10,
            100,
            github_run_id=1,
            run_attempt=1,
            github_job_id=12,
            created_at=T0 + timedelta(seconds=8),
            conclusion="success",
            runner_labels=["medium"],
            source_location="jobs.json, jobs[1]",
        ),
        timed(
            "Deploy / push",
            110,
            150,
            github_run_id=1,
            run_attempt=1,
            github_job_id=11,
            created_at=T0 + timedelta(seconds=100),
            conclusion="failure",
            runner_labels=["small"],
            source_location="jobs.json, jobs[2]",
        ),
        timed("deploy / build", 500, 560, github_run_id=2, run_attempt=1),
    ]

    result = match_job_runs(jobs, runs)

    assert [(key, record.job_name) for key, record in result.matched] == [
        ("lint", "lint"),
        ("deploy", "Deploy / build, Deploy / push"),
        ("deploy", "deploy / build"),
    ]
    span = result.matched[1][1]
    assert (span.started_at, span.completed_at) == (
        T0 + timedelta(seconds=10),
        T0 + timedelta(seconds=150),
    )
    assert span.created_at == T0 + timedelta(seconds=8)
    assert span.github_job_id == 11
    assert span.conclusion == "failure"
    assert span.runner_labels == ["medium", "small"]
    assert span.source_location == "jobs.json, jobs[1]; jobs.json, jobs[2]"


def test_it_keeps_callee_runs_of_separate_attempts_apart() -> None:
    jobs = [job("deploy", unexpanded=True)]
    runs = [
        timed("deploy / a", 0, 10, github_run_id=1, run_attempt=1),
        timed("deploy / a", 20, 30, github_run_id=1, run_attempt=2),
    ]

    assert len(match_job_runs(jobs, runs).matched) == 2


def test_it_sums_callee_durations_without_times_and_warns() -> None:
    jobs = [job("deploy", unexpanded=True)]
    runs = [
        run("deploy / a", github_run_id=7, duration_s=30),
        run("deploy / b", github_run_id=7, duration_s=45),
    ]

    result = match_job_runs(jobs, runs)

    assert [record.duration_s for _, record in result.matched] == [75]
    assert result.warnings == [
        "Run 7: deploy / a, deploy / b have no start and end times, so the call's duration is "
        "their sum (as if they ran one after another)."
    ]


def test_it_does_not_collapse_callee_runs_without_a_run_id() -> None:
    jobs = [job("deploy", unexpanded=True)]

    result = match_job_runs(jobs, [timed("deploy / a", 0, 10), timed("deploy / b", 20, 30)])

    assert [record.job_name for _, record in result.matched] == ["deploy / a", "deploy / b"]


def expression_job(key: str, name: str) -> JobRecord:
    return JobRecord(key=key, yaml_id=key.split(" ")[0], name=name, flags=["matrix_expression"])


GO = "${{ needs.meta.outputs.go-version }}"


def test_it_matches_evaluated_names_to_jobs_whose_names_hold_run_time_values() -> None:
    jobs = [
        expression_job(f"build (linux, {arch}, {GO})", f"Go {GO} linux {arch} build")
        for arch in ("arm", "arm64")
    ]

    result = match_job_runs(
        jobs,
        [run("Go 1.22.3 linux arm64 build"), run("go 1.22.3  LINUX arm build"), run("Go x")],
    )

    assert [(key, record.job_name) for key, record in result.matched] == [
        (f"build (linux, arm64, {GO})", "Go 1.22.3 linux arm64 build"),
        (f"build (linux, arm, {GO})", "go 1.22.3  LINUX arm build"),
    ]
    assert [record.job_name for record in result.unmatched] == ["Go x"]


def test_it_matches_githubs_default_instance_names_by_the_key_pattern() -> None:
    jobs = [expression_job(f"build ({GO}, {os})", f"build ({GO}, {os})") for os in ("a", "b")]

    result = match_job_runs(jobs, [run("build (1.22, b)")])

    assert [key for key, _ in result.matched] == [f"build ({GO}, b)"]


def test_a_run_two_patterns_match_is_ambiguous_not_guessed() -> None:
    jobs = [
        expression_job("a", "Go ${{ x }} build"),
        expression_job("b", "Go ${{ y }}"),
    ]

    result = match_job_runs(jobs, [run("Go 1 build")])

    assert result.matched == []
    assert result.ambiguous[0].candidate_keys == ["a", "b"]


def test_an_exact_name_wins_over_a_pattern_and_a_bare_expression_is_no_pattern() -> None:
    jobs = [
        expression_job("pattern", "Go ${{ x }} build"),
        job("exact", "Go 1 build"),
        expression_job("anything", "${{ matrix.name }} (${{ matrix.os }})"),
    ]

    result = match_job_runs(jobs, [run("Go 1 build"), run("lint (ubuntu)")])

    assert [key for key, _ in result.matched] == ["exact"]
    assert [record.job_name for record in result.unmatched] == ["lint (ubuntu)"]
