"""Where a report's figures come from: the runs measured, the statistic, and everything the
team or the scenario assumed or changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from decider.adapter.measured import load_sources
from decider.adapter.saved import SavedAnalysis
from decider.adapter.scenario_words import STATISTIC_TEXTS, load_text, override_text
from decider.engine.formatting import count, percent, usd
from decider.engine.runs import counted_samples


@dataclass
class Provenance:
    """Where the figures come from and what the team or the scenario assumed."""

    workflow_runs: int
    job_runs: int  # those the durations use
    job_runs_left_out: int  # failed, cancelled, skipped...: counted, not used
    runs_included: str  # which conclusions the durations use, in words
    first_run: datetime | None
    last_run: datetime | None
    statistic: str
    unmeasured: list[str]
    estimates: list[tuple[str, float]]
    overrides: list[tuple[str, str]]
    removed_needs: list[str]
    added_needs: list[str]
    milestone: list[str]
    concurrency: str
    changed_pool_inputs: list[str] = field(default_factory=list)
    measured_load: list[str] = field(default_factory=list)  # load inputs measured, with source
    typed_load: list[str] = field(default_factory=list)  # load inputs a person gave


def provenance(saved: SavedAnalysis) -> Provenance:
    scenario, analysis = saved.scenario, saved.results.analysis
    graph = saved.computed_from.graph
    names = {job.id: job.name for job in graph.jobs}
    # The runs the version's figures used (its snapshot), not what has been imported since.
    imported = [sample for job in graph.jobs for sample in job.samples]
    samples = counted_samples(imported, scenario.include_failed_runs)
    dates = [sample.created_at for sample in samples if sample.created_at is not None]
    changed = [
        *(f"{pool}: {count(runners, 'runner')}" for pool, runners in scenario.runners.items()),
        *(
            f"{pool}: {percent(share)} baseline utilization"
            for pool, share in scenario.utilization.items()
        ),
        *(
            f"{pool}: {usd(price)} per runner-month"
            for pool, price in scenario.usd_per_runner.items()
        ),
    ]
    measured_load, typed_load = load_sources(scenario, saved.computed_from.pools)
    return Provenance(
        workflow_runs=len({sample.run_id for sample in samples if sample.run_id is not None}),
        job_runs=len(samples),
        job_runs_left_out=len(imported) - len(samples),
        runs_included="successful, failed, cancelled and timed-out runs"
        if scenario.include_failed_runs
        else "successful runs only",
        first_run=min(dates, default=None),
        last_run=max(dates, default=None),
        statistic=STATISTIC_TEXTS.get(analysis.statistic, analysis.statistic),
        unmeasured=[names[job] for job in analysis.unmeasured],
        estimates=[(names[e.job], e.seconds) for e in scenario.estimates],
        overrides=[(names[o.job], override_text(o)) for o in scenario.overrides],
        removed_needs=[f"{names[e.job]} needs {names[e.need]}" for e in scenario.remove_needs],
        added_needs=[f"{names[e.job]} needs {names[e.need]}" for e in scenario.add_needs],
        milestone=[names[job] for job in analysis.milestone],
        concurrency=load_text(scenario, analysis),
        changed_pool_inputs=changed,
        measured_load=measured_load,
        typed_load=typed_load,
    )
