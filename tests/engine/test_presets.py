import pytest

from decider.engine.inputs import Scenario
from decider.engine.presets import PRESETS, apply_preset
from tests.engine.seed import job_id, seed_workflow


def test_every_preset_carries_effort_impact_and_risk() -> None:
    assert set(PRESETS) == {"parallel", "hybrid", "cache_sharing", "cache_persistence"}
    assert all(p.effort and p.impact and p.risk for p in PRESETS.values())


def test_parallel_drops_each_production_builds_need_on_its_test_build() -> None:
    scenario = apply_preset(seed_workflow(), Scenario(), "parallel")
    assert {(e.job, e.need) for e in scenario.remove_needs} == {
        (job_id("build-production-api"), job_id("build-test-image-api")),
        (job_id("build-production-worker"), job_id("build-test-image-worker")),
        (job_id("build-production-migrations"), job_id("build-test-image-migrations")),
    }
    assert [p.name for p in scenario.presets] == ["parallel"]


def test_hybrid_keeps_the_pairs_it_is_told_to_keep() -> None:
    keep = [job_id("build-production-api")]
    scenario = apply_preset(seed_workflow(), Scenario(), "hybrid", keep_sequential=keep)
    removed = {e.job for e in scenario.remove_needs}
    assert job_id("build-production-api") not in removed
    assert job_id("build-production-worker") in removed
    # publish-api still waits for the API test image through build-production-api.
    assert scenario.add_needs == []


def test_hybrid_parallelizes_everything_when_no_build_reuses_its_test_build() -> None:
    hybrid = apply_preset(seed_workflow(), Scenario(), "hybrid")
    parallel = apply_preset(seed_workflow(), Scenario(), "parallel")
    assert hybrid.remove_needs == parallel.remove_needs


def test_cache_sharing_and_persistence_stack_as_overrides() -> None:
    scenario = apply_preset(seed_workflow(), Scenario(), "cache_sharing", percent=-20)
    scenario = apply_preset(seed_workflow(), scenario, "cache_persistence", saved_s=60)
    api = job_id("build-production-api")
    assert [o.percent_change for o in scenario.overrides if o.job == api] == [-20, None]
    assert [o.delta_s for o in scenario.overrides if o.job == api] == [None, -60]


def test_cache_persistence_stays_within_the_seeds_one_to_two_minutes() -> None:
    with pytest.raises(ValueError, match="1-2 minutes"):
        apply_preset(seed_workflow(), Scenario(), "cache_persistence", saved_s=300)
