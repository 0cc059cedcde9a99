"""Which jobs run for a trigger (DESIGN.md semantics 16), and what the analysis does with it."""

from decider.engine.analysis import analyze
from decider.engine.inputs import Edge, Job, Pool, RunsWhen, Scenario, Workflow
from decider.engine.triggers import jobs_for_trigger
from tests.engine.seed import seed_pools, seed_workflow

PUSH_ONLY = {"pull_request": RunsWhen(needs_ran="skips")}
ALWAYS = {"pull_request": RunsWhen(a_need_skipped="runs"), "push": RunsWhen(a_need_skipped="runs")}
UNDECIDABLE = {"pull_request": RunsWhen(needs_ran="undecidable")}


def job(job_id: int, seconds: float, needs: list[int] | None = None, **fields: object) -> Job:
    return Job.model_validate(
        {
            "id": job_id,
            "key": f"j{job_id}",
            "runs_on": ["self-hosted", "x"],
            "needs": needs or [],
            "samples": [{"duration_s": seconds}],
            **fields,
        }
    )


# test(0) -> publish(1, push only) -> deploy(2) -> notify(3, always)
#         -> lint(4, undecidable on pull requests)
WORKFLOW = Workflow(
    jobs=[
        job(0, 100),
        job(1, 50, [0], runs_when=PUSH_ONLY),
        job(2, 30, [1]),
        job(3, 5, [2], runs_when=ALWAYS),
        job(4, 20, [0], runs_when=UNDECIDABLE),
    ],
    triggers=["push", "pull_request"],
)
POOLS = [Pool(name="x", labels=["self-hosted", "x"], runners=1)]


def needs_of(workflow: Workflow) -> dict[int, list[int]]:
    return {job.id: list(job.needs) for job in workflow.jobs}


def test_a_job_needing_a_skipped_job_is_skipped_unless_it_uses_a_status_function() -> None:
    jobs = jobs_for_trigger(WORKFLOW, needs_of(WORKFLOW), "pull_request")

    assert jobs.skipped == [1, 2]
    assert jobs.undecided == [4]


def test_a_trigger_the_conditions_allow_runs_every_job() -> None:
    jobs = jobs_for_trigger(WORKFLOW, needs_of(WORKFLOW), "push")

    assert jobs.skipped == []
    assert jobs.undecided == []


def test_no_trigger_runs_every_job_as_before() -> None:
    analysis = analyze(WORKFLOW, POOLS, Scenario(), simulator=None)

    assert analysis.trigger is None
    assert analysis.current.compute_s == 205
    assert not any(job.skipped for job in analysis.jobs)


def test_skipped_jobs_take_no_time_and_no_runner_for_the_trigger() -> None:
    analysis = analyze(WORKFLOW, POOLS, Scenario(trigger="pull_request"), simulator=None)

    assert analysis.trigger == "pull_request"
    assert analysis.current.compute_s == 100 + 5 + 20
    # one runner: test, then lint and notify, which waits only for test now
    assert analysis.current.constrained is not None
    assert analysis.current.constrained.wall_clock_s == 125
    assert [job.key for job in analysis.jobs if job.skipped] == ["j1", "j2"]
    assert [job.key for job in analysis.jobs if job.condition_undecided] == ["j4"]
    assert any("2 of 5 jobs do not run" in warning for warning in analysis.warnings)
    assert any("j4" in warning and "cannot be decided" in warning for warning in analysis.warnings)


def test_the_proposed_graph_is_decided_on_its_own_needs() -> None:
    scenario = Scenario(
        trigger="pull_request",
        remove_needs=[Edge(job=2, need=1)],
        add_needs=[Edge(job=2, need=0)],
    )

    analysis = analyze(WORKFLOW, POOLS, scenario, simulator=None)

    deploy = next(job for job in analysis.jobs if job.key == "j2")
    assert deploy.skipped and not deploy.proposed_skipped
    assert analysis.proposed.compute_s == 100 + 30 + 5 + 20


def test_a_job_skipped_in_both_graphs_does_not_need_its_empty_pool() -> None:
    workflow = Workflow(
        jobs=[job(0, 10), job(1, 10, [0], runs_on=["self-hosted", "gpu"], runs_when=PUSH_ONLY)]
    )
    pools = [*POOLS, Pool(name="gpu", labels=["self-hosted", "gpu"], runners=0)]

    on_push = analyze(workflow, pools, Scenario(trigger="push"), simulator=None)
    on_pull_request = analyze(workflow, pools, Scenario(trigger="pull_request"), simulator=None)

    assert any("j1" in error for error in on_push.errors)
    assert on_pull_request.errors == []


def test_a_trigger_the_workflow_does_not_have_is_said() -> None:
    analysis = analyze(WORKFLOW, POOLS, Scenario(trigger="schedule"), simulator=None)

    assert any("not schedule" in warning for warning in analysis.warnings)


def test_unmeasured_jobs_that_never_run_are_not_asked_for() -> None:
    workflow = Workflow(jobs=[job(0, 10), Job(id=1, key="publish", needs=[0], runs_when=PUSH_ONLY)])

    on_push = analyze(workflow, [], Scenario(trigger="push"), simulator=None)
    on_pull_request = analyze(workflow, [], Scenario(trigger="pull_request"), simulator=None)

    assert on_push.unmeasured == [1]
    assert on_pull_request.unmeasured == []


def test_the_seed_figures_are_unchanged_for_a_trigger_its_jobs_all_run_for() -> None:
    every_job = analyze(seed_workflow(), seed_pools(), Scenario(), simulator=None)
    on_pull_request = analyze(
        seed_workflow(), seed_pools(), Scenario(trigger="pull_request"), simulator=None
    )

    assert on_pull_request.current.wall_clock_s == every_job.current.wall_clock_s
    assert on_pull_request.current.constrained == every_job.current.constrained


def test_what_the_on_filters_say_about_the_trigger_is_said() -> None:
    workflow = WORKFLOW.model_copy(
        update={"trigger_notes": {"push": "on.push.branches (release/**) does not include main."}}
    )

    analysis = analyze(workflow, POOLS, Scenario(trigger="push"), simulator=None)

    assert any("does not include main" in warning for warning in analysis.warnings)
