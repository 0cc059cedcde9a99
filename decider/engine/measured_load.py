"""Each pool's real load, measured from job runs over a window (DESIGN.md semantics 17).

A job run belongs to a pool when its runner group names the pool, else when its runner's name
starts with the pool's name (`small-7` on pool `small`), else when the pool's labels include all
of the job's labels (GitHub's rule, `pools.matching_pools`: the most specific pool first). Over a
window of W seconds, for a pool of c runners:

- jobs started per hour, overall and as a heatmap by hour of the week (the mean over the
  window's occurrences of each weekday-hour, so a window of 10 days counts some hours twice);
- served utilization = busy runner-seconds in the window / (c x W), a job busy from start to end;
- offered utilization adds the jobs cancelled while queued (never given a runner) at the pool's
  mean job length: the work that was asked for, not only the work done;
- queue wait = started - created, p50/p90/p99 over the jobs that give both times;
- peak busy runners: the most jobs running at one moment; hours saturated: clock hours in which,
  at some moment, every runner was busy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

from pydantic import BaseModel

from decider.engine.inputs import Pool
from decider.engine.percentile import percentile_of_sorted
from decider.engine.pools import matching_pools

DEFAULT_WINDOW_DAYS = 14
HOURS_PER_WEEK = 7 * 24
_RUNNER_NAME_SEPARATORS = ("-", "_", ".")


@dataclass(frozen=True, slots=True)
class LoadJob:
    """One job run, as the measured load reads it. A slotted dataclass, not a pydantic model:
    a window can hold hundreds of thousands, read from our own columns, and building
    that many validated models costs more than measuring them."""

    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    conclusion: str | None = None
    labels: tuple[str, ...] = ()  # runs-on labels the job asked for
    runner_group: str = ""
    runner_name: str = ""

    @property
    def cancelled_in_queue(self) -> bool:
        """Cancelled before any runner took it: no runner name, or no time on one."""
        if self.conclusion != "cancelled":
            return False
        no_time = (
            self.started_at is None
            or self.completed_at is None
            or self.completed_at <= self.started_at
        )
        return not self.runner_name or no_time

    @property
    def ran(self) -> bool:
        return (
            self.started_at is not None
            and self.completed_at is not None
            and self.completed_at > self.started_at
            and not self.cancelled_in_queue
        )


class Window(BaseModel):
    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, days: float = DEFAULT_WINDOW_DAYS) -> Window:
        return cls(start=end - timedelta(days=days), end=end)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def days(self) -> float:
        return self.seconds / 86400


class QueueWaits(BaseModel):
    measured: int  # jobs that give both created and started times
    p50_s: float | None
    p90_s: float | None
    p99_s: float | None


class PoolLoad(BaseModel):
    pool: str
    runners: int
    window: Window
    jobs: int  # started in the window
    cancelled_in_queue: int  # created in the window, cancelled before they started
    jobs_per_hour: float
    # [weekday Monday=0][hour 0..23] -> mean jobs started in that hour of the week.
    heatmap: list[list[float]]
    busy_runner_s: float
    served_utilization: float | None  # None for a pool of 0 runners
    offered_utilization: float | None
    mean_job_s: float | None
    queue_wait: QueueWaits
    peak_busy_runners: int
    hours_saturated: int


class MeasuredLoad(BaseModel):
    window: Window
    pools: list[PoolLoad]
    unattributed: int  # jobs in the window no pool claims (GitHub-hosted, unknown labels)


def pool_of(job: LoadJob, pools: list[Pool]) -> Pool | None:
    """The pool that served (or would have served) the job; None when no pool claims it."""
    if job.runner_group:
        by_group = [pool for pool in pools if pool.name.lower() == job.runner_group.lower()]
        if by_group:
            return by_group[0]
    if job.runner_name:
        runner = job.runner_name.lower()
        by_name = [
            pool
            for pool in pools
            if any(runner.startswith(pool.name.lower() + sep) for sep in _RUNNER_NAME_SEPARATORS)
        ]
        if by_name:
            return max(by_name, key=lambda pool: len(pool.name))
    if not job.labels:
        return None
    matches = matching_pools(list(job.labels), pools)
    return matches[0] if matches else None


def measure(jobs: list[LoadJob], pools: list[Pool], window: Window) -> MeasuredLoad:
    by_pool: dict[str, list[LoadJob]] = defaultdict(list)
    unattributed = 0
    # Runs share a few runner groups, names and label sets: each is attributed once.
    attributed: dict[tuple[str, str, tuple[str, ...]], Pool | None] = {}
    for job in jobs:
        moment = job.started_at if job.ran else job.created_at
        if moment is None or not window.start <= moment < window.end:
            continue
        key = (job.runner_group, job.runner_name, job.labels)
        if key not in attributed:
            attributed[key] = pool_of(job, pools)
        pool = attributed[key]
        if pool is None:
            unattributed += 1
        else:
            by_pool[pool.name].append(job)
    return MeasuredLoad(
        window=window,
        pools=[pool_load(pool, by_pool[pool.name], window) for pool in pools],
        unattributed=unattributed,
    )


def pool_load(pool: Pool, jobs: list[LoadJob], window: Window) -> PoolLoad:
    """The load of one pool from the jobs attributed to it (already within the window)."""
    ran = [job for job in jobs if job.ran]
    cancelled = sum(1 for job in jobs if job.cancelled_in_queue)
    intervals = [_clipped(job, window) for job in ran]
    busy = sum(end - start for start, end in intervals)
    durations = [_seconds(job) for job in ran]
    mean_job_s = sum(durations) / len(durations) if durations else None
    capacity = pool.runners * window.seconds
    offered = busy + cancelled * (mean_job_s or 0)
    peak, saturated = _peak_and_saturated_hours(intervals, pool.runners, window)
    return PoolLoad(
        pool=pool.name,
        runners=pool.runners,
        window=window,
        jobs=len(ran),
        cancelled_in_queue=cancelled,
        jobs_per_hour=len(ran) / (window.seconds / 3600),
        heatmap=_heatmap(ran, window),
        busy_runner_s=busy,
        served_utilization=busy / capacity if capacity else None,
        offered_utilization=offered / capacity if capacity else None,
        mean_job_s=mean_job_s,
        queue_wait=_queue_waits(ran),
        peak_busy_runners=peak,
        hours_saturated=saturated,
    )


def pipelines_per_hour(run_created: list[datetime], window: Window) -> float:
    """Pipelines (workflow runs) created per hour in the window."""
    inside = sum(1 for moment in run_created if window.start <= moment < window.end)
    return inside / (window.seconds / 3600)


def _seconds(job: LoadJob) -> float:
    assert job.started_at is not None and job.completed_at is not None
    return (job.completed_at - job.started_at).total_seconds()


def _clipped(job: LoadJob, window: Window) -> tuple[float, float]:
    """The job's busy interval within the window, in seconds from the window's start."""
    assert job.started_at is not None and job.completed_at is not None
    start = max(job.started_at, window.start)
    end = min(job.completed_at, window.end)
    return (start - window.start).total_seconds(), max(0.0, (end - window.start).total_seconds())


def _queue_waits(jobs: list[LoadJob]) -> QueueWaits:
    waits = sorted(
        (job.started_at - job.created_at).total_seconds()
        for job in jobs
        if job.created_at is not None and job.started_at is not None
    )
    if not waits:
        return QueueWaits(measured=0, p50_s=None, p90_s=None, p99_s=None)
    return QueueWaits(
        measured=len(waits),
        p50_s=percentile_of_sorted(waits, 0.5),
        p90_s=percentile_of_sorted(waits, 0.9),
        p99_s=percentile_of_sorted(waits, 0.99),
    )


def _heatmap(jobs: list[LoadJob], window: Window) -> list[list[float]]:
    started = [[0] * 24 for _ in range(7)]
    for job in jobs:
        assert job.started_at is not None
        moment = job.started_at.astimezone(UTC)
        started[moment.weekday()][moment.hour] += 1
    occurrences = _hour_of_week_occurrences(window)
    return [
        [
            started[day][hour] / occurrences[day][hour] if occurrences[day][hour] else 0.0
            for hour in range(24)
        ]
        for day in range(7)
    ]


def _hour_of_week_occurrences(window: Window) -> list[list[int]]:
    """How many clock hours of each weekday-hour the window holds (partial hours count)."""
    counts = [[0] * 24 for _ in range(7)]
    hour = window.start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour < window.end:
        counts[hour.weekday()][hour.hour] += 1
        hour += timedelta(hours=1)
    return counts


def _peak_and_saturated_hours(
    intervals: list[tuple[float, float]], runners: int, window: Window
) -> tuple[int, int]:
    """Sweep the starts and ends: the most jobs at once, and the clock hours in which the
    running count reached the pool's runners. An end at t frees before a start at t."""
    events = sorted(
        [(end, -1) for start, end in intervals if end > start]
        + [(start, 1) for start, end in intervals if end > start]
    )
    offset = (window.start - window.start.replace(minute=0, second=0, microsecond=0)).seconds
    running = peak = 0
    saturated: set[int] = set()
    full_since: float | None = None
    for moment, change in events:
        running += change
        peak = max(peak, running)
        if runners and running >= runners and full_since is None:
            full_since = moment
        elif full_since is not None and running < runners:
            saturated.update(_hours_between(full_since, moment, offset))
            full_since = None
    return peak, len(saturated)


def _hours_between(start: float, end: float, offset: float) -> range:
    """Clock hours (numbered from the window's first) that [start, end) touches."""
    first = int((start + offset) // 3600)
    last = max(first, ceil((end + offset) / 3600) - 1)
    return range(first, last + 1)
