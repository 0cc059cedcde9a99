import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from decider.engine.queueing import erlang_c_mean_wait, erlang_c_wait_percentile
from decider.engine.simulation import (
    SimJob,
    SimPool,
    SimulationInput,
    SimulationResult,
    simulate,
)

# Background jobs to measure per oracle case. The relative error of a mean wait shrinks slowly
# near saturation (c = 1, u = 0.9) and when waits are rare (c = 10, u = 0.5); these sizes keep
# the standard error at about 1.6% or less (measured over 20 seeds), so 5% is >= 3 of them.
ORACLE_JOBS = {
    (1, 0.5): 1_000_000,
    (1, 0.8): 1_500_000,
    (1, 0.9): 2_000_000,
    (3, 0.5): 1_000_000,
    (3, 0.8): 2_000_000,
    (3, 0.9): 2_000_000,
    (10, 0.5): 4_000_000,
    (10, 0.8): 2_000_000,
    (10, 0.9): 3_000_000,
}


def _pool(name: str = "small", runners: int = 4, utilization: float = 0.0, mean_s: float = 300.0):
    return SimPool(
        name=name, runners=runners, baseline_utilization=utilization, mean_background_job_s=mean_s
    )


def _inputs(
    pools: list[SimPool],
    jobs: list[SimJob],
    *,
    milestone: list[int] | None = None,
    per_hour: float | None = None,
    at_once: int | None = None,
    pipelines: int = 1,
    seed: int = 1,
    horizon_s: float | None = None,
    warmup_s: float | None = None,
) -> SimulationInput:
    return SimulationInput(
        pools=pools,
        jobs=jobs,
        milestone=milestone or [],
        pipelines_per_hour=per_hour,
        pipelines_at_once=at_once,
        pipelines=pipelines,
        seed=seed,
        horizon_s=horizon_s,
        warmup_s=warmup_s,
    )


def _diamond(pool: str | None) -> list[SimJob]:
    """a(100) -> b(50), c(200) -> d(30): critical path a, c, d = 330 s."""
    return [
        SimJob(index=0, duration_s=100, needs=[], pool=pool),
        SimJob(index=1, duration_s=50, needs=[0], pool=pool),
        SimJob(index=2, duration_s=200, needs=[0], pool=pool),
        SimJob(index=3, duration_s=30, needs=[1, 2], pool=pool),
    ]


def _busy_seed_pools() -> list[SimPool]:
    return [
        _pool("small", runners=4, utilization=0.4, mean_s=300),
        _pool("medium", runners=3, utilization=0.6, mean_s=350),
    ]


def _busy_jobs() -> list[SimJob]:
    return [
        SimJob(index=0, duration_s=500, needs=[], pool="small"),
        SimJob(index=1, duration_s=250, needs=[], pool="small"),
        SimJob(index=2, duration_s=480, needs=[0], pool="medium"),
        SimJob(index=3, duration_s=370, needs=[1], pool="medium"),
        SimJob(index=4, duration_s=60, needs=[2], pool=None),
    ]


@pytest.mark.parametrize(("runners", "utilization"), sorted(ORACLE_JOBS))
def test_background_waits_match_erlang_c(runners: int, utilization: float) -> None:
    mean_job_s = 60.0
    arrival_rate = utilization * runners / mean_job_s
    jobs_to_measure = ORACLE_JOBS[runners, utilization]
    result = simulate(
        _inputs(
            [_pool("p", runners, utilization, mean_job_s)],
            [],
            pipelines=0,
            seed=7,
            horizon_s=jobs_to_measure / arrival_rate,
        )
    )
    expected = erlang_c_mean_wait(runners, arrival_rate, 1.0 / mean_job_s)
    pool = result.pools[0]
    assert pool.mean_wait_s == pytest.approx(expected, rel=0.05)
    assert pool.background_mean_wait_s == pool.mean_wait_s
    assert pool.utilization == pytest.approx(utilization, rel=0.02)
    assert pool.jobs_counted == pytest.approx(jobs_to_measure, rel=0.01)
    assert result.pipeline_wall_clock_s is None


def test_it_is_deterministic_for_a_seed() -> None:
    inputs = _inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=300, seed=42)
    assert simulate(inputs) == simulate(inputs)


def test_different_seeds_give_different_results() -> None:
    first = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=300, seed=1))
    second = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=300, seed=2))
    assert first.pipeline_wall_clock_s != second.pipeline_wall_clock_s
    assert first.pools != second.pools


def _all_equal(result: SimulationResult, wall_clock_s: float, milestone_s: float) -> None:
    assert result.pipeline_wall_clock_s is not None
    assert result.milestone_wall_clock_s is not None
    assert result.pipeline_queue_delay_s is not None
    for figure in ("p50", "p90", "p99", "mean"):
        assert getattr(result.pipeline_wall_clock_s, figure) == pytest.approx(wall_clock_s)
        assert getattr(result.milestone_wall_clock_s, figure) == pytest.approx(milestone_s)
        assert getattr(result.pipeline_queue_delay_s, figure) == pytest.approx(0.0)


def test_unconstrained_pools_give_the_critical_path_and_no_delay() -> None:
    huge = _pool("huge", runners=1000, utilization=0.0)
    result = simulate(
        _inputs([huge], _diamond("huge"), milestone=[1], per_hour=60, pipelines=500, seed=3)
    )
    _all_equal(result, wall_clock_s=330.0, milestone_s=150.0)
    assert result.unconstrained_wall_clock_s == 330.0
    assert result.pools[0].mean_wait_s == 0.0


def test_hosted_jobs_never_wait() -> None:
    result = simulate(_inputs([], _diamond(None), per_hour=600, pipelines=200, seed=3))
    assert result.pipeline_wall_clock_s is not None
    assert result.pipeline_wall_clock_s.p99 == pytest.approx(330.0)
    assert result.milestone_wall_clock_s is None
    assert result.pools == []


def test_one_runner_serialises_two_parallel_jobs() -> None:
    jobs = [
        SimJob(index=0, duration_s=100, needs=[], pool="solo"),
        SimJob(index=1, duration_s=50, needs=[], pool="solo"),
    ]
    result = simulate(
        _inputs([_pool("solo", runners=1)], jobs, milestone=[0], at_once=1, pipelines=20)
    )
    assert result.pipeline_wall_clock_s is not None
    assert result.pipeline_queue_delay_s is not None
    assert result.milestone_wall_clock_s is not None
    assert result.pipeline_wall_clock_s.p99 == pytest.approx(150.0)
    assert result.pipeline_wall_clock_s.p50 == pytest.approx(150.0)
    # The unconstrained graph ends at 100 s: the second job's 100 s wait is what the pool costs.
    assert result.pipeline_queue_delay_s.mean == pytest.approx(50.0)
    # Ties go to declaration order: job 0 runs first, so the milestone is not delayed.
    assert result.milestone_wall_clock_s.p99 == pytest.approx(100.0)
    assert result.pools[0].pipeline_mean_wait_s == pytest.approx(50.0)


def test_a_burst_queues_pipelines_in_arrival_order() -> None:
    jobs = [SimJob(index=0, duration_s=100, needs=[], pool="solo")]
    result = simulate(_inputs([_pool("solo", runners=1)], jobs, at_once=3, pipelines=30))
    assert result.pipeline_wall_clock_s is not None
    assert result.pipeline_queue_delay_s is not None
    # Each burst of 3 finishes at 100, 200 and 300 s; bursts never overlap.
    assert result.pipeline_wall_clock_s.p50 == pytest.approx(200.0)
    assert result.pipeline_wall_clock_s.mean == pytest.approx(200.0)
    assert result.pipeline_wall_clock_s.p99 == pytest.approx(300.0, rel=0.01)
    assert result.pipeline_queue_delay_s.mean == pytest.approx(100.0)


def test_bursts_can_also_arrive_at_a_rate() -> None:
    jobs = [SimJob(index=0, duration_s=60, needs=[], pool="solo")]
    result = simulate(
        _inputs([_pool("solo", runners=1)], jobs, at_once=2, per_hour=1, pipelines=2000)
    )
    assert result.pipeline_wall_clock_s is not None
    # Half the pipelines go first, the other half waits 60 s; bursts overlap ~3% of the time.
    assert result.pipeline_wall_clock_s.mean == pytest.approx(90.0, rel=0.05)
    assert result.pipeline_wall_clock_s.p90 == pytest.approx(120.0)
    # 1000 bursts at 1 per hour.
    assert result.measured_s / 3600 == pytest.approx(1000, rel=0.1)


def test_it_reproduces_the_constrained_schedule_of_the_seed() -> None:
    """DESIGN.md golden figures: latest run, unmeasured jobs at 0 s, small = 4, FIFO."""

    def mural_api(parallel: bool) -> list[SimJob]:
        # Current graph: each production image needs its test image; parallel: none does.
        def after(test_image: int) -> list[int]:
            return [] if parallel else [test_image]

        return [
            SimJob(index=0, duration_s=524, needs=[], pool="small"),
            SimJob(index=1, duration_s=250, needs=[], pool="small"),
            SimJob(index=2, duration_s=114, needs=[], pool="small"),
            SimJob(index=3, duration_s=112, needs=[], pool="small"),
            SimJob(index=4, duration_s=0, needs=[0], pool="small"),
            SimJob(index=5, duration_s=0, needs=[0], pool="cpu-optimized"),
            SimJob(index=6, duration_s=488, needs=after(0), pool="medium"),
            SimJob(index=7, duration_s=377, needs=after(1), pool="medium"),
            SimJob(index=8, duration_s=169, needs=after(2), pool="medium"),
            SimJob(index=9, duration_s=23, needs=[], pool="medium"),
            SimJob(index=10, duration_s=0, needs=[6, 4, 5] if parallel else [6], pool=None),
        ]

    def wall_clock(parallel: bool, medium_runners: int) -> float:
        pools = [_pool("small", 4), _pool("medium", medium_runners), _pool("cpu-optimized", 2)]
        result = simulate(_inputs(pools, mural_api(parallel), at_once=1, pipelines=3))
        assert result.pipeline_wall_clock_s is not None
        assert result.pipeline_wall_clock_s.p50 == pytest.approx(result.pipeline_wall_clock_s.p99)
        return result.pipeline_wall_clock_s.p50

    assert wall_clock(parallel=False, medium_runners=2) == pytest.approx(1012)
    assert wall_clock(parallel=True, medium_runners=2) == pytest.approx(546)
    assert wall_clock(parallel=False, medium_runners=1) == pytest.approx(1148)
    assert wall_clock(parallel=True, medium_runners=1) == pytest.approx(1057)


def test_the_milestone_never_ends_after_the_pipeline() -> None:
    result = simulate(
        _inputs(_busy_seed_pools(), _busy_jobs(), milestone=[2, 3], per_hour=3, pipelines=2000)
    )
    assert result.milestone_wall_clock_s is not None
    assert result.pipeline_wall_clock_s is not None
    for figure in ("p50", "p90", "p99", "mean"):
        milestone_s = getattr(result.milestone_wall_clock_s, figure)
        assert milestone_s <= getattr(result.pipeline_wall_clock_s, figure)


def test_queue_delay_is_wall_clock_minus_critical_path() -> None:
    result = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=2000))
    wall, delay = result.pipeline_wall_clock_s, result.pipeline_queue_delay_s
    assert wall is not None
    assert delay is not None
    assert result.unconstrained_wall_clock_s == 1040.0
    assert delay.mean > 0
    assert wall.mean - delay.mean == pytest.approx(1040.0)
    assert wall.p90 - delay.p90 == pytest.approx(1040.0)


def test_pool_stats_split_background_and_pipeline_waits() -> None:
    result = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=2000))
    small, medium = result.pools
    assert (small.name, medium.name) == ("small", "medium")
    for pool in (small, medium):
        assert pool.pipeline_mean_wait_s is not None
        assert pool.pipeline_p90_wait_s is not None
        assert pool.background_mean_wait_s > 0
        assert pool.p90_wait_s >= 0
        assert min(pool.background_mean_wait_s, pool.pipeline_mean_wait_s) <= pool.mean_wait_s
        assert pool.mean_wait_s <= max(pool.background_mean_wait_s, pool.pipeline_mean_wait_s)
    # Pipelines add (500 + 250) s per 1200 s to the 4 small runners' 40%.
    assert small.utilization == pytest.approx(0.4 + 750 / 1200 / 4, rel=0.05)
    assert not small.saturated
    assert not medium.saturated


def test_pipelines_arrive_at_the_requested_rate() -> None:
    result = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=2000))
    assert result.measured_s / 3600 == pytest.approx(2000 / 3, rel=0.05)


def test_it_flags_a_pool_that_cannot_keep_up() -> None:
    # Medium: 60% of 3 runners plus (480 + 370) s of pipeline work every 10 minutes > 3 runners.
    result = simulate(_inputs(_busy_seed_pools(), _busy_jobs(), per_hour=6, pipelines=200))
    assert [pool.saturated for pool in result.pools] == [False, True]
    # Jobs still queued when the window closes run after it: they add no busy time.
    assert all(0 < pool.utilization <= 1 for pool in result.pools)


def test_it_warms_up_before_measuring() -> None:
    inputs = _inputs(_busy_seed_pools(), _busy_jobs(), per_hour=3, pipelines=10)
    assert simulate(inputs).warmup_s > 0
    assert simulate(inputs.model_copy(update={"warmup_s": 0.0})).warmup_s == 0.0


@st.composite
def _job_graphs(draw: st.DrawFn) -> list[SimJob]:
    size = draw(st.integers(min_value=1, max_value=8))
    jobs = []
    for index in range(size):
        needs = draw(st.lists(st.integers(0, index - 1), unique=True)) if index else []
        duration = draw(st.floats(min_value=0, max_value=1000, allow_nan=False))
        jobs.append(SimJob(index=index, duration_s=duration, needs=needs, pool="p"))
    return jobs


@settings(max_examples=40, deadline=None)
@given(jobs=_job_graphs(), runners=st.integers(1, 3))
def test_sharing_never_beats_the_critical_path(jobs: list[SimJob], runners: int) -> None:
    constrained = simulate(
        _inputs([_pool("p", runners, 0.3, 100)], jobs, per_hour=20, pipelines=30)
    )
    free = simulate(_inputs([_pool("p", 1000)], jobs, per_hour=20, pipelines=30))
    assert constrained.pipeline_wall_clock_s is not None
    assert free.pipeline_wall_clock_s is not None
    critical_path = free.unconstrained_wall_clock_s
    assert free.pipeline_wall_clock_s.p99 == pytest.approx(critical_path)
    assert constrained.pipeline_wall_clock_s.p50 >= critical_path - 1e-6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pools": [{"name": "p", "runners": 0}]}, "runners"),
        ({"pools": [{"name": "p", "baseline_utilization": 1.0}]}, "baseline_utilization"),
        ({"pools": [{"name": "p", "mean_background_job_s": 0}]}, "mean_background_job_s must be"),
        ({"pools": [{"name": "p"}, {"name": "p"}]}, "pool 'p' is listed twice"),
        ({"jobs": [{"index": 0, "duration_s": -1}]}, "duration_s"),
        ({"jobs": [{"index": 0, "pool": "nope"}]}, "runs on pool 'nope', which is not among"),
        ({"jobs": [{"index": 0, "needs": [5]}]}, "job 0 needs unknown jobs \\[5\\]"),
        ({"jobs": [{"index": 0}, {"index": 0}]}, "job indexes must be unique"),
        (
            {"jobs": [{"index": 0, "needs": [1]}, {"index": 1, "needs": [0]}]},
            "cycle: job 0 -> job 1 -> job 0",
        ),
        ({"milestone": [9]}, "milestone refers to unknown jobs \\[9\\]"),
        ({"pipelines_per_hour": None}, "set pipelines_per_hour"),
        ({"pipelines_per_hour": 0}, "pipelines_per_hour"),
        ({"pipelines_at_once": 0, "pipelines_per_hour": None}, "pipelines_at_once"),
        (
            {"pipelines": 0, "pools": [{"name": "p", "baseline_utilization": 0.0}]},
            "horizon_s is required",
        ),
    ],
)
def test_it_rejects_invalid_input_clearly(change: dict, message: str) -> None:
    pool = {"name": "p", "runners": 2, "baseline_utilization": 0.5, "mean_background_job_s": 60}
    job = {"index": 0, "duration_s": 10, "needs": [], "pool": "p"}
    data = {
        "pools": [pool],
        "jobs": [job],
        "milestone": [],
        "pipelines_per_hour": 6,
        "pipelines_at_once": None,
        "pipelines": 10,
        "seed": 1,
    }
    for key, value in change.items():
        if key in ("pools", "jobs"):
            template = pool if key == "pools" else job
            value = [{**template, **item} for item in value]
        data[key] = value
    with pytest.raises(ValidationError, match=message):
        SimulationInput.model_validate(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_default_run_length_meets_erlang_c_within_five_percent_at_95_percent(
    seed: int,
) -> None:
    """The demo's medium pool (3 runners, 350 s jobs) at 95% utilization, background only, with
    the default warm-up and run length: its p90 and mean wait against the M/M/c formulas."""
    runners, mean_job_s, utilization = 3, 350.0, 0.95
    arrival_rate = utilization * runners / mean_job_s
    result = simulate(
        _inputs([_pool("medium", runners, utilization, mean_job_s)], [], pipelines=0, seed=seed)
    )
    pool = result.pools[0]
    p90 = erlang_c_wait_percentile(runners, arrival_rate, 1 / mean_job_s, 0.90)
    mean = erlang_c_mean_wait(runners, arrival_rate, 1 / mean_job_s)
    assert pool.p90_wait_s == pytest.approx(p90, rel=0.05)
    assert pool.mean_wait_s == pytest.approx(mean, rel=0.05)
