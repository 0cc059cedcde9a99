"""The one adapter from database rows to engine inputs (and the figures pages show per job).

Views and commands never build engine models themselves: they call this module, so a
figure on a page and the same figure in `analyze --json` come from the same inputs.
"""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass, field

from django.core.cache import cache

from decider.engine import inputs as engine
from decider.engine.analysis import Analysis, analyze
from decider.engine.durations import statistic_of
from decider.engine.schedule import TOTAL
from decider.importers.job_runs import parse_runs
from decider.importers.matching import match_job_runs
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.store import job_records_for
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import Job, JobRun, RunnerPool, Team, Workflow


def samples_by_key(workflow: Workflow) -> dict[str, list[engine.Sample]]:
    """Every measured run of the workflow's jobs as engine samples, keyed by job key."""
    samples: dict[str, list[engine.Sample]] = {}
    job_runs = JobRun.objects.filter(job__workflow=workflow).select_related("job", "run")
    for job_run in job_runs:
        run = job_run.run
        created_at = (run.created_at if run else None) or job_run.created_at
        samples.setdefault(job_run.job.key, []).append(
            engine.Sample(
                duration_s=job_run.duration_s,
                created_at=created_at,
                run_id=run.github_run_id if run else None,
            )
        )
    return samples


def engine_workflow(workflow: Workflow) -> engine.Workflow:
    """The workflow as the engine sees it: job ids are declaration-order indexes."""
    return engine.build_workflow(workflow.name, job_records_for(workflow), samples_by_key(workflow))


def engine_pools(team: Team) -> list[engine.Pool]:
    return [
        engine.Pool(
            name=pool.name,
            labels=list(pool.labels),
            runners=pool.runners,
            monthly_usd_per_runner=float(pool.monthly_cost_usd_per_runner),
            baseline_utilization=pool.baseline_utilization,
        )
        for pool in RunnerPool.objects.filter(team=team)
    ]


@dataclass
class JobRow:
    """One line of the repository page's job table."""

    job: Job
    needs: list[str]
    count: int = 0
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
    critical_path_keys: list[str]
    critical_path_names: list[str]
    constrained_wall_clock_s: float | None
    warnings: list[str]
    errors: list[str]

    @property
    def wall_clock_min(self) -> float:
        return self.wall_clock_s / 60

    @property
    def compute_min(self) -> float:
        return self.compute_s / 60


def current_graph(workflow: Workflow, graph: engine.Workflow) -> CurrentGraph | None:
    """Unconstrained figures, plus the wall clock with the team's pool sizes when they bind."""
    if not graph.jobs:
        return None
    pools = engine_pools(workflow.repository.team)
    analysis = analyze(graph, pools, engine.Scenario(), simulator=None)
    current = analysis.current
    by_id = graph.by_id()
    return CurrentGraph(
        wall_clock_s=current.wall_clock_s,
        compute_s=current.compute_s,
        peak_total=current.peak_runners.get(TOTAL, 0),
        peak_by_pool=[
            (pool, peak) for pool, peak in current.peak_runners.items() if pool != TOTAL and peak
        ],
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
    waits: dict[int, list[float]] = {}
    for job_run in JobRun.objects.filter(job__workflow=workflow).only(
        "job_id", "created_at", "started_at"
    ):
        if job_run.queue_wait_s is not None:
            waits.setdefault(job_run.job_id, []).append(job_run.queue_wait_s)
    rows = []
    for job in jobs:
        row = JobRow(job=job, needs=[need.name for need in job.needs.all()])
        job_samples = samples.get(job.key, [])
        if job_samples:
            row.count = len(job_samples)
            row.latest_s = statistic_of(job_samples, "latest")
            row.median_s = statistic_of(job_samples, "median")
            row.p90_s = statistic_of(job_samples, "p90")
        if waits.get(job.pk):
            row.median_queue_wait_s = statistics.median(waits[job.pk])
        rows.append(row)
    schedule = current_graph(workflow, graph)
    on_path = set(schedule.critical_path_keys) if schedule else set()
    for row in rows:
        row.on_critical_path = row.job.key in on_path
    return WorkflowOverview(
        workflow=workflow,
        rows=rows,
        run_count=workflow.runs.count(),
        unmeasured=[row.job.name for row in rows if not row.count],
        schedule=schedule,
    )


@dataclass
class FileInputs:
    """Engine inputs read straight from files, for `analyze` and `simulate` without a database."""

    workflow: engine.Workflow
    pools: list[engine.Pool]
    unmatched_runs: list[str]
    warnings: list[str]


def inputs_from_files(
    workflow_files: list[tuple[str, bytes]],
    run_files: list[tuple[str, bytes]],
    pools_file: tuple[str, bytes] | None,
) -> FileInputs:
    """Parse with the same importers as the upload forms; raises ImportRefused on bad input.

    The first file's workflow is analysed; the others may be the reusable workflows it calls.
    """
    records = parse_workflow_files(workflow_files)
    first_name = workflow_files[0][0]
    record = next((r for r in records if r.path == first_name), records[0])
    warnings = list(record.warnings)
    samples: dict[str, list[engine.Sample]] = {}
    unmatched: list[str] = []
    if run_files:
        run_import = parse_runs(run_files)
        warnings += run_import.warnings
        created = {run.github_run_id: run.created_at for run in run_import.runs}
        match = match_job_runs(record.jobs, run_import.jobs)
        warnings += match.warnings
        unmatched = sorted({run.job_name for run in match.unmatched})
        for key, run in match.matched:
            run_created = created.get(run.github_run_id) if run.github_run_id else None
            samples.setdefault(key, []).append(
                engine.Sample(
                    duration_s=run.seconds,
                    created_at=run_created or run.created_at,
                    run_id=run.github_run_id,
                )
            )
    pools = engine.build_pools(parse_pools_csv(*pools_file)) if pools_file else []
    workflow = engine.build_workflow(record.name, record.jobs, samples)
    return FileInputs(workflow=workflow, pools=pools, unmatched_runs=unmatched, warnings=warnings)


# The verdict's Monte Carlo takes a few hundred ms; the same inputs give the same answer
# (seeded), so a what-if the user returns to is answered from the cache.
ANALYSIS_CACHE_SECONDS = 3600


def run_analysis(
    workflow: engine.Workflow,
    pools: list[engine.Pool],
    scenario: engine.Scenario,
    *,
    with_verdict: bool,
    seed: int = 0,
) -> Analysis:
    if not with_verdict:
        return analyze(workflow, pools, scenario, seed=seed, simulator=None)
    digest = hashlib.sha256()
    for part in (workflow, *pools, scenario):
        digest.update(part.model_dump_json().encode())
    key = f"analysis:{seed}:{digest.hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        return Analysis.model_validate_json(cached)
    analysis = analyze(workflow, pools, scenario, seed=seed)
    cache.set(key, analysis.model_dump_json(), ANALYSIS_CACHE_SECONDS)
    return analysis


@dataclass
class StoredScenario:
    scenario: engine.Scenario
    warnings: list[str]


def stored_scenario(
    inputs: dict, job_keys: list[str], workflow: engine.Workflow, pools: list[engine.Pool]
) -> StoredScenario:
    """A saved scenario's inputs against today's workflow: job ids are mapped through the keys
    saved with it, and edits naming jobs that are gone are dropped with a warning."""
    now = {job.key: job.id for job in workflow.jobs}
    remap = {old: now[key] for old, key in enumerate(job_keys) if key in now}
    gone = sorted({key for old, key in enumerate(job_keys) if key not in now})
    data = dict(inputs)

    def ids_kept(*ids: int) -> bool:
        return all(job_id in remap for job_id in ids) or not job_keys

    def mapped(job_id: int) -> int:
        return remap.get(job_id, job_id) if job_keys else job_id

    for name in ("remove_needs", "add_needs"):
        data[name] = [
            {"job": mapped(e["job"]), "need": mapped(e["need"])}
            for e in inputs.get(name, [])
            if ids_kept(e["job"], e["need"])
        ]
    for name in ("overrides", "estimates"):
        data[name] = [
            {**item, "job": mapped(item["job"])}
            for item in inputs.get(name, [])
            if ids_kept(item["job"])
        ]
    data["milestone"] = [mapped(j) for j in inputs.get("milestone", []) if ids_kept(j)]
    data["cache_pairs"] = [
        {"test": mapped(p["test"]), "prod": mapped(p["prod"])}
        for p in inputs.get("cache_pairs", [])
        if ids_kept(p["test"], p["prod"])
    ]
    known_pools = {pool.name for pool in pools}
    for name in ("runners", "utilization", "usd_per_runner"):
        data[name] = {pool: v for pool, v in inputs.get(name, {}).items() if pool in known_pools}
    warnings = [
        f"Job '{key}' is no longer in the workflow: the scenario's edits to it were dropped."
        for key in gone
    ]
    scenario = engine.Scenario.model_validate(data, context={"workflow": workflow, "pools": pools})
    return StoredScenario(scenario=scenario, warnings=warnings)
