"""The seed's options as one-click scenario edits (DESIGN.md semantics 10).

A preset writes ordinary edits (needs removed and added, duration overrides) into the scenario
and records itself in `scenario.presets`; the user can then adjust any edit. The effort, impact
and risk texts restate the seed analysis's options.
"""

from collections.abc import Callable, Sequence

from pydantic import BaseModel

from decider.engine.evidence import cache_evidence, paired_builds
from decider.engine.inputs import (
    AppliedPreset,
    DurationOverride,
    Edge,
    Scenario,
    Workflow,
    current_needs,
    edited_needs,
)
from decider.engine.safety import gate_safety


class PresetInfo(BaseModel):
    name: str
    title: str
    what: str
    effort: str
    impact: str
    risk: str


PRESETS: dict[str, PresetInfo] = {
    preset.name: preset
    for preset in [
        PresetInfo(
            name="parallel",
            title="Build production images in parallel",
            what="Drop each production build's need on its test build; keep publish gated on "
            "the checks.",
            effort="Low: delete lines under needs: and add the checks to publish's needs.",
            impact="High: the production images no longer wait for the test images.",
            risk="More runners busy at once (queueing on small pools); no cache reuse is lost "
            "when the production build does not use the test image today.",
        ),
        PresetInfo(
            name="hybrid",
            title="Parallel where it costs nothing, sequential where the cache pays",
            what="Parallelize the pairs whose production build does not reuse the test build; "
            "keep the others sequential.",
            effort="Low: as parallel, for some images only.",
            impact="Medium to high: most of the parallel gain, keeping cache reuse where it is.",
            risk="Low: the kept pairs behave as today.",
        ),
        PresetInfo(
            name="cache_sharing",
            title="Test-to-production cache sharing",
            what="Use the test image as the production build's first cache (--cache-from): "
            "production builds get faster by a percentage.",
            effort="Medium: change the build action; push the test image where prod can pull it.",
            impact="Medium: production builds shorten; only helps while they stay sequential.",
            risk="Low to medium: cache misses between build targets make the gain smaller.",
        ),
        PresetInfo(
            name="cache_persistence",
            title="Persist the build cache between runs",
            what="Keep Docker layer cache on the runners or in a registry: every image build "
            "saves 1-2 minutes.",
            effort="Medium: cache storage and eviction on self-hosted runners.",
            impact="Low to medium: 1-2 minutes per build, sequential or parallel.",
            risk="Low: stale or growing caches need housekeeping.",
        ),
    ]
}


def _with_edits(
    scenario: Scenario,
    *,
    remove: Sequence[Edge] = (),
    add: Sequence[Edge] = (),
    overrides: Sequence[DurationOverride] = (),
    preset: AppliedPreset,
) -> Scenario:
    removed = {(e.job, e.need) for e in scenario.remove_needs}
    added = {(e.job, e.need) for e in scenario.add_needs}
    return scenario.model_copy(
        update={
            "remove_needs": [
                *scenario.remove_needs,
                *(e for e in remove if (e.job, e.need) not in removed),
            ],
            "add_needs": [*scenario.add_needs, *(e for e in add if (e.job, e.need) not in added)],
            "overrides": [*scenario.overrides, *overrides],
            "presets": [*scenario.presets, preset],
        }
    )


def _parallelize(
    workflow: Workflow, scenario: Scenario, prods: set[int], preset: AppliedPreset
) -> Scenario:
    needs = edited_needs(workflow, scenario)
    remove = [
        Edge(job=pair.prod, need=pair.test)
        for pair in paired_builds(workflow, scenario)
        if pair.prod in prods and pair.test in needs[pair.prod]
    ]
    dropped = scenario.model_copy(update={"remove_needs": [*scenario.remove_needs, *remove]})
    safety = gate_safety(workflow, current_needs(workflow), edited_needs(workflow, dropped))
    return _with_edits(scenario, remove=remove, add=safety.restoring_needs, preset=preset)


def parallel(workflow: Workflow, scenario: Scenario) -> Scenario:
    prods = {pair.prod for pair in paired_builds(workflow, scenario)}
    return _parallelize(workflow, scenario, prods, AppliedPreset(name="parallel"))


def hybrid(
    workflow: Workflow, scenario: Scenario, keep_sequential: list[int] | None = None
) -> Scenario:
    """keep_sequential: production job ids; default: those the cache evidence says reuse."""
    if keep_sequential is None:
        evidence = cache_evidence(workflow, scenario)
        keep_sequential = [
            pair.prod for pair in evidence.pairs if pair.reading in ("reuses", "inconclusive")
        ]
    prods = {pair.prod for pair in paired_builds(workflow, scenario)} - set(keep_sequential)
    preset = AppliedPreset(name="hybrid", params={"keep_sequential": keep_sequential})
    return _parallelize(workflow, scenario, prods, preset)


def cache_sharing(workflow: Workflow, scenario: Scenario, percent: float = -30) -> Scenario:
    overrides = [
        DurationOverride(job=pair.prod, percent_change=percent)
        for pair in paired_builds(workflow, scenario)
    ]
    preset = AppliedPreset(name="cache_sharing", params={"percent": percent})
    return _with_edits(scenario, overrides=overrides, preset=preset)


def cache_persistence(workflow: Workflow, scenario: Scenario, saved_s: float = 90) -> Scenario:
    if not 60 <= saved_s <= 120:
        raise ValueError(
            "the mural-api analysis puts build cache persistence at 1-2 minutes (60-120 s)"
        )
    builds = [job.id for job in workflow.jobs if job.kind == "build"]
    if not builds:
        pairs = paired_builds(workflow, scenario)
        builds = [job_id for pair in pairs for job_id in (pair.test, pair.prod)]
    overrides = [DurationOverride(job=job_id, delta_s=-saved_s) for job_id in builds]
    preset = AppliedPreset(name="cache_persistence", params={"saved_s": saved_s})
    return _with_edits(scenario, overrides=overrides, preset=preset)


APPLY: dict[str, Callable[..., Scenario]] = {
    "parallel": parallel,
    "hybrid": hybrid,
    "cache_sharing": cache_sharing,
    "cache_persistence": cache_persistence,
}


def apply_preset(workflow: Workflow, scenario: Scenario, name: str, **params: object) -> Scenario:
    if name not in APPLY:
        raise ValueError(f"unknown preset {name!r}; presets: {', '.join(APPLY)}")
    return APPLY[name](workflow, scenario, **params)
