"""The constrained schedule: a finite number of runners per pool, FIFO by (ready time, declaration).

Event-driven with heaps: finishing jobs free runners and make dependents ready; at each instant
every finish is processed before any runner is handed out, so a runner freed at t can start a
job ready at t. A zero-length job (unmeasured, DESIGN.md semantics 11) takes no runner and so
frees none: it ends the instant it is ready, and the jobs it releases join that instant's queue
before anything is handed out, so they queue by declaration order with every other job ready
then. A job that several pools can serve takes its preferred pool when it has a free runner,
else the first other one that has.
"""

import heapq
from collections.abc import Mapping, Sequence

from decider.engine.graph import Needs, successors, topological_order
from decider.engine.pools import Placement
from decider.engine.schedule import JobTiming, Schedule, summarize


class ScheduleError(ValueError):
    """The schedule cannot complete (a job needs a pool that has no runners)."""


def constrained_schedule(
    needs: Needs,
    durations: Mapping[int, float],
    placements: Mapping[int, Placement],
    runners: Mapping[str, int],
    milestone: Sequence[int] = (),
    keys: Mapping[int, str] | None = None,
) -> Schedule:
    """`keys` name jobs in error messages."""
    _refuse_unservable(needs, placements, runners, keys or {})
    order = list(needs)
    position = {job: index for index, job in enumerate(order)}
    dependents = successors(needs)
    remaining = {job: len(job_needs) for job, job_needs in needs.items()}
    # No more of a pool's runners can be busy than there are jobs, so a pool of a million
    # runners costs no more lanes than the graph has jobs.
    free_lanes = {
        pool: list(range(min(count, len(needs)))) for pool, count in runners.items() if count > 0
    }
    waiting: dict[str, list[tuple[float, int, int]]] = {pool: [] for pool in free_lanes}
    # Unconstrained groups grow lanes on demand; freed ones are reused lowest first.
    open_lanes: dict[str, list[int]] = {}
    opened: dict[str, int] = {}
    events: list[tuple[float, int, int]] = []  # (end, position, job)
    ready: dict[int, float] = {}
    start: dict[int, float] = {}
    lane_of: dict[int, int] = {}
    group_of: dict[int, str] = {}
    instant: set[int] = set()

    def start_job(job: int, group: str, lane: int, t: float) -> None:
        start[job] = t
        lane_of[job] = lane
        group_of[job] = group
        heapq.heappush(events, (t + durations[job], position[job], job))

    def make_ready(job: int, t: float) -> None:
        ready[job] = t
        pools = [pool for pool in placements[job].pools if pool in free_lanes]
        if pools and durations[job] == 0:
            # A zero-length job holds a runner for no time: like the peak count, it needs none,
            # and its end hands none back. Its lane only places it on the Gantt chart.
            instant.add(job)
            lanes = free_lanes[pools[0]]
            start_job(job, pools[0], lanes[0] if lanes else 0, t)
            return
        if pools:
            for pool in pools:
                heapq.heappush(waiting[pool], (t, position[job], job))
            return
        group = placements[job].group
        lanes = open_lanes.setdefault(group, [])
        if lanes:
            lane = heapq.heappop(lanes)
        else:
            lane = opened.get(group, 0)
            opened[group] = lane + 1
        start_job(job, group, lane, t)

    def dispatch(t: float) -> None:
        while True:
            best: tuple[float, int, int] | None = None
            for pool, queue in waiting.items():
                while queue and queue[0][2] in start:
                    heapq.heappop(queue)
                if queue and free_lanes[pool] and (best is None or queue[0] < best):
                    best = queue[0]
            if best is None:
                return
            job = best[2]
            pool = next(p for p in placements[job].pools if free_lanes.get(p))
            start_job(job, pool, heapq.heappop(free_lanes[pool]), t)

    for job in order:
        if remaining[job] == 0:
            make_ready(job, 0.0)
    now = 0.0
    while True:
        # Zero-length jobs ending now push their end at now: this loop takes them too, so
        # whatever they release is ready before the instant's runners are handed out.
        while events and events[0][0] == now:
            _, _, job = heapq.heappop(events)
            group = group_of[job]
            if job not in instant:
                heapq.heappush(
                    free_lanes[group] if group in free_lanes else open_lanes[group], lane_of[job]
                )
            for dependent in dependents[job]:
                remaining[dependent] -= 1
                if remaining[dependent] == 0:
                    make_ready(dependent, now)
        dispatch(now)
        if not events:
            break
        now = events[0][0]

    timings = [
        JobTiming(
            id=job,
            group=group_of[job],
            lane=lane_of[job],
            ready_s=ready[job],
            start_s=start[job],
            end_s=start[job] + durations[job],
            queue_wait_s=start[job] - ready[job],
        )
        for job in order
    ]
    schedule = summarize(needs, durations, timings, milestone)
    wait_by_pool: dict[str, float] = {}
    for job in schedule.critical_path:
        wait = start[job] - ready[job]
        if wait > 0:
            wait_by_pool[group_of[job]] = wait_by_pool.get(group_of[job], 0.0) + wait
    schedule.queue_delay_s = schedule.wall_clock_s - _longest_path(needs, durations)
    schedule.critical_path_queue_wait_s = sum(wait_by_pool.values())
    schedule.critical_path_queue_wait_by_pool = wait_by_pool
    return schedule


def _refuse_unservable(
    needs: Needs,
    placements: Mapping[int, Placement],
    runners: Mapping[str, int],
    keys: Mapping[int, str],
) -> None:
    stuck = [
        (job, placement)
        for job, placement in placements.items()
        if job in needs
        and placement.constrained
        and sum(runners.get(pool, 0) for pool in placement.pools) == 0
    ]
    if stuck:
        pools = sorted({pool for _, placement in stuck for pool in placement.pools})
        jobs = ", ".join(keys.get(job, f"#{job}") for job, _ in stuck)
        raise ScheduleError(
            f"{jobs} can only run on pool(s) with 0 runners ({', '.join(pools)}): "
            "they would never start. Give the pool runners."
        )


def _longest_path(needs: Needs, durations: Mapping[int, float]) -> float:
    end: dict[int, float] = {}
    for job in topological_order(needs):
        end[job] = max((end[need] for need in needs[job]), default=0.0) + durations[job]
    return max(end.values(), default=0.0)
