"""Every figure of the seed analysis (seed README) and DESIGN.md's golden figures, pinned."""

import pytest

from decider.engine.analysis import Analysis, analyze
from decider.engine.inputs import Scenario
from decider.engine.presets import apply_preset
from decider.engine.vocabulary import Statistic
from tests.engine.seed import job_id, seed_pools, seed_workflow

PRODUCTION_IMAGES = [
    "build-production-api",
    "build-production-worker",
    "build-production-migrations",
    "build-production-eight-ball",
]


def _parallel_seed(statistic: Statistic = "latest", **runners: int) -> Analysis:
    workflow = seed_workflow()
    scenario = Scenario(statistic=statistic, milestone=[job_id(key) for key in PRODUCTION_IMAGES])
    scenario = apply_preset(workflow, scenario, "parallel")
    return analyze(workflow, seed_pools(**runners), scenario, simulator=None)


def test_sequential_wall_clock_is_1012_s_api_test_then_api_prod() -> None:
    analysis = _parallel_seed()
    assert analysis.current.wall_clock_s == 1012
    assert analysis.current.critical_path[:2] == [
        job_id("build-test-image-api"),
        job_id("build-production-api"),
    ]


def test_parallel_is_524_s_whole_graph_and_488_s_until_production_images() -> None:
    analysis = _parallel_seed()
    assert analysis.proposed.wall_clock_s == 524
    assert analysis.proposed.milestone_wall_clock_s == 488


def test_saving_is_488_s_whole_graph_and_524_s_for_production_images() -> None:
    savings = _parallel_seed().savings
    assert savings.wall_clock_s == 488
    assert round(savings.wall_clock_pct, 1) == 48.2
    assert savings.milestone_s == 524
    assert savings.milestone_pct is not None
    assert round(savings.milestone_pct, 1) == 51.8


def test_compute_is_2057_s_both_ways() -> None:
    analysis = _parallel_seed()
    assert analysis.current.compute_s == analysis.proposed.compute_s == 2057
    assert round(analysis.current.compute_s / 60, 1) == 34.3


def test_peak_is_8_runners_4_small_and_4_medium() -> None:
    peaks = _parallel_seed().proposed.peak_runners
    assert (peaks["total"], peaks["small"], peaks["medium"]) == (8, 4, 4)


def test_cache_ratios_are_plus_0_8_and_plus_53_1_percent() -> None:
    pairs = {pair.prod_key: pair for pair in _parallel_seed().cache_evidence.pairs}
    api, worker = pairs["build-production-api"], pairs["build-production-worker"]
    assert (api.prod_s, api.test_s, api.runs) == (1465, 1454, 3)
    assert round(api.change_pct or 0, 1) == 0.8
    assert round(worker.change_pct or 0, 1) == 53.1
    assert api.reading == worker.reading == "independent"


def test_unmeasured_jobs_are_listed_and_counted_as_zero() -> None:
    analysis = _parallel_seed()
    unmeasured = {"publish-api", "lint-and-unit-api", "test-api-integration"}
    assert {analysis.jobs[job].key for job in analysis.unmeasured} == unmeasured
    assert all(job.duration_s is None for job in analysis.jobs if job.key in unmeasured)
    assert any("Unmeasured" in warning for warning in analysis.warnings)


@pytest.mark.parametrize(("medium", "current_s", "proposed_s"), [(2, 1012, 546), (1, 1148, 1057)])
def test_small_4_and_fewer_medium_runners_match_the_design(
    medium: int, current_s: float, proposed_s: float
) -> None:
    analysis = _parallel_seed(medium=medium)
    assert analysis.current.constrained is not None
    assert analysis.proposed.constrained is not None
    assert analysis.current.constrained.wall_clock_s == current_s
    assert analysis.proposed.constrained.wall_clock_s == proposed_s


@pytest.mark.parametrize(
    ("statistic", "current_s", "proposed_s"),
    [("median", 968, 488), ("mean", 973, 488.33)],
)
def test_medians_and_means_match_the_design(
    statistic: Statistic, current_s: float, proposed_s: float
) -> None:
    analysis = _parallel_seed(statistic)
    assert analysis.current.wall_clock_s == pytest.approx(current_s)
    assert analysis.proposed.wall_clock_s == pytest.approx(proposed_s, abs=0.005)


def test_the_parallel_preset_restores_the_publish_gate_through_the_checks() -> None:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario(), "parallel")
    publish = job_id("publish-api")
    assert {(e.job, e.need) for e in scenario.add_needs} == {
        (publish, job_id("lint-and-unit-api")),
        (publish, job_id("test-api-integration")),
    }
    assert analyze(workflow, seed_pools(), scenario, simulator=None).safety.safe


def test_every_seed_claim_is_explained() -> None:
    explanations = {e.id: e for e in _parallel_seed().explanations}
    assert set(explanations) == {
        "sequential",
        "parallel",
        "saving",
        "compute",
        "peak",
        "runner_minutes",
        "cache",
    }
    assert explanations["sequential"].computed == "16 min 52 s"
    assert explanations["parallel"].computed.startswith("8 min 44 s")
    assert "8 min 8 s" in explanations["parallel"].computed
    assert explanations["saving"].computed == (
        "8 min 8 s (48.2%) for the whole graph; 8 min 44 s (51.8%) for production images ready"
    )
    assert explanations["compute"].status == "matches"
    assert explanations["peak"].computed == "at most 8 runners at once: 4 small and 4 medium"
    assert "build-production-eight-ball also starts at 0" in explanations["peak"].reason
    assert "34 min 17 s" in explanations["runner_minutes"].reason
    assert explanations["cache"].computed == "+0.8% and +53.1%"
    assert all(explanation.reason for explanation in explanations.values())


def test_the_json_contract_has_the_agreed_keys() -> None:
    dumped = _parallel_seed(medium=2).model_dump(mode="json")
    for key in ("jobs", "current", "proposed", "decision", "plan", "cache_evidence", "safety"):
        assert key in dumped
    assert "warnings" in dumped
    job = dumped["jobs"][job_id("build-production-api")]
    assert {"id", "key", "name", "runs_on", "needs", "duration_s"} <= set(job)
    assert job["needs"] == [job_id("build-test-image-api")]
    assert dumped["jobs"][job_id("publish-api")]["duration_s"] is None
    for side in ("current", "proposed"):
        graph = dumped[side]
        for key in ("wall_clock_s", "milestone_wall_clock_s", "critical_path", "compute_s"):
            assert key in graph
        assert "total" in graph["peak_runners"]
        assert graph["constrained"]["wall_clock_s"] > 0
        assert all("queue_wait_s" in timing for timing in graph["constrained"]["jobs"])
