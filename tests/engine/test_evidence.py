from decider.engine.evidence import cache_evidence, paired_builds
from decider.engine.inputs import CachePair, Job, Sample, Scenario, Workflow
from tests.engine.seed import job_id, seed_workflow


def test_test_and_production_builds_pair_by_name() -> None:
    pairs = {(p.test, p.prod) for p in paired_builds(seed_workflow())}
    assert pairs == {
        (job_id("build-test-image-api"), job_id("build-production-api")),
        (job_id("build-test-image-worker"), job_id("build-production-worker")),
        (job_id("build-test-image-migrations"), job_id("build-production-migrations")),
    }


def _two_builds(test_s: list[float], prod_s: list[float]) -> Workflow:
    def samples(values: list[float]) -> list[Sample]:
        return [Sample(duration_s=v, run_id=i) for i, v in enumerate(values)]

    return Workflow(
        jobs=[
            Job(id=0, key="web-ci", samples=samples(test_s)),
            Job(id=1, key="web-release", samples=samples(prod_s)),
        ]
    )


def test_explicit_pairs_count_only_runs_having_both() -> None:
    workflow = _two_builds([100, 100, 100], [20, 20])
    scenario = Scenario(cache_pairs=[CachePair(test=0, prod=1)])
    (pair,) = cache_evidence(workflow, scenario).pairs
    assert (pair.runs, pair.ratio, pair.reading) == (2, 0.2, "reuses")


def test_a_middling_ratio_is_inconclusive() -> None:
    workflow = _two_builds([100], [40])
    (pair,) = cache_evidence(workflow, Scenario(cache_pairs=[CachePair(test=0, prod=1)])).pairs
    assert pair.reading == "inconclusive"
