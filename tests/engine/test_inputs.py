import pytest
from pydantic import ValidationError

from decider.engine.analysis import analyze
from decider.engine.inputs import (
    Edge,
    Job,
    Pool,
    Sample,
    Scenario,
    Workflow,
    build_pools,
    build_workflow,
)
from decider.importers.records import JobRecord, PoolRecord
from tests.engine.seed import job_id, seed_workflow


def _validated(data: dict) -> Scenario:
    return Scenario.model_validate(data, context={"workflow": seed_workflow()})


def test_a_scenario_round_trips_through_json() -> None:
    scenario = _validated(
        {
            "statistic": "median",
            "remove_needs": [{"job": 6, "need": 0}],
            "overrides": [{"job": 7, "percent_change": -30}],
            "runners": {"medium": 5},
        }
    )
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario


def test_it_names_the_jobs_of_an_edited_cycle() -> None:
    with pytest.raises(ValidationError, match="cycle: build-test-image-api -> publish-api"):
        _validated({"add_needs": [{"job": job_id("build-test-image-api"), "need": 10}]})


def test_it_rejects_edges_to_unknown_jobs() -> None:
    with pytest.raises(ValidationError, match="no job"):
        _validated({"add_needs": [{"job": 10, "need": 99}]})


def test_it_rejects_removing_a_need_that_is_not_there() -> None:
    with pytest.raises(ValidationError, match="does not need"):
        _validated({"remove_needs": [{"job": 0, "need": 6}]})


def test_it_rejects_negative_runners_and_bad_utilization() -> None:
    with pytest.raises(ValidationError):
        Scenario(runners={"medium": -1})
    with pytest.raises(ValidationError):
        Pool(name="p", labels=["p"], runners=1, baseline_utilization=1.5)


def test_an_override_gives_exactly_one_change() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        Scenario.model_validate({"overrides": [{"job": 1, "seconds": 5, "delta_s": -1}]})


def test_runner_counts_must_name_known_pools() -> None:
    pools = [Pool(name="medium", labels=["medium"], runners=1)]
    with pytest.raises(ValidationError, match="unknown pools: large"):
        Scenario.model_validate({"runners": {"large": 2}}, context={"pools": pools})


def test_a_workflow_with_a_cycle_is_refused() -> None:
    with pytest.raises(ValidationError, match="cycle: a -> b -> a"):
        Workflow.model_validate(
            {"jobs": [{"id": 0, "key": "a", "needs": [1]}, {"id": 1, "key": "b", "needs": [0]}]}
        )


def test_it_builds_a_workflow_from_importer_records_by_declaration_order() -> None:
    records = [
        JobRecord(key="test", yaml_id="test", name="Test", needs=["build"], kind="check", order=1),
        JobRecord(key="build", yaml_id="build", name="Build", runs_on=["small"], order=0),
    ]
    samples = {"build": [Sample(duration_s=60.0, run_id=1), Sample(duration_s=70.0, run_id=2)]}
    workflow = build_workflow("ci", records, samples)
    assert [(job.id, job.key, job.needs) for job in workflow.jobs] == [
        (0, "build", []),
        (1, "test", [0]),
    ]
    assert len(workflow.jobs[0].samples) == 2
    assert workflow.jobs[1].kind == "check"


def test_it_builds_pools_from_importer_records() -> None:
    record = PoolRecord(
        name="medium",
        labels=["self-hosted", "medium"],
        runners=3,
        monthly_cost_usd_per_runner=100,
        baseline_utilization=0.6,
    )
    assert build_pools([record])[0].monthly_usd_per_runner == 100


def test_edges_are_plain_json() -> None:
    assert Edge(job=1, need=0).model_dump(mode="json") == {"job": 1, "need": 0}


def test_a_scenario_may_change_a_pools_load_and_price_but_only_within_bounds() -> None:
    workflow = Workflow(
        jobs=[Job(id=0, key="build", runs_on=["medium"], samples=[Sample(duration_s=100)])]
    )
    pools = [Pool(name="medium", labels=["medium"], runners=2, monthly_usd_per_runner=100)]
    scenario = Scenario(utilization={"medium": 0.7}, usd_per_runner={"medium": 120})
    (pool,) = analyze(workflow, pools, scenario, simulator=None).pools
    assert (pool.baseline_utilization, pool.monthly_usd_per_runner) == (0.7, 120)
    with pytest.raises(ValueError, match="between 0 and 1"):
        Scenario(utilization={"medium": 1.2})
    with pytest.raises(ValueError, match="unknown pools: large"):
        Scenario.model_validate({"usd_per_runner": {"large": 1}}, context={"pools": pools})
