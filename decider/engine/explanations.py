"""The seed analysis's hand-written figures, recomputed from data, each with a reason.

Shown only when the workflow is the seed's (its job keys match). Every claim names the rule that
recomputes it; the rule returns what the data gives and one sentence on why the two differ (or
why they agree). The rules use the scenario's durations (statistic and estimates), the current
graph, and the seed's own proposal: the parallel preset.
"""

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from decider.engine.durations import current_durations
from decider.engine.evidence import PairEvidence, cache_evidence
from decider.engine.formatting import duration, number, peak_in_words, signed_pct
from decider.engine.formatting import pct as pct_text
from decider.engine.inputs import Pool, Scenario, Workflow, current_needs, edited_needs
from decider.engine.pools import placements
from decider.engine.presets import parallel
from decider.engine.schedule import Schedule, unconstrained_schedule

Status = Literal["matches", "rounded", "differs"]

SEED_JOB_KEYS = frozenset(
    {
        "build-test-image-api",
        "build-test-image-worker",
        "build-test-image-migrations",
        "build-test-image-modules",
        "lint-and-unit-api",
        "test-api-integration",
        "build-production-api",
        "build-production-worker",
        "build-production-migrations",
        "build-production-eight-ball",
        "publish-api",
    }
)


class SeedClaim(BaseModel):
    id: str
    says: str  # as the analysis wrote it
    rule: str  # the RULES entry that recomputes it


class Explanation(BaseModel):
    id: str
    says: str
    computed: str
    status: Status
    reason: str


class SeedFigures(BaseModel):
    """What the rules read: the seed's two graphs scheduled with the scenario's durations."""

    keys: dict[int, str]
    ids: dict[str, int]
    seconds: dict[int, float]
    current: Schedule
    parallel: Schedule
    parallel_needs: dict[int, list[int]]
    current_needs: dict[int, list[int]]
    pairs: list[PairEvidence]


SEED_CLAIMS: list[SeedClaim] = [
    SeedClaim(id="sequential", says='sequential wall clock "~17 min"', rule="sequential"),
    SeedClaim(id="parallel", says='parallel wall clock "~8 min"', rule="parallel"),
    SeedClaim(id="saving", says='"Save ~9 minutes (47% faster)"', rule="saving"),
    SeedClaim(id="compute", says="total compute 2,057 s, same either way", rule="compute"),
    SeedClaim(id="peak", says="peak 7 concurrent runners (4 small + 3 medium)", rule="peak"),
    SeedClaim(id="runner_minutes", says="runner-minutes 59 vs 56", rule="runner_minutes"),
    SeedClaim(id="cache", says="API prod vs test +1%, worker +53%", rule="cache"),
]


def _rounded_to(seconds: float, minutes: float) -> Status:
    return "rounded" if round(seconds / 60) == minutes else "differs"


def _sequential(f: SeedFigures) -> tuple[str, Status, str]:
    wall = f.current.wall_clock_s
    chain = " then ".join(
        f"{f.keys[job]} {duration(f.seconds[job])}"
        for job in f.current.critical_path
        if f.seconds[job]
    )
    return duration(wall), _rounded_to(wall, 17), f"~17 min is {duration(wall)} rounded: {chain}."


def _parallel(f: SeedFigures) -> tuple[str, Status, str]:
    whole = f.parallel.wall_clock_s
    images = f.parallel.milestone_wall_clock_s or 0.0
    longest = max(f.parallel.critical_path, key=lambda job: f.seconds[job])
    computed = (
        f"{duration(whole)} for the whole graph; "
        f"{duration(images)} until all production images are built"
    )
    status: Status = "rounded" if round(images / 60) == 8 else "differs"
    reason = (
        f"~8 min is the production-images milestone ({duration(images)}); the whole graph still "
        f"waits for {f.keys[longest]} ({duration(f.seconds[longest])}), so it takes "
        f"{duration(whole)}."
    )
    return computed, status, reason


def _saving(f: SeedFigures) -> tuple[str, Status, str]:
    before, after = f.current.wall_clock_s, f.parallel.wall_clock_s
    images_before = f.current.milestone_wall_clock_s or 0.0
    images_after = f.parallel.milestone_wall_clock_s or 0.0
    saved, images_saved = before - after, images_before - images_after
    pct = saved / before * 100 if before else 0.0
    images_pct = images_saved / images_before * 100 if images_before else 0.0
    computed = (
        f"{duration(saved)} ({pct_text(pct)}) for the whole graph; {duration(images_saved)} "
        f"({pct_text(images_pct)}) for production images ready"
    )
    status: Status = "rounded" if abs(pct - 47) <= 1.5 and round(saved / 60) == 9 else "differs"
    reason = (
        "47% divides rounded minutes (8 of 17 is the new time's share; 9 of 17 would be 53%); "
        f"from the data the whole graph saves {pct_text(pct)} and production images arrive "
        f"{pct_text(images_pct)} sooner."
    )
    return computed, status, reason


def _compute(f: SeedFigures) -> tuple[str, Status, str]:
    before, after = f.current.compute_s, f.parallel.compute_s
    status: Status = "matches" if before == after == 2057 else "differs"
    reason = (
        "Compute is the sum of job durations: removing needs moves jobs in time but runs the "
        f"same jobs, so it is {duration(before)} ({number(before)} s) both ways."
    )
    return f"{duration(before)} current, {duration(after)} parallel", status, reason


def _peak(f: SeedFigures) -> tuple[str, Status, str]:
    total = f.parallel.peak_runners["total"]
    computed = peak_in_words(f.parallel.peak_runners)
    # Jobs that run at the peak without having been freed by the edit: the analysis missed them.
    always_free = [
        f.keys[timing.id]
        for timing in f.parallel.jobs
        if timing.start_s == 0
        and timing.end_s > 0
        and not f.current_needs[timing.id]
        and "production" in f.keys[timing.id]
    ]
    verb = "starts" if len(always_free) == 1 else "start"
    also = f"{', '.join(always_free)} also {verb} at 0" if always_free else "more jobs overlap"
    status: Status = "matches" if total == 7 else "differs"
    return computed, status, f"The analysis counted 7 runners, but {also}."


def _runner_minutes(f: SeedFigures) -> tuple[str, Status, str]:
    busy = f.current.compute_s
    test_phase = max(f.seconds[f.ids[k]] for k in f.ids if k.startswith("build-test-image"))
    prod_phase = max(f.seconds[f.ids[k]] for k in f.ids if k.startswith("build-production"))
    held_before = 4 * test_phase + 3 * prod_phase
    held_after = 7 * prod_phase
    reason = (
        f"Busy runner time is the sum of durations, {duration(busy)} either way; 59 and 56 count "
        f"runners held for whole phases (4 x {duration(test_phase)} + 3 x "
        f"{duration(prod_phase)} = {number(held_before / 60)} min, 7 x {duration(prod_phase)} = "
        f"{number(held_after / 60)} min)."
    )
    return f"{duration(busy)} busy either way", "differs", reason


def _cache(f: SeedFigures) -> tuple[str, Status, str]:
    by_prod = {pair.prod_key: pair for pair in f.pairs}
    api = by_prod.get("build-production-api")
    worker = by_prod.get("build-production-worker")
    if not api or not worker or api.change_pct is None or worker.change_pct is None:
        return "not measured", "differs", "The runs do not measure both builds of API and worker."
    computed = f"{signed_pct(api.change_pct)} and {signed_pct(worker.change_pct)}"
    status: Status = (
        "rounded" if round(api.change_pct) == 1 and round(worker.change_pct) == 53 else "differs"
    )
    reason = (
        f"Sum of prod over sum of test across the {api.runs} runs measuring both: "
        f"{api.prod_s:.0f}/{api.test_s:.0f} and {worker.prod_s:.0f}/{worker.test_s:.0f}; "
        "the analysis rounded to whole percents."
    )
    return computed, status, reason


RULES: dict[str, Callable[[SeedFigures], tuple[str, Status, str]]] = {
    "sequential": _sequential,
    "parallel": _parallel,
    "saving": _saving,
    "compute": _compute,
    "peak": _peak,
    "runner_minutes": _runner_minutes,
    "cache": _cache,
}


def is_seed_workflow(workflow: Workflow) -> bool:
    return {job.key for job in workflow.jobs} == SEED_JOB_KEYS


def seed_figures(workflow: Workflow, pools: list[Pool], scenario: Scenario) -> SeedFigures:
    facts = Scenario(
        statistic=scenario.statistic,
        include_failed_runs=scenario.include_failed_runs,
        estimates=scenario.estimates,
    )
    seconds = current_durations(workflow, facts).seconds
    groups = {job: placement.group for job, placement in placements(workflow, pools).items()}
    images = [job.id for job in workflow.jobs if job.key.startswith("build-production")]
    before = current_needs(workflow)
    after = edited_needs(workflow, parallel(workflow, facts))
    return SeedFigures(
        keys={job.id: job.key for job in workflow.jobs},
        ids={job.key: job.id for job in workflow.jobs},
        seconds=seconds,
        current=unconstrained_schedule(before, seconds, groups, images),
        parallel=unconstrained_schedule(after, seconds, groups, images),
        parallel_needs=after,
        current_needs=before,
        pairs=cache_evidence(workflow, facts).pairs,
    )


def explain_seed(workflow: Workflow, pools: list[Pool], scenario: Scenario) -> list[Explanation]:
    if not is_seed_workflow(workflow):
        return []
    figures = seed_figures(workflow, pools, scenario)
    explanations = []
    for claim in SEED_CLAIMS:
        computed, status, reason = RULES[claim.rule](figures)
        explanations.append(
            Explanation(
                id=claim.id, says=claim.says, computed=computed, status=status, reason=reason
            )
        )
    return explanations
