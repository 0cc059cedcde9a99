"""Laws of the queues (DESIGN.md semantics 3 and 11) on random job graphs with zero-length jobs.

Graphs are small (up to 12 jobs) on two pools of 1-3 runners, with about a third of the jobs
unmeasured (0 s): enough to put zero-length jobs before, between and after measured ones.
"""

from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from decider.engine.constrained import constrained_schedule
from decider.engine.pools import Placement
from decider.engine.schedule import JobTiming, Schedule
from decider.engine.simulation import SimJob, SimPool, SimulationInput, simulate

POOLS = ["small", "medium"]

Graph = tuple[dict[int, list[int]], dict[int, float], dict[int, str], dict[str, int]]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    count = draw(st.integers(min_value=1, max_value=12))
    needs: dict[int, list[int]] = {}
    for job in range(count):
        earlier = st.sampled_from(range(job)) if job else st.nothing()
        needs[job] = sorted(set(draw(st.lists(earlier, max_size=3)))) if job else []
    measured = st.integers(min_value=1, max_value=100).map(float)
    durations = {job: draw(st.one_of(st.just(0.0), measured, measured)) for job in needs}
    pools = {job: draw(st.sampled_from(POOLS)) for job in needs}
    runners = {pool: draw(st.integers(min_value=1, max_value=3)) for pool in POOLS}
    return needs, durations, pools, runners


def _placed(pools: Mapping[int, str]) -> dict[int, Placement]:
    return {job: Placement(group=pool, pools=[pool]) for job, pool in pools.items()}


def _schedule(graph: Graph, milestone: list[int] | None = None) -> Schedule:
    needs, durations, pools, runners = graph
    return constrained_schedule(needs, durations, _placed(pools), runners, milestone or [])


def _running_at(timings: list[JobTiming], t: float) -> int:
    """Jobs holding a runner at t: [start, end) intervals, so zero-length jobs hold none."""
    return sum(1 for timing in timings if timing.start_s <= t < timing.end_s)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_no_pool_ever_runs_more_jobs_than_it_has_runners(graph: Graph) -> None:
    _, _, pools, runners = graph
    schedule = _schedule(graph)
    for pool, count in runners.items():
        on_pool = [timing for timing in schedule.jobs if pools[timing.id] == pool]
        for instant in {timing.start_s for timing in on_pool}:
            assert _running_at(on_pool, instant) <= count


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_every_job_is_ready_when_its_needs_end_and_starts_no_earlier(graph: Graph) -> None:
    needs, durations, _, _ = graph
    schedule = _schedule(graph)
    end = {timing.id: timing.end_s for timing in schedule.jobs}
    for timing in schedule.jobs:
        assert timing.ready_s == max((end[need] for need in needs[timing.id]), default=0.0)
        assert timing.start_s >= timing.ready_s
        assert timing.end_s == timing.start_s + durations[timing.id]
        assert timing.queue_wait_s == timing.start_s - timing.ready_s


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_zero_length_jobs_never_wait(graph: Graph) -> None:
    _, durations, _, _ = graph
    for timing in _schedule(graph).jobs:
        if durations[timing.id] == 0:
            assert timing.start_s == timing.ready_s


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_each_pool_serves_its_jobs_first_in_first_out(graph: Graph) -> None:
    """FIFO by (ready time, declaration order), and no runner idles while a job waits."""
    _, durations, pools, runners = graph
    schedule = _schedule(graph)
    for pool, count in runners.items():
        queued = sorted(
            (t for t in schedule.jobs if pools[t.id] == pool and durations[t.id] > 0),
            key=lambda t: (t.ready_s, t.id),
        )
        starts = [timing.start_s for timing in queued]
        assert starts == sorted(starts)
        for waiting in (timing for timing in queued if timing.start_s > timing.ready_s):
            instants = {waiting.ready_s} | {
                t.end_s for t in queued if waiting.ready_s < t.end_s < waiting.start_s
            }
            assert all(_running_at(queued, instant) == count for instant in instants)


def _one_pipeline(graph: Graph, milestone: list[int], pipelines: int) -> SimulationInput:
    needs, durations, pools, runners = graph
    return SimulationInput(
        pools=[
            SimPool(name=pool, runners=count, baseline_utilization=0.0, mean_background_job_s=0)
            for pool, count in runners.items()
        ],
        jobs=[
            SimJob(index=job, duration_s=durations[job], needs=needs[job], pool=pools[job])
            for job in needs
        ],
        milestone=milestone,
        pipelines_at_once=1,
        pipelines=pipelines,
        seed=11,
    )


@settings(max_examples=100, deadline=None)
@given(graphs(), st.data())
def test_without_background_one_pipeline_gives_the_constrained_schedule(
    graph: Graph, data: st.DataObject
) -> None:
    needs = graph[0]
    milestone = data.draw(st.lists(st.sampled_from(list(needs)), max_size=3, unique=True))
    schedule = _schedule(graph, milestone)

    alone = simulate(_one_pipeline(graph, milestone, pipelines=1))
    assert alone.pipeline_wall_clock_s is not None
    assert alone.pipeline_wall_clock_s.p50 == schedule.wall_clock_s
    if milestone:
        assert alone.milestone_wall_clock_s is not None
        assert alone.milestone_wall_clock_s.p50 == schedule.milestone_wall_clock_s

    # One after another, each pipeline meets idle runners: the same wall clock every time (up to
    # the rounding of arrival times that are no longer 0).
    repeated = simulate(_one_pipeline(graph, milestone, pipelines=10))
    assert repeated.pipeline_wall_clock_s is not None
    for figure in ("p50", "p99", "mean"):
        value = getattr(repeated.pipeline_wall_clock_s, figure)
        assert abs(value - schedule.wall_clock_s) <= 1e-9 * max(1.0, schedule.wall_clock_s)
