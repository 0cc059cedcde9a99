from decider.engine.inputs import Job, Workflow, current_needs
from decider.engine.safety import gate_safety
from tests.engine.seed import job_id, seed_workflow


def test_dropping_the_api_prod_need_loses_the_test_image_before_publish() -> None:
    workflow = seed_workflow()
    proposed = current_needs(workflow)
    proposed[job_id("build-production-api")] = []
    safety = gate_safety(workflow, current_needs(workflow), proposed)
    assert not safety.safe
    assert [(lost.before_key, lost.gate_key) for lost in safety.lost] == [
        ("build-test-image-api", "publish-api")
    ]
    assert [(edge.job, edge.need) for edge in safety.restoring_needs] == [
        (job_id("publish-api"), job_id("lint-and-unit-api")),
        (job_id("publish-api"), job_id("test-api-integration")),
    ]
    assert "lint-and-unit-api, test-api-integration" in safety.text[0]


def test_without_a_consuming_check_the_gate_needs_the_lost_job_itself() -> None:
    workflow = Workflow(
        jobs=[
            Job(id=0, key="build"),
            Job(id=1, key="package", needs=[0]),
            Job(id=2, key="deploy", needs=[1], kind="gate"),
        ]
    )
    safety = gate_safety(workflow, current_needs(workflow), {0: [], 1: [], 2: [1]})
    assert [(edge.job, edge.need) for edge in safety.restoring_needs] == [(2, 0)]


def test_only_the_last_check_of_a_chain_is_needed() -> None:
    workflow = Workflow(
        jobs=[
            Job(id=0, key="image"),
            Job(id=1, key="unit", needs=[0], kind="check"),
            Job(id=2, key="e2e", needs=[1], kind="check"),
            Job(id=3, key="prod", needs=[0]),
            Job(id=4, key="publish", needs=[3], kind="gate"),
        ]
    )
    proposed = {0: [], 1: [0], 2: [1], 3: [], 4: [3]}
    safety = gate_safety(workflow, current_needs(workflow), proposed)
    assert [(edge.job, edge.need) for edge in safety.restoring_needs] == [(4, 2)]


def test_an_unchanged_graph_is_safe() -> None:
    workflow = seed_workflow()
    assert gate_safety(workflow, current_needs(workflow), current_needs(workflow)).safe
