"""Shared-pool simulation (Monte Carlo), DESIGN.md "Engine semantics" 4.

The model
---------
Each pool of `runners` runners carries background work from everyone else: jobs arrive Poisson
at lambda = u * c / m (u baseline utilization, c runners, m mean background job duration) and last
an exponential time of mean m. The workflow's pipelines arrive on top of it:

- `pipelines_per_hour` r alone: pipelines arrive Poisson at r per hour.
- `pipelines_at_once` k alone: bursts of k pipelines arrive at the same instant. The next burst
  arrives once every pipeline of the previous one has finished, plus a random gap (exponential,
  mean = the pipeline's unconstrained wall clock) so bursts never overlap and each meets the
  background queues at a random moment. Background load runs throughout, gaps included.
- both: bursts of k pipelines arrive Poisson at r bursts per hour (they may overlap).
- `pipelines` is the number of pipelines simulated in total (the last burst may be smaller).

A pipeline job is ready when all its needs have finished (roots: when the pipeline arrives). Each
pool serves background and pipeline jobs FIFO by ready time (ties: pipeline arrival order, then
declaration order; a runner freed at t can start a job ready at t). Jobs with pool None run on an
unconstrained (hosted) pool and never wait. A zero-length (unmeasured) job takes no runner and
frees none (DESIGN.md semantics 11): it ends when it is ready, and what it releases is ready at
that instant. With no background load and one pipeline at a time, every pipeline therefore
takes exactly the constrained schedule's wall clock.

Measurement
-----------
The pools first run background load alone for a warm-up (`warmup_s`, default: a multiple of the
slowest pool's relaxation time) so the first pipeline meets queues in steady state. The window
starts when the warm-up ends (the first pipelines arrive then) and ends when the last pipeline
finishes, or after `horizon_s` when there are no pipelines to simulate (background only: the
Erlang C oracle; default: `default_run_s`, long enough for its p90 wait to be within about 5%
of Erlang C at 95% utilization).

- pipeline wall clock: first job ready (the pipeline's arrival) to its last job done.
- milestone wall clock: arrival to the end of the last milestone job.
- pipeline queue delay: wall clock minus the unconstrained wall clock (critical path), which is
  what sharing the pools costs that pipeline.
- per pool, waits count every job that became ready during the window, background and pipeline
  alike (`mean_wait_s`, `p90_wait_s`), and each kind on its own. FIFO means no later arrival can
  delay a job already queued, so a job queued when the window closes has a known start and is
  counted with its true wait rather than dropped.
- utilization: busy runner time inside the window / (runners x window length).
- uncertainty of a pool's pipeline p90 wait (`pipeline_p90_wait_interval_s`): the waits, in the
  order the jobs became ready, are cut into PRECISION_BATCHES consecutive batches; the spread
  of the batches' p90s around the whole run's p90 gives a 90% interval (batch means, or
  "sectioning": batches long enough to be nearly independent stand in for repeated runs).

Why it is fast
--------------
FIFO with known durations lets a pool assign a job its runner at the moment it becomes ready:
start = max(ready, earliest time a runner is free), then that runner is free at start +
duration (the Kiefer-Wolfowitz recursion). Background jobs therefore need no events at all: a
pool admits the background arrivals preceding a pipeline job just before placing that job, and
the event heap holds only pipeline arrivals, ready jobs and finished jobs, as plain tuples.
"""

import heapq
import math
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

from pydantic import BaseModel, Field, model_validator

from decider.engine.formatting import duration
from decider.engine.graph import find_cycle
from decider.engine.limits import (
    MAX_PIPELINES_AT_ONCE,
    MAX_PIPELINES_PER_HOUR,
    MAX_RUNNERS,
    MAX_SIMULATED_PIPELINES,
    SIMULATION_WORK_BUDGET,
)
from decider.engine.percentile import percentile, percentile_of_sorted
from decider.engine.prices import billed_minutes
from decider.engine.queueing import erlang_c, erlang_c_mean_wait

__all__ = [
    "Percentiles",
    "PoolStats",
    "SimJob",
    "SimPool",
    "SimulationInput",
    "SimulationResult",
    "Work",
    "WorkBudgetExceeded",
    "check_work",
    "default_run_s",
    "default_warmup_s",
    "erlang_c",
    "erlang_c_mean_wait",
    "estimated_work",
    "simulate",
]

# A queue forgets its starting state in a few relaxation times; 10 leaves a margin.
WARMUP_RELAXATION_TIMES = 10.0
# The error of a queue's mean or p90 wait over a window of K relaxation times falls about as
# 1 / sqrt(K) (heavy traffic). Measured at 95% utilization (3 runners, 350 s jobs, 6-8 seeds),
# the p90's standard deviation: K = 300 7.4%, 1000 4.0%, 2000 3.1% (worst -5.8%), 3000 2.1%
# (worst -3.5%). 3000 keeps every seed within 5%; at 95% that is ~4.4 million jobs (~3 s).
RUN_RELAXATION_TIMES = 3000.0
MAX_RUN_BACKGROUND_JOBS = 5_000_000
# Near saturation the relaxation time explodes (u = 0.999 would need ~4e7 jobs); beyond this
# many background arrivals the warm-up stops growing and the first pipelines see a younger queue.
MAX_WARMUP_BACKGROUND_JOBS = 200_000

# 90% interval of a pool's pipeline p90 wait from this many consecutive batches of its waits,
# each with at least PRECISION_MIN_BATCH_WAITS (fewer: no interval). t(0.95, 9 d.f.) = 1.833.
PRECISION_BATCHES = 10
PRECISION_MIN_BATCH_WAITS = 10
STUDENT_T_90_9 = 1.833

# Event phases, in the order events of the same instant are handled: finished jobs first (they
# free runners and release dependents), then arrivals, then ready jobs by (pipeline, declaration).
_DONE = 0
_ARRIVAL = 1
_READY = 2


class SimPool(BaseModel):
    name: str = Field(min_length=1)
    runners: int = Field(ge=1, le=MAX_RUNNERS)
    baseline_utilization: float = Field(ge=0.0, lt=1.0)
    mean_background_job_s: float = Field(ge=0.0)
    # Overflow (engine/options.py): a pipeline job whose wait here would pass this many
    # seconds runs on a GitHub-hosted runner instead, at once, its length times
    # `overflow_duration_factor`. None: every job waits for this pool.
    overflow_after_s: float | None = Field(default=None, ge=0.0)
    overflow_duration_factor: float = Field(default=1.0, gt=0.0)

    @model_validator(mode="after")
    def _background_jobs_need_a_duration(self) -> "SimPool":
        if self.baseline_utilization > 0 and self.mean_background_job_s <= 0:
            raise ValueError(
                f"pool {self.name!r}: mean_background_job_s must be > 0 when "
                f"baseline_utilization is {self.baseline_utilization}"
            )
        return self


class SimJob(BaseModel):
    index: int
    duration_s: float = Field(ge=0.0)
    needs: list[int] = Field(default_factory=list)
    pool: str | None = None  # None: unconstrained (GitHub-hosted), never waits


class SimulationInput(BaseModel):
    pools: list[SimPool]
    jobs: list[SimJob]
    milestone: list[int] = Field(default_factory=list)
    pipelines_per_hour: float | None = Field(default=None, gt=0.0, le=MAX_PIPELINES_PER_HOUR)
    pipelines_at_once: int | None = Field(default=None, ge=1, le=MAX_PIPELINES_AT_ONCE)
    pipelines: int = Field(ge=0, le=MAX_SIMULATED_PIPELINES)
    seed: int
    # Background-only warm-up before measuring; None: default_warmup_s(pools).
    warmup_s: float | None = Field(default=None, ge=0.0)
    # Length of the measured window when there is nothing to simulate but background load
    # (no jobs, or pipelines == 0); None: default_run_s(pools). Ignored otherwise: the window
    # ends with the last pipeline.
    horizon_s: float | None = Field(default=None, gt=0.0)

    @model_validator(mode="after")
    def _consistent(self) -> "SimulationInput":
        _check_pools(self.pools)
        _check_jobs(self.jobs, {pool.name for pool in self.pools})
        _check_milestone(self.milestone, {job.index for job in self.jobs})
        if self.simulates_pipelines:
            if self.pipelines_per_hour is None and self.pipelines_at_once is None:
                raise ValueError(
                    "set pipelines_per_hour (Poisson arrivals) or pipelines_at_once "
                    "(bursts of pipelines arriving together), or both"
                )
        elif self.horizon_s is None and default_run_s(self.pools) == 0:
            raise ValueError(
                "horizon_s is required when no pipeline is simulated (no jobs or pipelines == 0) "
                "and no pool has background load: it is how long to measure"
            )
        return self

    @property
    def simulates_pipelines(self) -> bool:
        return bool(self.jobs) and self.pipelines > 0


class Percentiles(BaseModel):
    p50: float
    p90: float
    p99: float
    mean: float


class PoolStats(BaseModel):
    name: str
    mean_wait_s: float  # every job that became ready in the window, background and pipeline
    p90_wait_s: float
    utilization: float
    background_mean_wait_s: float = 0.0
    pipeline_mean_wait_s: float | None = None  # None: no pipeline job runs on this pool
    pipeline_p90_wait_s: float | None = None
    # 90% interval of pipeline_p90_wait_s (see the module docstring); None: too few waits.
    pipeline_p90_wait_interval_s: tuple[float, float] | None = None
    jobs_counted: int = 0  # how many waits the figures above summarize
    pipeline_jobs: int = 0  # pipeline jobs that became ready on this pool
    # Pipeline jobs sent to GitHub-hosted runners (SimPool.overflow_after_s), and their
    # minutes as GitHub bills them: each job's hosted length rounded up to a whole minute.
    overflowed_jobs: int = 0
    overflowed_billed_minutes: int = 0
    # Background plus pipeline work needs the whole pool or more: the queue grows without bound,
    # so waits depend on how long the simulation runs and are not a steady state.
    saturated: bool = False


class SimulationResult(BaseModel):
    pipeline_wall_clock_s: Percentiles | None
    milestone_wall_clock_s: Percentiles | None  # None: no milestone, or no pipeline simulated
    pipeline_queue_delay_s: Percentiles | None
    pools: list[PoolStats]
    unconstrained_wall_clock_s: float | None = None
    warmup_s: float = 0.0
    measured_s: float = 0.0  # length of the measurement window


class WorkBudgetExceeded(ValueError):
    """A simulation (or a verdict's simulations) would handle more jobs than the budget."""


class Work(BaseModel):
    """A simulation's estimated work, in jobs it would follow (see `estimated_work`)."""

    pipeline_jobs: int
    background_jobs: int
    window_s: float  # the expected measured window: pipelines arriving and draining

    @property
    def total(self) -> int:
        """What the budgets count: a pipeline job costs about twice a background job (its
        events go through the heap; measured 1.7 against 0.6-0.9 microseconds)."""
        return 2 * self.pipeline_jobs + self.background_jobs

    def cause(self) -> str:
        """Where the work comes from, and what lowers it, in plain words."""
        if self.background_jobs >= self.pipeline_jobs:
            return (
                f"mostly other work arriving on the pools during the {duration(self.window_s)} "
                "the simulated pipelines take to arrive and finish. Raise pipelines per hour "
                "(the busy hour's rate), or lower the pools' baseline utilization."
            )
        return (
            "mostly the workflow's own jobs in every simulated pipeline. Simulate fewer "
            "pipelines, or analyse a smaller part of the workflow."
        )

    def refusal(self, budget: int) -> str:
        return (
            f"it would take the work of about {self.total:,} simulated jobs, more than the "
            f"{budget:,} one simulation may take; {self.cause()}"
        )


def estimated_work(inp: SimulationInput) -> Work:
    """About how many jobs a run of `inp` handles: its pipelines' jobs plus the background
    arrivals over the warm-up and the measured window. An estimate made before anything runs,
    so an oversized request is refused in microseconds instead of stalling a worker.

    The window is the pipelines' arrival span plus, for each pool, the time the runners its
    background work leaves free need for all the pipelines' work on it (what a queue that never
    catches up adds), plus one wall clock; bursts that wait for each other take two wall clocks
    each (the burst and the gap).
    """
    warmup_s = default_warmup_s(inp.pools) if inp.warmup_s is None else inp.warmup_s
    pipeline_jobs = 0
    if inp.simulates_pipelines:
        position = {job.index: at for at, job in enumerate(inp.jobs)}
        wall_s = _unconstrained_wall_clock(inp.jobs, position)
        bursts = math.ceil(inp.pipelines / (inp.pipelines_at_once or 1))
        if inp.pipelines_per_hour:
            span_s = bursts * 3600.0 / inp.pipelines_per_hour
        else:
            span_s = bursts * 2 * wall_s
        drain_s = max(
            (
                inp.pipelines
                * sum(job.duration_s for job in inp.jobs if job.pool == pool.name)
                / (pool.runners * max(1.0 - pool.baseline_utilization, 0.01))
                for pool in inp.pools
            ),
            default=0.0,
        )
        window_s = span_s + drain_s + wall_s
        pipeline_jobs = inp.pipelines * len(inp.jobs)
    else:
        window_s = default_run_s(inp.pools) if inp.horizon_s is None else inp.horizon_s
    arrivals_per_s = sum(
        pool.baseline_utilization * pool.runners / pool.mean_background_job_s
        for pool in inp.pools
        if pool.baseline_utilization > 0
    )
    background = min(arrivals_per_s * (warmup_s + window_s), 1e18)
    return Work(
        pipeline_jobs=pipeline_jobs, background_jobs=math.ceil(background), window_s=window_s
    )


def check_work(inp: SimulationInput, budget: int = SIMULATION_WORK_BUDGET) -> Work:
    """The estimated work of `inp`; raises WorkBudgetExceeded, in plain words, above `budget`."""
    work = estimated_work(inp)
    if work.total > budget:
        raise WorkBudgetExceeded(work.refusal(budget))
    return work


def simulate(inp: SimulationInput) -> SimulationResult:
    """Run the Monte Carlo described in the module docstring; deterministic for `inp.seed`.

    Refuses (WorkBudgetExceeded) before starting when the run would exceed the work budget."""
    check_work(inp)
    rng = random.Random(inp.seed)
    warmup_s = default_warmup_s(inp.pools) if inp.warmup_s is None else inp.warmup_s
    queues = [_PoolQueue(pool, rng, warmup_s) for pool in inp.pools]
    if not inp.simulates_pipelines:
        horizon_s = default_run_s(inp.pools) if inp.horizon_s is None else inp.horizon_s
        window_end = warmup_s + horizon_s
        for queue in queues:
            queue.admit_background_until(window_end, window_end)
        return SimulationResult(
            pipeline_wall_clock_s=None,
            milestone_wall_clock_s=None,
            pipeline_queue_delay_s=None,
            pools=[queue.stats(window_end) for queue in queues],
            warmup_s=warmup_s,
            measured_s=window_end - warmup_s,
        )

    graph = _Graph(inp.jobs, inp.milestone, [pool.name for pool in inp.pools])
    run = _run_pipelines(inp, graph, queues, rng, warmup_s)
    for queue in queues:
        queue.close_window(run.window_end)
    delays = [max(0.0, wall - graph.unconstrained_wall_clock_s) for wall in run.wall_clocks]
    return SimulationResult(
        pipeline_wall_clock_s=_percentiles(run.wall_clocks),
        milestone_wall_clock_s=_percentiles(run.milestone_wall_clocks) if graph.milestone else None,
        pipeline_queue_delay_s=_percentiles(delays),
        pools=[
            queue.stats(run.window_end).model_copy(update={"saturated": saturated})
            for queue, saturated in zip(queues, _saturated_pools(inp), strict=True)
        ],
        unconstrained_wall_clock_s=graph.unconstrained_wall_clock_s,
        warmup_s=warmup_s,
        measured_s=run.window_end - warmup_s,
    )


def _saturated_pools(inp: SimulationInput) -> list[bool]:
    """Per pool, whether its offered load (busy runners on average) reaches its runner count.

    Only Poisson arrivals can saturate a pool: bursts that wait for each other throttle
    themselves, and a pool that overflows to hosted runners never lets its pipeline jobs
    wait past the threshold.
    """
    pipelines_per_s = 0.0
    if inp.pipelines_per_hour:
        pipelines_per_s = inp.pipelines_per_hour * (inp.pipelines_at_once or 1) / 3600.0
    saturated = []
    for pool in inp.pools:
        work_per_pipeline_s = sum(job.duration_s for job in inp.jobs if job.pool == pool.name)
        offered_load = (
            pool.baseline_utilization * pool.runners + pipelines_per_s * work_per_pipeline_s
        )
        saturated.append(pool.overflow_after_s is None and offered_load >= pool.runners)
    return saturated


def default_run_s(pools: Iterable[SimPool]) -> float:
    """How long to measure background load alone: RUN_RELAXATION_TIMES of the slowest pool's
    relaxation time (see default_warmup_s), capped at MAX_RUN_BACKGROUND_JOBS arrivals."""
    return _relaxation_multiple(pools, RUN_RELAXATION_TIMES, MAX_RUN_BACKGROUND_JOBS)


def default_warmup_s(pools: Iterable[SimPool]) -> float:
    """Background-only time before measuring, long enough for every pool to reach steady state.

    An M/M/c queue relaxes in about m / (c (1 - sqrt(u))^2) (the heavy-traffic estimate, exact
    for c = 1); take WARMUP_RELAXATION_TIMES of the slowest pool's, capped at
    MAX_WARMUP_BACKGROUND_JOBS arrivals.
    """
    return _relaxation_multiple(pools, WARMUP_RELAXATION_TIMES, MAX_WARMUP_BACKGROUND_JOBS)


def _relaxation_multiple(pools: Iterable[SimPool], times: float, max_arrivals: int) -> float:
    longest = 0.0
    for pool in pools:
        u, c, m = pool.baseline_utilization, pool.runners, pool.mean_background_job_s
        if u == 0:
            continue
        relaxation_s = m / (c * (1.0 - math.sqrt(u)) ** 2)
        cap_s = max_arrivals * m / (u * c)
        longest = max(longest, min(times * relaxation_s, cap_s))
    return longest


class _PoolQueue:
    """One pool's runners, its background arrivals and what was measured on it.

    `runner_free_at` is a min-heap of the times the runners in use become free. It grows only up
    to the peak concurrency, so a pool of a million runners costs no more than a small one.
    Busy time is credited when a job is placed, clipped to the window's start; jobs placed
    before the window's end is known are clipped to it by close_window.
    """

    __slots__ = (
        "arrival_rate",
        "background_waits",
        "busy_s",
        "mean_job_s",
        "name",
        "next_arrival_at",
        "overflow_after_s",
        "overflow_factor",
        "overflowed_jobs",
        "overflowed_minutes",
        "pipeline_waits",
        "rng",
        "runner_free_at",
        "runners",
        "window_start",
    )

    def __init__(self, pool: SimPool, rng: random.Random, window_start: float) -> None:
        self.name = pool.name
        self.runners = pool.runners
        self.mean_job_s = pool.mean_background_job_s
        self.arrival_rate = (
            pool.baseline_utilization * pool.runners / pool.mean_background_job_s
            if pool.baseline_utilization > 0
            else 0.0
        )
        self.rng = rng
        self.window_start = window_start
        self.runner_free_at: list[float] = []
        self.busy_s = 0.0
        self.background_waits: list[float] = []
        self.pipeline_waits: list[float] = []
        self.overflow_after_s = pool.overflow_after_s
        self.overflow_factor = pool.overflow_duration_factor
        self.overflowed_jobs = 0
        self.overflowed_minutes = 0
        self.next_arrival_at = (
            rng.expovariate(self.arrival_rate) if self.arrival_rate > 0 else math.inf
        )

    def admit_background_until(self, until: float, window_end: float) -> None:
        """Place every background job arriving before `until`, in arrival order.

        The hot loop of the whole simulation: everything is bound to locals, and exponential
        variates are drawn inline as -m ln(1 - U) (what expovariate does, minus a call).
        """
        arrival = self.next_arrival_at
        if arrival >= until:
            return
        uniform = self.rng.random
        log = math.log
        push = heapq.heappush
        replace = heapq.heapreplace
        free_at = self.runner_free_at
        runners = self.runners
        mean_job_s = self.mean_job_s
        mean_gap_s = 1.0 / self.arrival_rate
        window_start = self.window_start
        waits = self.background_waits
        record_wait = waits.append
        busy_s = self.busy_s
        while arrival < until:
            duration = -mean_job_s * log(1.0 - uniform())
            if free_at and free_at[0] <= arrival:
                start = arrival
                replace(free_at, arrival + duration)
            elif len(free_at) < runners:
                start = arrival
                push(free_at, arrival + duration)
            else:
                start = free_at[0]
                replace(free_at, start + duration)
            end = start + duration
            if arrival >= window_start:
                record_wait(start - arrival)
            # Only the part inside the window counts: warm-up jobs may end in it, and jobs
            # queued when it closes may start after it.
            if end > window_start and start < window_end:
                busy_s += min(end, window_end) - max(start, window_start)
            arrival += -mean_gap_s * log(1.0 - uniform())
        self.next_arrival_at = arrival
        self.busy_s = busy_s

    def place_pipeline_job(self, ready_at: float, duration: float) -> tuple[float, float]:
        """Give a pipeline job ready at `ready_at` its runner (FIFO); return its start time and
        how long it runs. FIFO fixes its start the moment it is ready, so a job whose wait
        would pass the overflow threshold is known then and runs on a hosted runner instead:
        it starts at once and holds none of this pool's runners."""
        self.admit_background_until(ready_at, math.inf)
        free_at = self.runner_free_at
        if (
            self.overflow_after_s is not None
            and len(free_at) >= self.runners
            and free_at[0] - ready_at > self.overflow_after_s
        ):
            hosted = duration * self.overflow_factor
            self.overflowed_jobs += 1
            self.overflowed_minutes += billed_minutes(hosted)
            self.pipeline_waits.append(0.0)
            return ready_at, hosted
        if free_at and free_at[0] <= ready_at:
            start = ready_at
            heapq.heapreplace(free_at, ready_at + duration)
        elif len(free_at) < self.runners:
            start = ready_at
            heapq.heappush(free_at, ready_at + duration)
        else:
            start = free_at[0]
            heapq.heapreplace(free_at, start + duration)
        # Pipelines arrive from the window's start on, so the whole job is inside it.
        self.busy_s += duration
        self.pipeline_waits.append(start - ready_at)
        return start, duration

    def close_window(self, window_end: float) -> None:
        """Clip the busy time credited so far at `window_end`, then admit the last arrivals.

        Every job placed so far started by `window_end` (a background job placed before a
        pipeline job starts no later than it, FIFO), so only each runner's last job can run past
        the end, and the heap holds exactly those jobs' end times.
        """
        self.busy_s -= sum(free - window_end for free in self.runner_free_at if free > window_end)
        self.admit_background_until(window_end, window_end)

    def stats(self, window_end: float) -> PoolStats:
        everyone = sorted(chain(self.background_waits, self.pipeline_waits))
        window_s = window_end - self.window_start
        return PoolStats(
            name=self.name,
            mean_wait_s=_mean(everyone),
            p90_wait_s=percentile_of_sorted(everyone, 0.90) if everyone else 0.0,
            utilization=self.busy_s / (self.runners * window_s) if window_s > 0 else 0.0,
            background_mean_wait_s=_mean(self.background_waits),
            pipeline_mean_wait_s=_mean(self.pipeline_waits) if self.pipeline_waits else None,
            pipeline_p90_wait_s=(
                percentile(self.pipeline_waits, 0.90) if self.pipeline_waits else None
            ),
            pipeline_p90_wait_interval_s=p90_interval(self.pipeline_waits),
            jobs_counted=len(everyone),
            pipeline_jobs=len(self.pipeline_waits),
            overflowed_jobs=self.overflowed_jobs,
            overflowed_billed_minutes=self.overflowed_minutes,
        )


class _Graph:
    """The job graph as flat lists indexed by declaration position, for the event loop."""

    def __init__(self, jobs: Sequence[SimJob], milestone: Sequence[int], pools: list[str]):
        position = {job.index: at for at, job in enumerate(jobs)}
        pool_slot = {name: slot for slot, name in enumerate(pools)}
        self.size = len(jobs)
        self.durations = [job.duration_s for job in jobs]
        # -1: unconstrained pool, the job starts the moment it is ready.
        self.pool_slots = [-1 if job.pool is None else pool_slot[job.pool] for job in jobs]
        self.need_counts = [len(job.needs) for job in jobs]
        self.dependents: list[list[int]] = [[] for _ in jobs]
        for at, job in enumerate(jobs):
            for need in job.needs:
                self.dependents[position[need]].append(at)
        self.roots = [at for at, job in enumerate(jobs) if not job.needs]
        self.milestone = frozenset(position[index] for index in milestone)
        self.in_milestone = [at in self.milestone for at in range(self.size)]
        self.unconstrained_wall_clock_s = _unconstrained_wall_clock(jobs, position)


class _PipelineRun:
    def __init__(self, window_end: float, wall: list[float], milestone: list[float]) -> None:
        self.window_end = window_end
        self.wall_clocks = wall
        self.milestone_wall_clocks = milestone


def _run_pipelines(
    inp: SimulationInput,
    graph: _Graph,
    queues: list[_PoolQueue],
    rng: random.Random,
    first_arrival_at: float,
) -> _PipelineRun:
    """The event loop. Events are (time, phase, pipeline, job position) tuples.

    A zero-length job takes no runner and frees none (DESIGN.md semantics 11): it ends the
    instant it is ready, without an event, so the jobs it releases are queued as READY events of
    that instant before any of them is placed, and take runners in (pipeline, declaration)
    order with every other job ready then, as in the constrained schedule.
    """
    total = inp.pipelines
    burst_size = inp.pipelines_at_once or 1
    # Poisson bursts when a rate is given; otherwise the next burst waits for the previous one.
    mean_burst_gap_s = 3600.0 / inp.pipelines_per_hour if inp.pipelines_per_hour else None
    mean_drain_gap_s = graph.unconstrained_wall_clock_s

    durations = graph.durations
    pool_slots = graph.pool_slots
    dependents = graph.dependents
    need_counts = graph.need_counts
    roots = graph.roots
    in_milestone = graph.in_milestone
    job_count = graph.size
    place = [queue.place_pipeline_job for queue in queues]

    arrived_at = [0.0] * total
    milestone_done_at = [0.0] * total
    jobs_done = [0] * total
    # Per pipeline, how many needs each job still waits for; filled on arrival, freed when done.
    waiting_needs: list[list[int]] = [[]] * total
    wall_clocks: list[float] = []
    milestone_wall_clocks: list[float] = []
    unfinished_in_burst = 0
    next_burst_first = 0
    last_done_at = first_arrival_at

    events: list[tuple[float, int, int, int]] = [(first_arrival_at, _ARRIVAL, 0, -1)]
    push = heapq.heappush
    pop = heapq.heappop

    def release(now: float, pipeline: int, jobs: Iterable[int]) -> None:
        """Make `jobs` ready at `now`: zero-length ones end at once, releasing theirs."""
        pending = list(jobs)
        while pending:
            job = pending.pop()
            if durations[job] > 0:
                push(events, (now, _READY, pipeline, job))
                continue
            needs_left = waiting_needs[pipeline]
            for dependent in dependents[job]:
                needs_left[dependent] -= 1
                if not needs_left[dependent]:
                    pending.append(dependent)
            finish(now, pipeline, job)

    def finish(now: float, pipeline: int, job: int) -> None:
        nonlocal unfinished_in_burst, last_done_at
        if in_milestone[job]:
            milestone_done_at[pipeline] = now  # jobs end in time order: the max
        jobs_done[pipeline] += 1
        if jobs_done[pipeline] < job_count:
            return
        waiting_needs[pipeline] = []
        wall_clocks.append(now - arrived_at[pipeline])
        milestone_wall_clocks.append(milestone_done_at[pipeline] - arrived_at[pipeline])
        last_done_at = now
        if mean_burst_gap_s is None:
            unfinished_in_burst -= 1
            if unfinished_in_burst == 0 and next_burst_first < total:
                gap = _exponential(rng, mean_drain_gap_s)
                push(events, (now + gap, _ARRIVAL, next_burst_first, -1))

    while events:
        now, phase, pipeline, job = pop(events)
        if phase == _READY:
            slot = pool_slots[job]
            duration = durations[job]
            if slot < 0:
                start = now
            else:
                start, duration = place[slot](now, duration)
            push(events, (start + duration, _DONE, pipeline, job))
        elif phase == _DONE:
            needs_left = waiting_needs[pipeline]
            released = []
            for dependent in dependents[job]:
                needs_left[dependent] -= 1
                if not needs_left[dependent]:
                    released.append(dependent)
            finish(now, pipeline, job)
            if released:
                release(now, pipeline, released)
        else:
            next_burst_first = min(pipeline + burst_size, total)
            arriving = range(pipeline, next_burst_first)
            for each in arriving:
                arrived_at[each] = now
                waiting_needs[each] = need_counts.copy()
            if mean_burst_gap_s is None:
                unfinished_in_burst = next_burst_first - pipeline
            elif next_burst_first < total:
                gap = _exponential(rng, mean_burst_gap_s)
                push(events, (now + gap, _ARRIVAL, next_burst_first, -1))
            for each in arriving:
                release(now, each, roots)
    return _PipelineRun(last_done_at, wall_clocks, milestone_wall_clocks)


def _unconstrained_wall_clock(jobs: Sequence[SimJob], position: dict[int, int]) -> float:
    """Critical-path length: every job starts when its needs end (DESIGN.md 2)."""
    end_at = [0.0] * len(jobs)
    for at in _topological_order(jobs):
        job = jobs[at]
        start = max((end_at[position[need]] for need in job.needs), default=0.0)
        end_at[at] = start + job.duration_s
    return max(end_at, default=0.0)


def _topological_order(jobs: Sequence[SimJob]) -> list[int]:
    """Job positions, needs first (Kahn's algorithm: no recursion, whatever the graph's depth).

    Raises ValueError naming a cycle when there is one.
    """
    position = {job.index: at for at, job in enumerate(jobs)}
    needs_left = [len(job.needs) for job in jobs]
    dependents: list[list[int]] = [[] for _ in jobs]
    for at, job in enumerate(jobs):
        for need in job.needs:
            dependents[position[need]].append(at)
    order = [at for at, count in enumerate(needs_left) if count == 0]
    for at in order:  # grows while iterating: each job joins once its needs are all in
        for dependent in dependents[at]:
            needs_left[dependent] -= 1
            if needs_left[dependent] == 0:
                order.append(dependent)
    if len(order) < len(jobs):
        cycle = find_cycle({job.index: job.needs for job in jobs})
        assert cycle is not None  # Kahn leaves jobs unordered only when their needs loop
        described = " -> ".join(f"job {index}" for index in cycle)
        raise ValueError(f"the job graph has a cycle: {described} (each needs the next)")
    return order


def _check_pools(pools: Sequence[SimPool]) -> None:
    seen: set[str] = set()
    for pool in pools:
        if pool.name in seen:
            raise ValueError(f"pool {pool.name!r} is listed twice")
        seen.add(pool.name)


def _check_jobs(jobs: Sequence[SimJob], pool_names: set[str]) -> None:
    indexes = [job.index for job in jobs]
    duplicates = sorted(index for index, count in Counter(indexes).items() if count > 1)
    if duplicates:
        raise ValueError(f"job indexes must be unique, repeated: {duplicates}")
    known = set(indexes)
    for job in jobs:
        if job.pool is not None and job.pool not in pool_names:
            raise ValueError(
                f"job {job.index} runs on pool {job.pool!r}, which is not among the pools "
                f"{sorted(pool_names)} (use pool None for an unconstrained, hosted pool)"
            )
        unknown = [need for need in job.needs if need not in known]
        if unknown:
            raise ValueError(f"job {job.index} needs unknown jobs {unknown}")
        if len(set(job.needs)) != len(job.needs):
            raise ValueError(f"job {job.index} lists a need twice: {job.needs}")
    _topological_order(jobs)


def _check_milestone(milestone: Sequence[int], indexes: set[int]) -> None:
    unknown = [index for index in milestone if index not in indexes]
    if unknown:
        raise ValueError(f"milestone refers to unknown jobs {unknown}")


def p90_interval(waits: Sequence[float]) -> tuple[float, float] | None:
    """A 90% interval of the p90 of `waits` (in time order), from consecutive batches."""
    size = len(waits) // PRECISION_BATCHES
    if size < PRECISION_MIN_BATCH_WAITS:
        return None
    batches = [
        percentile(waits[at * size : (at + 1) * size], 0.90) for at in range(PRECISION_BATCHES)
    ]
    centre = percentile(waits, 0.90)
    half = STUDENT_T_90_9 * statistics.stdev(batches) / math.sqrt(PRECISION_BATCHES)
    return max(0.0, centre - half), centre + half


def _exponential(rng: random.Random, mean: float) -> float:
    return rng.expovariate(1.0 / mean) if mean > 0 else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _percentiles(values: Sequence[float]) -> Percentiles:
    ordered = sorted(values)
    return Percentiles(
        p50=percentile_of_sorted(ordered, 0.50),
        p90=percentile_of_sorted(ordered, 0.90),
        p99=percentile_of_sorted(ordered, 0.99),
        mean=_mean(ordered),
    )
