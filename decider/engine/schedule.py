"""The unconstrained schedule (jobs start when their needs end) and what both schedules report."""

import heapq
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from decider.engine.graph import Needs, topological_order

TOTAL = "total"
# Durations are sums of floats: ends closer than this are the same instant.
EPSILON = 1e-9


class JobTiming(BaseModel):
    id: int
    group: str  # the pool it ran on, or the unconstrained group (hosted, unknown labels)
    lane: int  # runner index within the group, for the Gantt chart
    ready_s: float
    start_s: float
    end_s: float
    queue_wait_s: float


class Step(BaseModel):
    """From t_s on, `runners` runners of the group are busy."""

    t_s: float
    runners: int


class Schedule(BaseModel):
    wall_clock_s: float
    milestone_wall_clock_s: float | None
    critical_path: list[int]
    compute_s: float
    peak_runners: dict[str, int]  # per group, and TOTAL
    jobs: list[JobTiming]  # declaration order
    concurrency: dict[str, list[Step]]
    # Queueing: zero everywhere for the unconstrained schedule.
    queue_delay_s: float = 0.0  # wall clock minus the unconstrained wall clock
    critical_path_queue_wait_s: float = 0.0
    critical_path_queue_wait_by_pool: dict[str, float] = {}

    def timing(self, job_id: int) -> JobTiming:
        return next(job for job in self.jobs if job.id == job_id)


def unconstrained_schedule(
    needs: Needs,
    durations: Mapping[int, float],
    groups: Mapping[int, str],
    milestone: Sequence[int] = (),
) -> Schedule:
    end: dict[int, float] = {}
    start: dict[int, float] = {}
    for job in topological_order(needs):
        start[job] = max((end[need] for need in needs[job]), default=0.0)
        end[job] = start[job] + durations[job]
    lanes = _lanes(list(needs), start, end, groups)
    timings = [
        JobTiming(
            id=job,
            group=groups[job],
            lane=lanes[job],
            ready_s=start[job],
            start_s=start[job],
            end_s=end[job],
            queue_wait_s=0.0,
        )
        for job in needs
    ]
    return summarize(needs, durations, timings, milestone)


def summarize(
    needs: Needs,
    durations: Mapping[int, float],
    timings: list[JobTiming],
    milestone: Sequence[int],
) -> Schedule:
    end = {timing.id: timing.end_s for timing in timings}
    wall_clock = max(end.values(), default=0.0)
    milestone_wall_clock = max((end[job] for job in milestone), default=0.0) if milestone else None
    concurrency = _concurrency(timings)
    peaks = {
        group: max((step.runners for step in steps), default=0)
        for group, steps in concurrency.items()
    }
    peaks[TOTAL] = _peak(timings)
    return Schedule(
        wall_clock_s=wall_clock,
        milestone_wall_clock_s=milestone_wall_clock,
        critical_path=critical_path(needs, end, wall_clock),
        compute_s=sum(durations[job] for job in needs),
        peak_runners=peaks,
        jobs=timings,
        concurrency=concurrency,
    )


def critical_path(needs: Needs, end: Mapping[int, float], wall_clock: float) -> list[int]:
    """The chain of needs that realizes the wall clock; ties go to the earlier-declared job.

    Among jobs that end last, one that another last-ending job needs is skipped, so that
    zero-length jobs at the end (an unmeasured publish) stay on the path.
    """
    if not needs:
        return []
    last = [job for job in needs if end[job] >= wall_clock - EPSILON]
    needed_by_last = {need for job in last for need in needs[job]}
    job = next(job for job in last if job not in needed_by_last)
    position = {job: index for index, job in enumerate(needs)}
    path = [job]
    while needs[job]:
        latest = max(end[need] for need in needs[job])
        job = min(
            (need for need in needs[job] if end[need] >= latest - EPSILON),
            key=position.__getitem__,
        )
        path.append(job)
    path.reverse()
    return path


def _lanes(
    order: list[int],
    start: Mapping[int, float],
    end: Mapping[int, float],
    groups: Mapping[int, str],
) -> dict[int, int]:
    """The lowest free runner index per group, taking jobs by (start, declaration order)."""
    position = {job: index for index, job in enumerate(order)}
    busy: dict[str, list[tuple[float, int]]] = {}
    free: dict[str, list[int]] = {}
    opened: dict[str, int] = {}
    lanes: dict[int, int] = {}
    for job in sorted(order, key=lambda job: (start[job], position[job])):
        group = groups[job]
        group_busy = busy.setdefault(group, [])
        group_free = free.setdefault(group, [])
        while group_busy and group_busy[0][0] <= start[job]:
            heapq.heappush(group_free, heapq.heappop(group_busy)[1])
        if group_free:
            lane = heapq.heappop(group_free)
        else:
            lane = opened.get(group, 0)
            opened[group] = lane + 1
        lanes[job] = lane
        heapq.heappush(group_busy, (end[job], lane))
    return lanes


def _events(timings: list[JobTiming]) -> list[tuple[float, int]]:
    # A runner freed at t is free at t: ends sort before starts. Zero-length jobs hold nothing.
    events = [(t.start_s, 1) for t in timings if t.end_s > t.start_s]
    events += [(t.end_s, -1) for t in timings if t.end_s > t.start_s]
    events.sort()
    return events


def _peak(timings: list[JobTiming]) -> int:
    running = peak = 0
    for _, delta in _events(timings):
        running += delta
        peak = max(peak, running)
    return peak


def _concurrency(timings: list[JobTiming]) -> dict[str, list[Step]]:
    by_group: dict[str, list[JobTiming]] = {}
    for timing in timings:
        by_group.setdefault(timing.group, []).append(timing)
    concurrency: dict[str, list[Step]] = {}
    for group, group_timings in by_group.items():
        steps: list[Step] = [Step(t_s=0.0, runners=0)]
        running = 0
        for t, delta in _events(group_timings):
            running += delta
            if steps[-1].t_s == t:
                steps[-1] = Step(t_s=t, runners=running)
            else:
                steps.append(Step(t_s=t, runners=running))
        concurrency[group] = steps
    return concurrency
