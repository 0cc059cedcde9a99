from decider.engine.analysis import analyze
from decider.engine.inputs import Job, Pool, Scenario, Workflow
from decider.engine.presets import apply_preset
from decider.engine.report import render_report
from tests.engine.seed import seed_pools, seed_workflow


def test_a_pool_without_runners_is_an_error_not_a_crash() -> None:
    scenario = Scenario(runners={"medium": 0})
    analysis = analyze(seed_workflow(), seed_pools(), scenario, simulator=None)
    assert analysis.current.constrained is None
    assert any("build-production-api" in error for error in analysis.errors)


def test_explanations_appear_only_for_the_seed_workflow() -> None:
    workflow = Workflow(jobs=[Job(id=0, key="build", runs_on=["ubuntu-latest"])])
    analysis = analyze(workflow, [], Scenario(), simulator=None)
    assert analysis.explanations == []
    assert analysis.current.constrained is None
    assert analysis.current.peak_runners == {"github-hosted": 0, "total": 0}


def test_constrained_jobs_say_which_runner_lane_they_ran_on() -> None:
    workflow = Workflow(
        jobs=[
            Job(id=i, key=f"j{i}", runs_on=["self-hosted", "x"], samples=[{"duration_s": 10}])
            for i in range(3)
        ]
    )
    pools = [Pool(name="x", labels=["self-hosted", "x"], runners=2)]
    analysis = analyze(workflow, pools, Scenario(), simulator=None)
    assert analysis.current.constrained is not None
    assert [t.lane for t in analysis.current.constrained.jobs] == [0, 1, 0]
    assert analysis.current.constrained.wall_clock_s == 20


def test_the_report_states_the_key_figures() -> None:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario(milestone=[6, 7, 8, 9]), "parallel")
    text = render_report(analyze(workflow, seed_pools(), scenario, simulator=None))
    assert "wall clock          1012 s (16.9 min)" in text
    assert "wall clock          524 s (8.7 min)" in text
    assert "peak runners        8 (4 small + 4 medium)" in text
    assert "Publish-gate safety: safe" in text
    assert "Unmeasured, counted as 0 s until estimated" in text
