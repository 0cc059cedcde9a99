"""The repository page's figures: per job (runs used and left out, durations, queue wait, on
the critical path) and the current graph as the engine computes it with the team's pools.
Durations use the runs that count by default: successful ones (DESIGN.md semantics 12)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count

from decider.adapter.inputs import (
    StoredRuns,
    engine_pools,
    graph_of,
    job_rows,
    runs_keys,
    stored_runs,
)
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import analyze
from decider.engine.durations import counted_statistic
from decider.engine.formatting import count, duration, peak_in_words
from decider.engine.pools import place
from decider.engine.runs import RunCounts, counted
from decider.engine.schedule import TOTAL
from decider.models import Job, Workflow, WorkflowRun


@dataclass
class JobRow:
    """One line of the repository page's job table."""

    job: Job
    needs: list[str]
    runs: RunCounts = field(default_factory=RunCounts)
    latest_s: float | None = None
    median_s: float | None = None
    p90_s: float | None = None
    median_queue_wait_s: float | None = None
    on_critical_path: bool = False
    timeout_s: float = 0.0  # `timeout-minutes`, or GitHub's default
    # "a hung run holds one of small's 3 runners for up to 6 h": the default on a small pool
    default_timeout_risk: str = ""


@dataclass
class WorkflowOverview:
    workflow: Workflow
    rows: list[JobRow]
    run_count: int
    statistic: str = "latest"
    unmeasured: list[str] = field(default_factory=list)
    schedule: CurrentGraph | None = None
    timeout_note: str = ""  # the jobs with a default-timeout risk, counted

    @property
    def measured(self) -> bool:
        """Whether any job has a run that counts: without one, every figure would be 0 s."""
        return any(row.runs.used for row in self.rows)

    @property
    def table_id(self) -> str:
        """The HTML id of the workflow's job table, which its filter names."""
        return f"jobs-{self.workflow.pk}"


# GitHub cancels a job after `timeout-minutes`, 360 when the workflow does not say.
DEFAULT_TIMEOUT_MINUTES = 360
# A pool this size or smaller loses a large share of its capacity to one hung job.
SMALL_POOL_RUNNERS = 4


@dataclass
class CurrentGraph:
    """The current graph's figures for the repository page, from the engine."""

    wall_clock_s: float
    compute_s: float
    peak_total: int
    peak_by_pool: list[tuple[str, int]]
    peak_text: str  # "at most 5 at once: 4 small and 2 medium, at different moments"
    critical_path_keys: list[str]
    critical_path_names: list[str]
    constrained_wall_clock_s: float | None
    warnings: list[str]
    errors: list[str]


def current_graph(
    graph: engine_inputs.Workflow, pools: list[engine_inputs.Pool]
) -> CurrentGraph | None:
    """Unconstrained figures, plus the wall clock with the team's pool sizes when they bind."""
    if not graph.jobs:
        return None
    analysis = analyze(graph, pools, engine_inputs.Scenario(), simulator=None)
    current = analysis.current
    by_id = graph.by_id()
    return CurrentGraph(
        wall_clock_s=current.wall_clock_s,
        compute_s=current.compute_s,
        peak_total=current.peak_runners.get(TOTAL, 0),
        peak_by_pool=[
            (pool, peak) for pool, peak in current.peak_runners.items() if pool != TOTAL and peak
        ],
        peak_text=peak_in_words(current.peak_runners),
        critical_path_keys=[by_id[job_id].key for job_id in current.critical_path],
        critical_path_names=[by_id[job_id].name for job_id in current.critical_path],
        constrained_wall_clock_s=current.constrained.wall_clock_s if current.constrained else None,
        warnings=analysis.warnings,
        errors=analysis.errors,
    )


def repository_overviews(
    workflows: Sequence[Workflow],
) -> list[tuple[WorkflowOverview, WhatIf]]:
    """Each workflow's overview and what-if data (for its scenario list), in a number of
    queries that does not grow with the workflows: jobs, needs, run counts and the cache keys
    of their runs each in one query, the team's pools once."""
    if not workflows:
        return []
    jobs = job_rows(list(workflows))
    keys = runs_keys(list(workflows))
    pools = engine_pools(workflows[0].repository.team)
    run_counts = dict(
        WorkflowRun.objects.filter(workflow__in=workflows)
        .values("workflow")
        .annotate(runs=Count("id"))
        .order_by()
        .values_list("workflow", "runs")
    )
    result = []
    for workflow in workflows:
        stored = stored_runs(workflow, keys[workflow.pk])
        graph = graph_of(workflow, jobs[workflow.pk], stored.samples)
        overview = workflow_overview(
            workflow, jobs[workflow.pk], graph, pools, stored, run_counts.get(workflow.pk, 0)
        )
        result.append((overview, WhatIf(graph=graph, pools=pools, runs_key=stored.key)))
    return result


def workflow_overview(
    workflow: Workflow,
    jobs: list[Job],
    graph: engine_inputs.Workflow,
    pools: list[engine_inputs.Pool],
    stored: StoredRuns,
    run_count: int,
) -> WorkflowOverview:
    samples = {job.key: job.samples for job in graph.jobs}
    rows = []
    for job in jobs:
        row = JobRow(job=job, needs=[need.name for need in job.needs.all()])
        job_runs = counted(samples.get(job.key, []), include_failed_runs=False)
        row.runs = job_runs.counts
        if job_runs.samples:
            row.latest_s = counted_statistic(job_runs, "latest")
            row.median_s = counted_statistic(job_runs, "median")
            row.p90_s = counted_statistic(job_runs, "p90")
        row.median_queue_wait_s = stored.median_queue_wait_s.get(job.pk)
        _read_timeout(row, pools)
        rows.append(row)
    schedule = current_graph(graph, pools)
    on_path = set(schedule.critical_path_keys) if schedule else set()
    for row in rows:
        row.on_critical_path = row.job.key in on_path
    at_risk = [row for row in rows if row.default_timeout_risk]
    return WorkflowOverview(
        workflow=workflow,
        rows=rows,
        run_count=run_count,
        unmeasured=[row.job.name for row in rows if not row.runs.used],
        schedule=schedule,
        timeout_note=(
            f"{count(len(at_risk), 'job')} on small self-hosted pools "
            f"({SMALL_POOL_RUNNERS} runners or fewer) set no timeout-minutes: GitHub lets a "
            f"hung run hold a runner for {duration(DEFAULT_TIMEOUT_MINUTES * 60)}. Setting one "
            "bounds what a stuck job costs the pool."
            if at_risk
            else ""
        ),
    )


def _read_timeout(row: JobRow, pools: list[engine_inputs.Pool]) -> None:
    minutes = row.job.timeout_minutes
    row.timeout_s = (DEFAULT_TIMEOUT_MINUTES if minutes is None else minutes) * 60
    if minutes is not None or "timeout_expression" in row.job.flags:
        return
    placement = place(list(row.job.runs_on), pools)
    runners = {pool.name: pool.runners for pool in pools}
    total = sum(runners[name] for name in placement.pools)
    if placement.pools and 0 < total <= SMALL_POOL_RUNNERS:
        pool = placement.pools[0]
        share = (
            f"{pool}'s only runner"
            if total == 1
            else f"one of the {count(total, 'runner')} it can run on"
        )
        row.default_timeout_risk = (
            f"no timeout: a hung run holds {share} for up to {duration(row.timeout_s)}"
        )
