import pytest

from decider.engine.constrained import ScheduleError, constrained_schedule
from decider.engine.durations import current_durations
from decider.engine.inputs import Scenario, current_needs
from decider.engine.pools import Placement, placements
from decider.engine.schedule import unconstrained_schedule
from tests.engine.seed import job_id, seed_pools, seed_workflow

PROD = ["build-production-api", "build-production-worker", "build-production-migrations"]


def _seed_graphs() -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    current = current_needs(seed_workflow())
    proposed = {job: list(needs) for job, needs in current.items()}
    for key in PROD:
        proposed[job_id(key)] = []
    proposed[job_id("publish-api")] += [job_id("lint-and-unit-api"), job_id("test-api-integration")]
    return current, proposed


def _seconds(statistic: str = "latest") -> dict[int, float]:
    return current_durations(seed_workflow(), Scenario(statistic=statistic)).seconds


def _groups() -> dict[int, str]:
    return {
        job: placement.group for job, placement in placements(seed_workflow(), seed_pools()).items()
    }


def test_it_starts_each_job_when_its_needs_end() -> None:
    current, _ = _seed_graphs()
    schedule = unconstrained_schedule(current, _seconds(), _groups())
    api_prod = schedule.timing(job_id("build-production-api"))
    assert (api_prod.start_s, api_prod.end_s) == (524, 1012)
    assert schedule.wall_clock_s == 1012


def test_the_critical_path_keeps_a_zero_length_publish_at_its_end() -> None:
    current, _ = _seed_graphs()
    schedule = unconstrained_schedule(current, _seconds(), _groups())
    assert schedule.critical_path == [
        job_id("build-test-image-api"),
        job_id("build-production-api"),
        job_id("publish-api"),
    ]


def test_critical_path_ties_go_to_the_earlier_declared_job() -> None:
    _, proposed = _seed_graphs()
    schedule = unconstrained_schedule(proposed, _seconds(), _groups())
    # lint-and-unit-api and test-api-integration both end at 524: lint is declared first.
    assert schedule.critical_path == [
        job_id("build-test-image-api"),
        job_id("lint-and-unit-api"),
        job_id("publish-api"),
    ]


def test_peaks_count_half_open_intervals_and_ignore_zero_length_jobs() -> None:
    current, proposed = _seed_graphs()
    before = unconstrained_schedule(current, _seconds(), _groups())
    after = unconstrained_schedule(proposed, _seconds(), _groups())
    assert (before.peak_runners["small"], before.peak_runners["medium"]) == (4, 2)
    assert before.peak_runners["total"] == 5
    assert (after.peak_runners["small"], after.peak_runners["medium"]) == (4, 4)
    assert after.peak_runners["total"] == 8
    assert after.peak_runners["cpu-optimized"] == 0


def test_concurrency_is_a_step_function_per_pool() -> None:
    _, proposed = _seed_graphs()
    schedule = unconstrained_schedule(proposed, _seconds(), _groups())
    steps = [(step.t_s, step.runners) for step in schedule.concurrency["medium"]]
    assert steps == [(0, 4), (23, 3), (169, 2), (377, 1), (488, 0)]


@pytest.mark.parametrize(
    ("medium", "current_s", "proposed_s"), [(3, 1012, 524), (2, 1012, 546), (1, 1148, 1057)]
)
def test_constrained_wall_clock_matches_the_golden_figures(
    medium: int, current_s: float, proposed_s: float
) -> None:
    current, proposed = _seed_graphs()
    placed = placements(seed_workflow(), seed_pools())
    runners = {"small": 4, "medium": medium, "cpu-optimized": 2}
    assert constrained_schedule(current, _seconds(), placed, runners).wall_clock_s == current_s
    assert constrained_schedule(proposed, _seconds(), placed, runners).wall_clock_s == proposed_s


def test_queue_waits_are_fifo_by_ready_time_then_declaration() -> None:
    _, proposed = _seed_graphs()
    placed = placements(seed_workflow(), seed_pools())
    schedule = constrained_schedule(
        proposed, _seconds(), placed, {"small": 4, "medium": 1, "cpu-optimized": 2}
    )
    order = [
        (schedule.timing(job_id(key)).start_s, schedule.timing(job_id(key)).queue_wait_s)
        for key in [*PROD, "build-production-eight-ball"]
    ]
    assert order == [(0, 0), (488, 488), (865, 865), (1034, 1034)]
    assert {schedule.timing(job_id(key)).lane for key in PROD} == {0}


def test_critical_path_queue_wait_is_split_by_pool() -> None:
    current, _ = _seed_graphs()
    placed = placements(seed_workflow(), seed_pools())
    schedule = constrained_schedule(
        current, _seconds(), placed, {"small": 4, "medium": 1, "cpu-optimized": 2}
    )
    assert schedule.critical_path_queue_wait_by_pool == {"medium": 136}
    assert schedule.queue_delay_s == 136


def test_a_runner_freed_at_t_starts_a_job_ready_at_t() -> None:
    needs = {0: [], 1: [], 2: [0]}
    placed = {job: Placement(group="p", pools=["p"]) for job in needs}
    schedule = constrained_schedule(needs, {0: 10, 1: 10, 2: 5}, placed, {"p": 1})
    # Job 1 waits from 0; job 2 becomes ready at 10 when job 0 frees the runner: 1 goes first.
    assert schedule.timing(1).start_s == 10
    assert schedule.timing(2).start_s == 20


def test_a_job_takes_any_pool_whose_labels_include_its_own() -> None:
    needs = {0: [], 1: []}
    placed = {job: Placement(group="a", pools=["a", "b"]) for job in needs}
    schedule = constrained_schedule(needs, {0: 10, 1: 10}, placed, {"a": 1, "b": 1})
    assert [timing.group for timing in schedule.jobs] == ["a", "b"]
    assert schedule.wall_clock_s == 10


def test_a_pool_with_no_runners_is_an_error_naming_the_job() -> None:
    current, _ = _seed_graphs()
    placed = placements(seed_workflow(), seed_pools())
    keys = {job.id: job.key for job in seed_workflow().jobs}
    with pytest.raises(ScheduleError, match=r"build-production-api.*medium"):
        constrained_schedule(current, _seconds(), placed, {"small": 4, "medium": 0}, keys=keys)


def test_a_zero_length_job_takes_no_runner_and_frees_none() -> None:
    """One runner; an unmeasured root releases job 2, which then queues ahead of job 3."""
    needs = {0: [], 1: [], 2: [0], 3: []}
    durations = {0: 0.0, 1: 10.0, 2: 10.0, 3: 10.0}
    placed = {job: Placement(group="p", pools=["p"]) for job in needs}
    schedule = constrained_schedule(needs, durations, placed, {"p": 1})
    assert [(t.start_s, t.end_s) for t in schedule.jobs] == [
        (0, 0),
        (0, 10),
        (10, 20),
        (20, 30),
    ]
    assert schedule.wall_clock_s == 30
    assert schedule.peak_runners["p"] == 1
