import pytest

from decider.engine.analysis import analyze
from decider.engine.inputs import Pool, Scenario
from decider.engine.pool_simulation import same_background_with_additions
from decider.engine.presets import apply_preset
from decider.engine.simulation import Percentiles, PoolStats, SimulationInput, SimulationResult
from decider.engine.verdict import pool_demand
from tests.engine.seed import seed_pools, seed_workflow


def _percentiles(value: float) -> Percentiles:
    return Percentiles(p50=value, p90=value, p99=value, mean=value)


class FakeSimulator:
    """Medium jobs' p90 wait (and the pipeline's queueing delay) falls by 100 s per medium
    runner above 3; small jobs never wait. Records what it was given."""

    def __init__(self) -> None:
        self.inputs: list[SimulationInput] = []

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        self.inputs.append(inp)
        # The options move medium's jobs to hosted runners once: then nothing waits for it.
        medium = next((pool.runners for pool in inp.pools if pool.name == "medium"), 1000)
        unconstrained = (
            1012 if any(job.needs == [0] and job.index == 6 for job in inp.jobs) else 524
        )
        delay = max(0.0, 300 - 100 * (medium - 3))
        return SimulationResult(
            pipeline_wall_clock_s=_percentiles(unconstrained + delay),
            milestone_wall_clock_s=None,
            pipeline_queue_delay_s=_percentiles(delay),
            pools=[
                PoolStats(
                    name=pool.name,
                    mean_wait_s=0,
                    p90_wait_s=0,
                    utilization=0.5,
                    pipeline_p90_wait_s=delay if pool.name == "medium" else 0.0,
                )
                for pool in inp.pools
            ],
        )


def _parallel(**settings: object) -> Scenario:
    return apply_preset(seed_workflow(), Scenario.model_validate(settings), "parallel")


def test_demand_is_peak_times_pipelines_against_the_free_share() -> None:
    (row,) = pool_demand([seed_pools()[1]], {"medium": 4}, 2)
    assert (row.demand, row.available, row.fits) == (8, 3 * 0.4, False)


def test_a_rate_of_pipelines_becomes_pipelines_at_once_by_littles_law() -> None:
    fake = FakeSimulator()
    analysis = analyze(
        seed_workflow(), seed_pools(), _parallel(pipelines_per_hour=12), simulator=fake
    )
    assert analysis.decision is not None
    assert analysis.decision.concurrent_pipelines == 12 * 524 / 3600


def test_the_verdict_adds_what_the_plan_sizes_each_pool_to_need() -> None:
    fake = FakeSimulator()
    analysis = analyze(
        seed_workflow(), seed_pools(), _parallel(target_queue_wait_s=100), simulator=fake
    )
    decision = analysis.decision
    assert decision is not None
    # Medium waits 100 s at 5 runners (the target); small never waits, so its lower bound
    # (more than the 1.6 runners its 40% background keeps busy) is enough.
    assert decision.verdict == "add_runners"
    assert decision.additions == {"medium": 2}
    assert analysis.plan.money.added_runners == {"medium": 2, "small": -2}
    assert (
        decision.added_usd_per_month == analysis.plan.money.added_usd_per_month == 2 * 100 - 2 * 75
    )


def test_runners_typed_in_the_scenario_stay_in_the_plan_even_above_the_need() -> None:
    fake = FakeSimulator()
    scenario = _parallel(target_queue_wait_s=100, runners={"medium": 6})
    plan = analyze(seed_workflow(), seed_pools(), scenario, simulator=fake).plan
    medium = next(pool for pool in plan.pools if pool.name == "medium")
    assert (medium.inventory_runners, medium.scenario_runners, medium.recommended_runners) == (
        3,
        6,
        6,
    )
    assert medium.sizing_proposed is not None and medium.sizing_proposed.needed == 5


def test_it_proceeds_when_todays_pools_already_meet_the_target() -> None:
    fake = FakeSimulator()
    scenario = _parallel(target_queue_wait_s=300)
    decision = analyze(seed_workflow(), seed_pools(), scenario, simulator=fake).decision
    assert decision is not None
    assert decision.verdict == "proceed"
    assert decision.additions == {}


def test_a_graph_that_is_not_faster_keeps_todays_graph_on_right_sized_pools() -> None:
    fake = FakeSimulator()
    analysis = analyze(
        seed_workflow(), seed_pools(), Scenario(target_queue_wait_s=100), simulator=fake
    )
    assert analysis.decision is not None
    assert analysis.decision.verdict == "stay_sequential"
    assert analysis.plan.graph == "today"
    assert analysis.plan.proposed_today is None
    assert {p.name: p.recommended_runners for p in analysis.plan.pools}["medium"] == 5


def test_jobs_reach_the_simulation_on_their_pools() -> None:
    fake = FakeSimulator()
    analyze(seed_workflow(), seed_pools(), _parallel(), simulator=fake)
    jobs = {job.index: job for job in fake.inputs[0].jobs}
    assert jobs[0].pool == "small"
    assert jobs[10].pool is None
    medium = next(pool for pool in fake.inputs[0].pools if pool.name == "medium")
    # The mean of every measured medium job: the default background job length.
    assert 300 < medium.mean_background_job_s < 400


def test_added_runners_serve_the_same_background_work() -> None:
    pool = Pool(name="medium", labels=["medium"], runners=3, baseline_utilization=0.6)
    (grown,) = same_background_with_additions([pool], {"medium": 1})
    assert grown.runners == 4
    assert grown.baseline_utilization == pytest.approx(0.45)


def test_the_real_simulation_decides_the_seed() -> None:
    scenario = _parallel(target_queue_wait_s=300, simulated_pipelines=100)
    decision = analyze(seed_workflow(), seed_pools(), scenario, seed=1).decision
    assert decision is not None
    assert decision.verdict in ("proceed", "add_runners")
    assert decision.simulation is not None
    assert decision.simulation.proposed_p90_queue_delay_s <= 300
    again = analyze(seed_workflow(), seed_pools(), scenario, seed=1).decision
    assert again == decision


def _two_an_hour(target_s: float) -> Scenario:
    scenario = Scenario(milestone=[6, 7, 8, 9], pipelines_per_hour=2, target_queue_wait_s=target_s)
    return apply_preset(seed_workflow(), scenario, "parallel")


def test_a_result_near_the_target_says_the_simulation_cannot_tell() -> None:
    # Sized for 200 s, small's planned p90 wait is 198 s, likely between 159 and 236 s; 5
    # medium runners wait 169 s, likely between 134 and 204 s: both may miss the target.
    analysis = analyze(seed_workflow(), seed_pools(medium=2), _two_an_hour(200))
    assert analysis.decision is not None
    assert analysis.decision.close_to_target == ["small", "medium"]
    assert analysis.plan.planned is not None
    for pool, interval in analysis.plan.planned.p90_wait_interval_s.items():
        low, high = interval or (0, 0)
        assert (low <= 200 <= high) == (pool in analysis.decision.close_to_target)
    assert (
        "Close to the target: the simulation cannot tell whether it is met"
        in analysis.decision.reason
    )
    assert "small: 198 s, likely between 159 and 236 s" in analysis.decision.reason
    assert "medium: 169 s, likely between 134 and 204 s" in analysis.decision.reason


def test_a_result_far_from_the_target_says_nothing_of_it() -> None:
    analysis = analyze(seed_workflow(), seed_pools(medium=2), _two_an_hour(300))
    assert analysis.decision is not None
    assert analysis.decision.close_to_target == []
    assert "Close to the target" not in analysis.decision.reason
