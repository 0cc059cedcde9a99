"""Which runs a duration uses (DESIGN.md semantics 12): successful ones, failed and cancelled
ones only when included, skipped ones never; every run counted per job."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from decider.engine.analysis import analyze
from decider.engine.durations import current_durations
from decider.engine.evidence import cache_evidence
from decider.engine.inputs import Job, Pool, Sample, Scenario, Workflow
from decider.engine.pool_simulation import background_job_lengths
from decider.engine.pools import placements
from decider.engine.runs import RunCounts, counted_samples, run_counts
from decider.engine.vocabulary import Conclusion
from tests.engine.seed import seed_pools, seed_workflow


def run(
    seconds: float, conclusion: Conclusion | None = "success", run_id: int | None = None
) -> Sample:
    day = 1 + (run_id or 0)
    return Sample(
        duration_s=seconds,
        conclusion=conclusion,
        run_id=run_id,
        created_at=datetime(2026, 3, day, tzinfo=UTC),
    )


# One of each: 3 successful runs (the latest, run 5, 400 s), and 4 that are not.
BUILD_RUNS = [
    run(300, "success", 1),
    run(500, "success", 2),
    run(60, "failure", 3),
    run(2, "cancelled", 4),
    run(400, "success", 5),
    run(3600, "timed_out", 6),
    run(0, "skipped", 7),
]


def workflow(*jobs: list[Sample]) -> Workflow:
    return Workflow(
        jobs=[
            Job(id=index, key=f"job{index}", runs_on=["self-hosted", "x"], samples=samples)
            for index, samples in enumerate(jobs)
        ]
    )


def test_durations_use_successful_runs_only() -> None:
    durations = current_durations(workflow(BUILD_RUNS), Scenario(statistic="max"))
    assert durations.seconds[0] == 500
    assert durations.runs[0] == RunCounts(
        used=3, left_out={"failure": 1, "cancelled": 1, "timed_out": 1, "skipped": 1}
    )


@pytest.mark.parametrize(
    ("statistic", "alone", "included"),
    [
        ("latest", 400, 3600),  # run 6, timed out, is the latest once included
        ("median", 400, 350),
        ("mean", 400, (300 + 500 + 60 + 2 + 400 + 3600) / 6),
        ("max", 500, 3600),
    ],
)
def test_including_failed_runs_adds_failed_cancelled_and_timed_out_but_never_skipped(
    statistic: str, alone: float, included: float
) -> None:
    jobs = workflow(BUILD_RUNS)
    assert current_durations(jobs, Scenario(statistic=statistic)).seconds[0] == alone
    with_failed = current_durations(jobs, Scenario(statistic=statistic, include_failed_runs=True))
    assert with_failed.seconds[0] == pytest.approx(included)
    assert with_failed.runs[0] == RunCounts(used=6, left_out={"skipped": 1})


def test_neutral_runs_and_runs_without_a_conclusion_are_used() -> None:
    samples = [run(100, "neutral"), run(200, None), run(999, "startup_failure")]
    assert [sample.duration_s for sample in counted_samples(samples, False)] == [100, 200]
    assert counted_samples(samples, True) == counted_samples(samples, False)


def test_runs_that_did_no_work_never_count() -> None:
    samples = [run(0, word) for word in ("skipped", "startup_failure", "action_required", "stale")]
    assert counted_samples(samples, include_failed_runs=True) == []


def test_the_counts_read_as_one_sentence() -> None:
    assert run_counts(BUILD_RUNS, False).text == (
        "3 runs used, 1 failed, 1 cancelled, 1 timed out and 1 skipped left out"
    )
    twelve_used = [run(1)] * 12 + [run(1, "failure")] * 3 + [run(1, "cancelled")]
    assert run_counts(twelve_used, False).text == "12 runs used, 3 failed and 1 cancelled left out"
    assert run_counts([run(1)], False).text == "1 run used"
    assert run_counts([run(1), run(1, "skipped")], False).text == "1 run used, 1 skipped left out"


@pytest.mark.parametrize(
    ("samples", "reason"),
    [
        ([], "no runs imported"),
        ([run(1, "failure")] * 2 + [run(1, "cancelled")], "3 runs, all failed or cancelled"),
        ([run(1, "cancelled")], "1 run, cancelled"),
        ([run(0, "skipped")] * 4, "4 runs, all skipped"),
    ],
)
def test_a_job_without_a_used_run_is_unmeasured_with_the_reason(
    samples: list[Sample], reason: str
) -> None:
    counts = run_counts(samples, include_failed_runs=False)
    assert (counts.used, counts.unmeasured_reason, counts.text) == (0, reason, reason)


def test_a_job_whose_runs_all_failed_is_unmeasured_and_the_analysis_says_why() -> None:
    failed = [run(60, "failure", 1), run(70, "cancelled", 2), run(80, "failure", 3)]
    analysis = analyze(workflow([run(100)], failed, []), [], Scenario(), simulator=None)

    assert analysis.unmeasured == [1, 2]
    assert [job.duration_s for job in analysis.jobs] == [100, None, None]
    assert analysis.jobs[1].runs == RunCounts(used=0, left_out={"failure": 2, "cancelled": 1})
    assert (
        "Unmeasured, counted as 0 s until estimated: job1 (3 runs, all failed or cancelled), "
        "job2 (no runs imported)."
    ) in analysis.warnings

    included = analyze(
        workflow([run(100)], failed, []),
        [],
        Scenario(statistic="max", include_failed_runs=True),
        simulator=None,
    )
    assert included.unmeasured == [2]
    assert included.jobs[1].duration_s == 80
    assert included.jobs[1].runs.text == "3 runs used"


def test_background_job_lengths_use_the_runs_that_count() -> None:
    jobs = workflow([run(100), run(900, "cancelled")])
    pools = [Pool(name="x", labels=["self-hosted", "x"], runners=2)]
    placed = placements(jobs, pools)
    assert background_job_lengths(jobs, pools, placed, False)[0] == {"x": 100}
    assert background_job_lengths(jobs, pools, placed, True)[0] == {"x": 500}


def test_cache_evidence_pairs_only_runs_that_count() -> None:
    graph = Workflow(
        jobs=[
            Job(id=0, key="build-test-image-api", samples=[run(100, run_id=1), run(100, run_id=2)]),
            Job(
                id=1,
                key="build-production-api",
                samples=[run(100, run_id=1), run(10, "cancelled", run_id=2)],
            ),
        ]
    )
    (pair,) = cache_evidence(graph, Scenario()).pairs
    assert (pair.runs, pair.ratio) == (1, 1.0)
    (included,) = cache_evidence(graph, Scenario(include_failed_runs=True)).pairs
    assert (included.runs, included.ratio) == (2, pytest.approx(110 / 200))


def test_the_seed_runs_all_succeeded_and_its_figures_do_not_move_either_way() -> None:
    seed = seed_workflow()
    for include in (False, True):
        analysis = analyze(
            seed, seed_pools(), Scenario(include_failed_runs=include), simulator=None
        )
        assert analysis.current.wall_clock_s == 1012
        assert analysis.jobs[0].runs.text == "3 runs used"
