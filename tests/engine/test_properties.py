"""Laws of the schedules, on random job graphs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from decider.engine.constrained import constrained_schedule
from decider.engine.pools import Placement
from decider.engine.schedule import unconstrained_schedule

POOLS = ["small", "medium"]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[dict[int, list[int]], dict[int, float], dict[int, str]]:
    count = draw(st.integers(min_value=1, max_value=12))
    needs: dict[int, list[int]] = {}
    for job in range(count):
        earlier = st.sampled_from(range(job)) if job else st.nothing()
        needs[job] = sorted(set(draw(st.lists(earlier, max_size=3)))) if job else []
    durations = {job: float(draw(st.integers(min_value=0, max_value=100))) for job in needs}
    pools = {job: draw(st.sampled_from(POOLS)) for job in needs}
    return needs, durations, pools


def _placed(pools: dict[int, str]) -> dict[int, Placement]:
    return {job: Placement(group=pool, pools=[pool]) for job, pool in pools.items()}


@given(graphs(), st.data())
def test_removing_needs_never_lengthens_the_wall_clock(graph, data) -> None:
    needs, durations, pools = graph
    job = data.draw(st.sampled_from(list(needs)))
    fewer = {j: (list(n[:-1]) if j == job else list(n)) for j, n in needs.items()}
    before = unconstrained_schedule(needs, durations, pools)
    after = unconstrained_schedule(fewer, durations, pools)
    assert after.wall_clock_s <= before.wall_clock_s


@given(graphs())
def test_compute_never_depends_on_the_needs(graph) -> None:
    needs, durations, pools = graph
    no_needs = {job: [] for job in needs}
    with_needs = unconstrained_schedule(needs, durations, pools)
    assert with_needs.compute_s == unconstrained_schedule(no_needs, durations, pools).compute_s
    assert with_needs.compute_s == sum(durations.values())


@given(graphs(), st.integers(min_value=1, max_value=3), st.integers(min_value=1, max_value=3))
@settings(max_examples=200)
def test_runners_only_delay_and_enough_of_them_delay_nothing(graph, small, medium) -> None:
    needs, durations, pools = graph
    free = unconstrained_schedule(needs, durations, pools)
    limited = constrained_schedule(
        needs, durations, _placed(pools), {"small": small, "medium": medium}
    )
    assert limited.wall_clock_s >= free.wall_clock_s
    enough = {pool: max(1, free.peak_runners.get(pool, 0)) for pool in POOLS}
    plenty = constrained_schedule(needs, durations, _placed(pools), enough)
    assert plenty.wall_clock_s == free.wall_clock_s
    assert all(timing.queue_wait_s == 0 for timing in plenty.jobs)


@given(graphs())
def test_the_wall_clock_is_at_least_the_longest_job(graph) -> None:
    needs, durations, pools = graph
    assert unconstrained_schedule(needs, durations, pools).wall_clock_s >= max(durations.values())


@given(graphs(), st.integers(min_value=1, max_value=3))
def test_the_critical_path_sums_to_the_wall_clock(graph, runners) -> None:
    needs, durations, pools = graph
    free = unconstrained_schedule(needs, durations, pools)
    assert sum(durations[job] for job in free.critical_path) == free.wall_clock_s
    for earlier, later in zip(free.critical_path, free.critical_path[1:], strict=False):
        assert earlier in needs[later]
    limited = constrained_schedule(needs, durations, _placed(pools), dict.fromkeys(POOLS, runners))
    path_time = sum(
        durations[job] + limited.timing(job).queue_wait_s for job in limited.critical_path
    )
    assert path_time == limited.wall_clock_s
