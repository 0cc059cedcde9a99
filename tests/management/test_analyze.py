"""Golden figures through `analyze --json` and `simulate` on the seed files in fixtures/."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decider.engine.queueing import erlang_c_wait_percentile
from tests.conftest import FIXTURES

SEED = [
    "--workflow",
    str(FIXTURES / "mural-api-build.yml"),
    "--runs",
    str(FIXTURES / "job-runs.csv"),
]
POOLS = ["--pools", str(FIXTURES / "runner-pools.csv")]
PROD_IMAGES = [
    arg
    for job in (
        "build-production-api",
        "build-production-worker",
        "build-production-migrations",
        "build-production-eight-ball",
    )
    for arg in ("--milestone", job)
]


def analyze(*args: str) -> dict:
    out = StringIO()
    call_command("analyze", *SEED, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_seed_story_current_vs_parallel() -> None:
    result = analyze("--preset", "parallel", *PROD_IMAGES)
    current, proposed = result["current"], result["proposed"]
    assert current["wall_clock_s"] == 1012
    assert proposed["wall_clock_s"] == 524
    assert current["milestone_wall_clock_s"] == 1012
    assert proposed["milestone_wall_clock_s"] == 488
    assert current["compute_s"] == proposed["compute_s"] == 2057
    assert current["peak_runners"]["total"] == 5
    assert proposed["peak_runners"]["total"] == 8
    keys = {job["id"]: job["key"] for job in result["jobs"]}
    assert [keys[i] for i in current["critical_path"]] == [
        "build-test-image-api",
        "build-production-api",
        "publish-api",
    ]


def test_jobs_carry_the_contracted_fields_and_unmeasured_jobs_are_null() -> None:
    result = analyze()
    jobs = {job["key"]: job for job in result["jobs"]}
    assert len(jobs) == 11
    api = jobs["build-production-api"]
    assert api["duration_s"] == 488
    assert api["runs_on"] == ["self-hosted", "linux", "medium"]
    assert api["needs"] == [jobs["build-test-image-api"]["id"]]
    for unmeasured in ("lint-and-unit-api", "test-api-integration", "publish-api"):
        assert jobs[unmeasured]["duration_s"] is None
    assert any("Unmeasured" in warning for warning in result["warnings"])


def test_peak_runners_are_keyed_by_pool_name_with_a_pools_file() -> None:
    result = analyze(*POOLS, "--preset", "parallel")
    assert result["current"]["peak_runners"]["small"] == 4
    assert result["proposed"]["peak_runners"]["small"] == 4
    assert result["proposed"]["peak_runners"]["medium"] == 4


def test_without_pools_unserved_jobs_are_grouped_by_their_labels() -> None:
    peaks = analyze("--preset", "parallel")["proposed"]["peak_runners"]
    assert peaks["self-hosted,linux,small"] == 4
    assert peaks["self-hosted,linux,medium"] == 4


@pytest.mark.parametrize(
    ("medium", "current_s", "proposed_s"), [("2", 1012, 546), ("1", 1148, 1057)]
)
def test_constrained_golden_figures(medium: str, current_s: float, proposed_s: float) -> None:
    for pools in (POOLS, []):  # a pools file, or pools defined by --runners LABEL=N
        result = analyze(
            *pools, "--preset", "parallel", "--runners", "small=4", "--runners", f"medium={medium}"
        )
        assert result["current"]["constrained"]["wall_clock_s"] == current_s
        assert result["proposed"]["constrained"]["wall_clock_s"] == proposed_s


def test_constrained_results_give_each_jobs_queue_wait() -> None:
    result = analyze(
        "--remove-needs",
        "build-production-api:build-test-image-api",
        "--runners",
        "small=4",
        "--runners",
        "medium=1",
    )
    waits = {job["id"]: job["queue_wait_s"] for job in result["proposed"]["constrained"]["jobs"]}
    assert len(waits) == 11
    assert max(waits.values()) > 0


@pytest.mark.parametrize(
    ("statistic", "current_s", "proposed_s"),
    [("median", 968, 488), ("mean", 973, 488.33)],
)
def test_statistics_golden_figures(statistic: str, current_s: float, proposed_s: float) -> None:
    result = analyze("--preset", "parallel", "--statistic", statistic)
    assert result["current"]["wall_clock_s"] == pytest.approx(current_s, abs=0.005)
    assert result["proposed"]["wall_clock_s"] == pytest.approx(proposed_s, abs=0.005)


def test_removing_needs_by_hand_equals_the_proposal() -> None:
    result = analyze(
        "--remove-needs",
        "build-production-api:build-test-image-api",
        "--remove-needs",
        "build-production-worker:build-test-image-worker",
        "--remove-needs",
        "build-production-migrations:build-test-image-migrations",
    )
    assert result["proposed"]["wall_clock_s"] == 524
    lost = result["safety"]
    assert lost["safe"] is False


def test_the_text_report_reads_as_a_report() -> None:
    out = StringIO()
    call_command("analyze", *SEED, "--preset", "parallel", stdout=out)
    assert "1012 s" in out.getvalue()
    assert "524 s" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--remove-needs", "ghost:build-test-image-api"], "no job 'ghost'"),
        (["--remove-needs", "nocolon"], "JOB:NEED"),
        (["--add-needs", "build-test-image-api:publish-api"], "cycle"),
        (["--runners", "huge=3"], "unknown pools huge"),
        (["--runners", "small=many"], "not a int"),
    ],
)
def test_bad_options_are_refused_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        analyze(*POOLS, *args)


def test_simulate_matches_erlang_c_for_background_load_alone() -> None:
    out = StringIO()
    call_command(
        "simulate",
        "--runners",
        "small=3",
        "--utilization",
        "small=0.8",
        "--mean-job-s",
        "small=60",
        "--jobs",
        "400000",
        "--seed",
        "7",
        "--json",
        stdout=out,
    )
    (pool,) = json.loads(out.getvalue())["pools"]
    assert pool["mean_wait_s"] == pytest.approx(64.719, rel=0.05)


def test_simulate_with_a_workflow_gives_pipeline_percentiles() -> None:
    out = StringIO()
    call_command(
        "simulate",
        *SEED,
        *POOLS,
        "--pipelines-per-hour",
        "1",
        "--jobs",
        "300",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    figures = result["pipeline_wall_clock_s"]
    assert 1012 <= figures["p50"] <= figures["p90"] <= figures["p99"]
    # cpu-optimized only runs the unmeasured integration tests (0 s): they hold no runner.
    assert {pool["name"] for pool in result["pools"]} == {"small", "medium"}


def test_failed_runs_are_left_out_unless_included(tmp_path) -> None:
    failed = tmp_path / "failed.csv"
    failed.write_text("run_id,job,duration_s,conclusion\n99,publish-api,75,failure\n")

    def publish(*args: str) -> dict:
        out = StringIO()
        call_command(
            "analyze",
            "--workflow",
            str(FIXTURES / "mural-api-build.yml"),
            "--runs",
            str(FIXTURES / "job-runs.csv"),
            "--runs",
            str(failed),
            *args,
            "--json",
            stdout=out,
        )
        result = json.loads(out.getvalue())
        return next(job for job in result["jobs"] if job["key"] == "publish-api")

    left_out = publish()
    assert (left_out["duration_s"], left_out["runs"]) == (
        None,
        {"used": 0, "left_out": {"failure": 1}},
    )
    included = publish("--include-failed-runs")
    assert (included["duration_s"], included["runs"]) == (75, {"used": 1, "left_out": {}})


def test_simulate_uses_the_engines_default_run_length_when_not_told() -> None:
    """Without --jobs, background load alone runs as long as the engine's default, whose p90 wait
    is within 5% of Erlang C at 95% utilization (tests/engine/test_simulation.py)."""
    out = StringIO()
    call_command(
        "simulate",
        *("--runners", "medium=3", "--utilization", "medium=0.95"),
        *("--mean-job-s", "medium=350", "--seed", "1", "--json"),
        stdout=out,
    )
    (pool,) = json.loads(out.getvalue())["pools"]
    rate = 0.95 * 3 / 350
    assert pool["p90_wait_s"] == pytest.approx(
        erlang_c_wait_percentile(3, rate, 1 / 350, 0.90), rel=0.05
    )


def test_a_trigger_decides_the_if_of_each_job(tmp_path) -> None:
    workflow = tmp_path / "release.yml"
    workflow.write_text(
        "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "  publish:\n    needs: test\n    if: github.event_name == 'push'\n"
        "    runs-on: ubuntu-latest\n"
    )
    out = StringIO()

    call_command(
        "analyze", "--workflow", str(workflow), "--trigger", "pull_request", "--json", stdout=out
    )

    result = json.loads(out.getvalue())
    assert result["trigger"] == "pull_request"
    assert [job["key"] for job in result["jobs"] if job["skipped"]] == ["publish"]
    assert result["unmeasured"] == [0]
