"""Per-job durations: a statistic of the runs that count, estimates, the scenario's overrides."""

import math
import statistics
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

from decider.engine.inputs import DurationOverride, Sample, Scenario, Workflow
from decider.engine.percentile import percentile
from decider.engine.runs import CountedRuns, RunCounts, counted
from decider.engine.vocabulary import Statistic

DurationSource = Literal["measured", "estimate", "unmeasured"]


class JobDurations(BaseModel):
    """Seconds per job id. Unmeasured jobs without an estimate count as 0 s and are listed."""

    seconds: dict[int, float]
    source: dict[int, DurationSource]
    runs: dict[int, RunCounts]

    @property
    def unmeasured(self) -> list[int]:
        return [job_id for job_id, source in self.source.items() if source == "unmeasured"]


def _sort_key(sample: Sample) -> tuple[int, float, int]:
    # Runs without a timestamp sort before timestamped ones; the run id breaks ties.
    if sample.created_at is None:
        stamp = -math.inf
    else:
        created = sample.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        stamp = (created - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
    return (0 if sample.created_at is None else 1, stamp, sample.run_id or -1)


def statistic_of(samples: list[Sample], statistic: Statistic) -> float:
    values = [sample.duration_s for sample in samples]
    match statistic:
        case "latest":
            return max(samples, key=_sort_key).duration_s
        case "mean":
            return statistics.fmean(values)
        case "median":
            return statistics.median(values)
        case "p90":
            return percentile(values, 0.9)
        case "max":
            return max(values)


def counted_statistic(runs: CountedRuns, statistic: Statistic) -> float:
    """`statistic_of` the runs that count, computed once per summarized history."""
    value = runs.statistics.get(statistic)
    if value is None:
        value = runs.statistics[statistic] = statistic_of(runs.samples, statistic)
    return value


def current_durations(workflow: Workflow, scenario: Scenario) -> JobDurations:
    estimates = {estimate.job: estimate.seconds for estimate in scenario.estimates}
    seconds: dict[int, float] = {}
    source: dict[int, DurationSource] = {}
    runs: dict[int, RunCounts] = {}
    for job in workflow.jobs:
        job_runs = counted(job.samples, scenario.include_failed_runs)
        runs[job.id] = job_runs.counts
        if job_runs.samples:
            seconds[job.id] = counted_statistic(job_runs, scenario.statistic)
            source[job.id] = "measured"
        elif job.id in estimates:
            seconds[job.id] = estimates[job.id]
            source[job.id] = "estimate"
        else:
            seconds[job.id] = 0.0
            source[job.id] = "unmeasured"
    return JobDurations(seconds=seconds, source=source, runs=runs)


def overridden(seconds: float, override: DurationOverride) -> float:
    if override.seconds is not None:
        return override.seconds
    if override.percent_change is not None:
        return seconds * (1 + override.percent_change / 100)
    return max(0.0, seconds + (override.delta_s or 0.0))


def proposed_durations(current: JobDurations, scenario: Scenario) -> JobDurations:
    """Overrides apply in order, so presets stack (e.g. cache sharing then cache persistence)."""
    seconds = dict(current.seconds)
    for override in scenario.overrides:
        if override.job in seconds:
            seconds[override.job] = overridden(seconds[override.job], override)
    return JobDurations(seconds=seconds, source=dict(current.source), runs=dict(current.runs))
