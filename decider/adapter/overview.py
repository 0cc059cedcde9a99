"""The repository page's figures: per job (runs used and left out, durations, queue wait, on
the critical path) and the current graph as the engine computes it with the team's pools.
Durations use the runs that count by default: successful ones (DESIGN.md semantics 12)."""

from __future__ import annotations

from dataclasses import dataclass, field

from decider.adapter.inputs import engine_pools, engine_workflow, stored_runs
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import analyze
from decider.engine.durations import counted_statistic
from decider.engine.formatting import peak_in_words
from decider.engine.runs import RunCounts, counted
from decider.engine.schedule import TOTAL
from decider.models import Job, Workflow


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


@dataclass
class WorkflowOverview:
    workflow: Workflow
    rows: list[JobRow]
    run_count: int
    statistic: str = "latest"
    unmeasured: list[str] = field(default_factory=list)
    schedule: CurrentGraph | None = None


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


def current_graph(workflow: Workflow, graph: engine_inputs.Workflow) -> CurrentGraph | None:
    """Unconstrained figures, plus the wall clock with the team's pool sizes when they bind."""
    if not graph.jobs:
        return None
    pools = engine_pools(workflow.repository.team)
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


def workflow_overview(workflow: Workflow) -> WorkflowOverview:
    jobs = list(workflow.jobs.prefetch_related("needs").order_by("order"))
    graph = engine_workflow(workflow)
    samples = {job.key: job.samples for job in graph.jobs}
    waits = stored_runs(workflow).median_queue_wait_s
    rows = []
    for job in jobs:
        row = JobRow(job=job, needs=[need.name for need in job.needs.all()])
        job_runs = counted(samples.get(job.key, []), include_failed_runs=False)
        row.runs = job_runs.counts
        if job_runs.samples:
            row.latest_s = counted_statistic(job_runs, "latest")
            row.median_s = counted_statistic(job_runs, "median")
            row.p90_s = counted_statistic(job_runs, "p90")
        row.median_queue_wait_s = waits.get(job.pk)
        rows.append(row)
    schedule = current_graph(workflow, graph)
    on_path = set(schedule.critical_path_keys) if schedule else set()
    for row in rows:
        row.on_critical_path = row.job.key in on_path
    return WorkflowOverview(
        workflow=workflow,
        rows=rows,
        run_count=workflow.runs.count(),
        unmeasured=[row.job.name for row in rows if not row.runs.used],
        schedule=schedule,
    )
