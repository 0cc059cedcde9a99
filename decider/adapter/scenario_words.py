"""A saved scenario's inputs in words: for the PDF's provenance and the comparison's list of
inputs that differ, so both describe a scenario the same way."""

from __future__ import annotations

from decider.adapter.saved import SavedAnalysis
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import Analysis
from decider.engine.formatting import (
    count,
    duration,
    number,
    pct,
    percent,
    signed_duration,
    signed_pct,
    usd,
)
from decider.engine.vocabulary import STATISTICS, TRIGGERS

STATISTIC_TEXTS = dict(STATISTICS)
TRIGGER_TEXTS = dict(TRIGGERS)


def override_text(override: engine_inputs.DurationOverride) -> str:
    if override.seconds is not None:
        return f"set to {duration(override.seconds)}"
    if override.percent_change is not None:
        return signed_pct(override.percent_change, 0)
    return signed_duration(override.delta_s)


def load_text(scenario: engine_inputs.Scenario, analysis: Analysis) -> str:
    if scenario.pipelines_at_once is not None:
        return f"{count(scenario.pipelines_at_once, 'pipeline')} at once"
    if scenario.pipelines_per_hour is not None:
        text = f"{count(scenario.pipelines_per_hour, 'pipeline')} per hour"
        if analysis.decision:
            text += f" (about {number(analysis.decision.concurrent_pipelines, 1)} running at once)"
        return text
    return "one pipeline at a time"


def _listed(texts: list[str]) -> str:
    return "; ".join(sorted(texts)) or "none"


def input_texts(saved: SavedAnalysis) -> dict[str, str]:
    """Every input of the scenario as (label, words), pools as the scenario ran them."""
    scenario, analysis = saved.scenario, saved.results.analysis
    names = {job.id: job.name for job in saved.computed_from.graph.jobs}
    texts = {"Duration statistic": STATISTIC_TEXTS.get(scenario.statistic, scenario.statistic)}
    texts["The pipeline runs for"] = (
        TRIGGER_TEXTS[scenario.trigger]
        if scenario.trigger
        else "every job (if: conditions ignored)"
    )
    for pool in saved.computed_from.pools:
        runners = scenario.runners.get(pool.name, pool.runners)
        price = scenario.usd_per_runner.get(pool.name, pool.monthly_usd_per_runner)
        share = scenario.utilization.get(pool.name, pool.baseline_utilization)
        texts[f"Pool {pool.name}: runners"] = count(runners, "runner")
        texts[f"Pool {pool.name}: $ per runner-month"] = usd(price)
        texts[f"Pool {pool.name}: baseline utilization"] = percent(share)
    texts["needs: dropped"] = _listed(
        [f"{names[e.job]} needs {names[e.need]}" for e in scenario.remove_needs]
    )
    texts["needs: added"] = _listed(
        [f"{names[e.job]} needs {names[e.need]}" for e in scenario.add_needs]
    )
    texts["Duration overrides"] = _listed(
        [f"{names[o.job]}: {override_text(o)}" for o in scenario.overrides]
    )
    texts["Estimates of unmeasured jobs"] = _listed(
        [f"{names[e.job]}: {duration(e.seconds)}" for e in scenario.estimates]
    )
    texts["Milestone"] = _listed([names[job] for job in scenario.milestone])
    texts["Load"] = load_text(scenario, analysis)
    texts["Pipelines per month"] = number(scenario.pipelines_per_month)
    texts["People waiting per pipeline"] = number(scenario.people_waiting_per_pipeline, 1)
    texts["Loaded $ per hour"] = usd(scenario.loaded_usd_per_hour)
    texts["Queue-wait target"] = duration(scenario.target_queue_wait_s)
    texts["Growth of pipelines"] = (
        "not projected"
        if scenario.growth_pct_per_month is None
        else f"{pct(scenario.growth_pct_per_month, 0)} a month"
    )
    return texts
