"""`analyze`, the one entry point: its result's `model_dump(mode="json")` is the CLI JSON."""

from pydantic import BaseModel

from decider.engine.constrained import ScheduleError, constrained_schedule
from decider.engine.durations import current_durations, proposed_durations
from decider.engine.evidence import CacheEvidence, cache_evidence
from decider.engine.explanations import Explanation, explain_seed
from decider.engine.formatting import count
from decider.engine.framework import FrameworkResult, apply_framework
from decider.engine.github_prices import github_price_book
from decider.engine.growth import Growth, growth
from decider.engine.inputs import (
    AppliedPreset,
    Pool,
    Scenario,
    Workflow,
    current_needs,
    edited_needs,
)
from decider.engine.options import Options, options
from decider.engine.plan import Plan, PlanInputs, make_plan
from decider.engine.pool_simulation import (
    BudgetedSimulator,
    GraphCase,
    Simulate,
    SimulationSetup,
    background_job_lengths,
    background_sources,
)
from decider.engine.pools import Placement, effective_pools, placement_warnings, placements
from decider.engine.presets import PRESETS, PresetInfo
from decider.engine.prices import PriceBook
from decider.engine.runs import RunCounts
from decider.engine.safety import Safety, gate_safety
from decider.engine.schedule import TOTAL, JobTiming, Schedule, Step, unconstrained_schedule
from decider.engine.sensitivity import Sensitivity, sensitivity
from decider.engine.simulation import simulate
from decider.engine.triggers import TriggerJobs, jobs_for_trigger, trigger_warnings
from decider.engine.verdict import Decision, decide
from decider.engine.vocabulary import Statistic, Trigger


class JobOut(BaseModel):
    id: int
    key: str
    name: str
    kind: str
    runs_on: list[str]
    pool: str  # the pool (or unconstrained group) it runs on
    needs: list[int]
    proposed_needs: list[int]
    duration_s: float | None  # None: unmeasured and not estimated (counted as 0 s)
    proposed_duration_s: float
    runs: RunCounts  # the runs its duration uses and those left out
    # For the scenario's trigger: does not run (today, proposed); `if:` undecidable (runs).
    skipped: bool = False
    proposed_skipped: bool = False
    condition_undecided: bool = False


class PoolOut(BaseModel):
    name: str
    labels: list[str]
    runners: int  # with the scenario's runner counts
    inventory_runners: int
    monthly_usd_per_runner: float
    baseline_utilization: float


class GraphResult(BaseModel):
    wall_clock_s: float
    milestone_wall_clock_s: float | None
    critical_path: list[int]
    compute_s: float
    peak_runners: dict[str, int]
    timings: list[JobTiming]
    concurrency: dict[str, list[Step]]
    constrained: Schedule | None  # None when no job runs on a capacity-limited pool


class Savings(BaseModel):
    wall_clock_s: float
    wall_clock_pct: float
    milestone_s: float | None
    milestone_pct: float | None
    constrained_wall_clock_s: float | None
    constrained_wall_clock_pct: float | None


class Analysis(BaseModel):
    workflow: str
    statistic: Statistic
    trigger: Trigger | None = None  # None: every job runs
    jobs: list[JobOut]
    pools: list[PoolOut]
    milestone: list[int]
    unmeasured: list[int]
    current: GraphResult
    proposed: GraphResult
    savings: Savings
    decision: Decision | None  # None when asked not to simulate
    plan: Plan
    sensitivity: Sensitivity | None = None  # which assumption matters; None: not simulated
    growth: Growth | None = None  # when growth breaks it; None: not simulated
    options: Options | None = None  # the options a budget holder weighs; None: not simulated
    cache_evidence: CacheEvidence
    safety: Safety
    presets: list[AppliedPreset]
    preset_info: list[PresetInfo]
    explanations: list[Explanation]  # the seed's figures, when the workflow is the seed's
    warnings: list[str]
    errors: list[str]


def _skipped_take_no_time(seconds: dict[int, float], runs: TriggerJobs) -> dict[int, float]:
    """A job that does not run for the trigger ends as soon as its needs do: zero-length, so
    it holds no runner and what needs it waits only for what it needed (semantics 11)."""
    skipped = set(runs.skipped)
    return {job: 0.0 if job in skipped else value for job, value in seconds.items()}


# Where a job that runs in neither graph is placed when its pools have no runners at all.
NOT_RUN_GROUP = "(does not run)"


def _skipped_take_no_runner(
    placed: dict[int, Placement], never_run: set[int], pools: list[Pool]
) -> dict[int, Placement]:
    """A job that runs in neither graph is zero-length, so it takes no runner; only when its
    pools have none at all must it leave them, or the schedule would refuse it as stuck."""
    empty = {pool.name for pool in pools if pool.runners == 0}
    return {
        job: Placement(group=NOT_RUN_GROUP, pools=[])
        if job in never_run and placement.pools and set(placement.pools) <= empty
        else placement
        for job, placement in placed.items()
    }


# Names listed in one warning before the rest are counted: a 128-job workflow with no runs
# imported gets one readable line, not a paragraph of names.
LISTED_NAMES = 8


def _some(names: list[str]) -> str:
    """'a, b, c', or the first LISTED_NAMES and 'and N more'."""
    if len(names) <= LISTED_NAMES:
        return ", ".join(names)
    return f"{', '.join(names[:LISTED_NAMES])} and {len(names) - LISTED_NAMES} more"


def _unmeasured_warning(jobs: list[tuple[str, str]]) -> str:
    """Few unmeasured jobs: each with its reason. Many: grouped by reason, with counts."""
    if len(jobs) <= LISTED_NAMES:
        names = ", ".join(f"{key} ({reason})" for key, reason in jobs)
        return f"Unmeasured, counted as 0 s until estimated: {names}."
    by_reason: dict[str, list[str]] = {}
    for key, reason in jobs:
        by_reason.setdefault(reason, []).append(key)
    groups = "; ".join(
        f"{count(len(keys), 'job')} with {reason}: {_some(keys)}"
        for reason, keys in by_reason.items()
    )
    return f"Unmeasured, counted as 0 s until estimated, {count(len(jobs), 'job')}: {groups}."


def _pct(saved: float, before: float) -> float:
    return saved / before * 100 if before else 0.0


def _graph_result(
    needs: dict[int, list[int]],
    seconds: dict[int, float],
    placed: dict[int, Placement],
    pools: list[Pool],
    milestone: list[int],
    keys: dict[int, str],
) -> tuple[GraphResult, str | None]:
    groups = {job: placement.group for job, placement in placed.items()}
    free = unconstrained_schedule(needs, seconds, groups, milestone)
    constrained = None
    error = None
    if any(placement.constrained for placement in placed.values()):
        runners = {pool.name: pool.runners for pool in pools}
        try:
            constrained = constrained_schedule(needs, seconds, placed, runners, milestone, keys)
        except ScheduleError as refused:
            error = str(refused)
    result = GraphResult(
        wall_clock_s=free.wall_clock_s,
        milestone_wall_clock_s=free.milestone_wall_clock_s,
        critical_path=free.critical_path,
        compute_s=free.compute_s,
        peak_runners=free.peak_runners,
        timings=free.jobs,
        concurrency=free.concurrency,
        constrained=constrained,
    )
    return result, error


def _deciding_pool(
    pools: list[Pool], before: dict[str, int], after: dict[str, int]
) -> FrameworkResult | None:
    """The seed's framework looks at the pool that takes the new parallel load."""
    used = [pool for pool in pools if after.get(pool.name, 0) > 0]
    if not used:
        return None
    pool = max(used, key=lambda p: after.get(p.name, 0) - before.get(p.name, 0))
    return apply_framework(pool.name, pool.runners, pool.baseline_utilization)


def analyze(
    workflow: Workflow,
    pools: list[Pool],
    scenario: Scenario,
    *,
    seed: int = 0,
    simulator: Simulate | None = simulate,
    prices: PriceBook | None = None,
) -> Analysis:
    """Compare the current graph with the scenario's proposal. simulator=None skips the verdict.
    `prices`: the team's price book (GitHub's own rows when None), for the options."""
    scenario = Scenario.model_validate(
        scenario.model_dump(), context={"workflow": workflow, "pools": pools}
    )
    keys = {job.id: job.key for job in workflow.jobs}
    runner_pools = effective_pools(pools, scenario)
    placed = placements(workflow, runner_pools)
    before_s = current_durations(workflow, scenario)
    after_s = proposed_durations(before_s, scenario)
    before_needs = current_needs(workflow)
    after_needs = edited_needs(workflow, scenario)
    before_runs, after_runs = TriggerJobs(), TriggerJobs()
    if scenario.trigger is not None:
        before_runs = jobs_for_trigger(workflow, before_needs, scenario.trigger)
        after_runs = jobs_for_trigger(workflow, after_needs, scenario.trigger)
    before_seconds = _skipped_take_no_time(before_s.seconds, before_runs)
    after_seconds = _skipped_take_no_time(after_s.seconds, after_runs)
    never_run = set(before_runs.skipped) & set(after_runs.skipped)
    warnings = placement_warnings(workflow, placed)
    placed = _skipped_take_no_runner(placed, never_run, runner_pools)
    unmeasured = [job for job in before_s.unmeasured if job not in never_run]
    milestone = list(scenario.milestone)
    current, current_error = _graph_result(
        before_needs, before_seconds, placed, runner_pools, milestone, keys
    )
    proposed, proposed_error = _graph_result(
        after_needs, after_seconds, placed, runner_pools, milestone, keys
    )
    errors = list(dict.fromkeys(e for e in (current_error, proposed_error) if e))

    if scenario.trigger is not None:
        warnings += trigger_warnings(workflow, scenario.trigger, before_runs, after_runs)
    if unmeasured:
        warnings.append(
            _unmeasured_warning(
                [
                    (keys[job], before_s.runs[job].unmeasured_reason or "no usable run")
                    for job in unmeasured
                ]
            )
        )
        on_path = [
            keys[job]
            for job in unmeasured
            if job in current.critical_path or job in proposed.critical_path
        ]
        if on_path:
            one = len(on_path) == 1
            lies = (
                "lies on a critical path: each second it really takes"
                if one
                else "lie on a critical path: each second they really take"
            )
            warnings.append(
                f"{_some(on_path)} {lies} adds to that graph's wall clock. Estimate "
                f"{'it' if one else 'them'} to see the effect."
            )
    if any(pool.name == TOTAL for pool in pools):
        warnings.append(f"A pool named '{TOTAL}' collides with the total in peak runners.")

    current_case = GraphCase(
        needs=before_needs,
        seconds=before_seconds,
        placements=placed,
        unconstrained_wall_clock_s=current.wall_clock_s,
        peak_runners=current.peak_runners,
    )
    proposed_case = GraphCase(
        needs=after_needs,
        seconds=after_seconds,
        placements=placed,
        unconstrained_wall_clock_s=proposed.wall_clock_s,
        peak_runners=proposed.peak_runners,
    )
    background_s, background_warnings = background_job_lengths(
        workflow,
        runner_pools,
        placed,
        scenario.include_failed_runs,
        warn_for=_simulated_pools(current_case) | _simulated_pools(proposed_case),
    )
    setup = SimulationSetup(
        pools=tuple(runner_pools),
        background_s=background_s,
        scenario=scenario,
        seed=seed,
        simulator=BudgetedSimulator(simulator or simulate),
    )
    plan_inputs = PlanInputs(
        inventory=pools,
        setup=setup,
        current=current_case,
        proposed=proposed_case,
        background_sources=background_sources(
            workflow,
            runner_pools,
            placed,
            scenario.include_failed_runs,
            from_measured_load=_background_from_measured_load(scenario, runner_pools),
        ),
        unmeasured=[keys[job] for job in _deciding_unmeasured(unmeasured, current, proposed)],
    )
    plan = make_plan(plan_inputs, simulate=simulator is not None)
    decision = None
    assumptions = projection = weighed = None
    if simulator is not None:
        assumptions = sensitivity(plan_inputs, plan)
        projection = growth(plan_inputs, plan)
        weighed = options(plan_inputs, plan, prices or github_price_book())
        decision = decide(
            plan,
            runner_pools,
            scenario,
            proposed.wall_clock_s,
            proposed.peak_runners,
            _deciding_pool(runner_pools, current.peak_runners, proposed.peak_runners),
            background_warnings,
        )
        warnings += decision.warnings
    savings = _savings(current, proposed)
    return Analysis(
        workflow=workflow.name,
        statistic=scenario.statistic,
        trigger=scenario.trigger,
        jobs=[
            JobOut(
                id=job.id,
                key=job.key,
                name=job.name,
                kind=job.kind,
                runs_on=job.runs_on,
                pool=placed[job.id].group,
                needs=job.needs,
                proposed_needs=after_needs[job.id],
                duration_s=None
                if before_s.source[job.id] == "unmeasured"
                else before_s.seconds[job.id],
                proposed_duration_s=after_s.seconds[job.id],
                runs=before_s.runs[job.id],
                skipped=job.id in before_runs.skipped,
                proposed_skipped=job.id in after_runs.skipped,
                condition_undecided=job.id in before_runs.undecided + after_runs.undecided,
            )
            for job in workflow.jobs
        ],
        pools=[
            PoolOut(
                name=pool.name,
                labels=pool.labels,
                runners=effective.runners,
                inventory_runners=pool.runners,
                monthly_usd_per_runner=effective.monthly_usd_per_runner,
                baseline_utilization=effective.baseline_utilization,
            )
            for pool, effective in zip(pools, runner_pools, strict=True)
        ],
        milestone=milestone,
        unmeasured=unmeasured,
        current=current,
        proposed=proposed,
        savings=savings,
        decision=decision,
        plan=plan,
        sensitivity=assumptions,
        growth=projection,
        options=weighed,
        cache_evidence=cache_evidence(workflow, scenario),
        safety=gate_safety(workflow, before_needs, after_needs),
        presets=scenario.presets,
        preset_info=[PRESETS[p.name] for p in scenario.presets if p.name in PRESETS],
        explanations=explain_seed(workflow, pools, scenario),
        warnings=warnings,
        errors=errors,
    )


def _savings(current: GraphResult, proposed: GraphResult) -> Savings:
    saved = current.wall_clock_s - proposed.wall_clock_s
    milestone_saved = milestone_pct = None
    if current.milestone_wall_clock_s is not None and proposed.milestone_wall_clock_s is not None:
        milestone_saved = current.milestone_wall_clock_s - proposed.milestone_wall_clock_s
        milestone_pct = _pct(milestone_saved, current.milestone_wall_clock_s)
    constrained_saved = constrained_pct = None
    if current.constrained and proposed.constrained:
        before = current.constrained.wall_clock_s
        constrained_saved = before - proposed.constrained.wall_clock_s
        constrained_pct = _pct(constrained_saved, before)
    return Savings(
        wall_clock_s=saved,
        wall_clock_pct=_pct(saved, current.wall_clock_s),
        milestone_s=milestone_saved,
        milestone_pct=milestone_pct,
        constrained_wall_clock_s=constrained_saved,
        constrained_wall_clock_pct=constrained_pct,
    )


def _deciding_unmeasured(
    unmeasured: list[int], current: GraphResult, proposed: GraphResult
) -> list[int]:
    """Unmeasured jobs that decide the result: all of a critical path's jobs when none of them
    was measured, so a graph's wall clock rests on no measurement at all (DESIGN.md semantics
    13, "no data, no verdict"). A path with one measured job still gives a wall clock, with
    its unmeasured jobs named in a warning."""
    missing = set(unmeasured)
    deciding: list[int] = []
    for graph in (current, proposed):
        path = graph.critical_path
        if not path or all(job in missing for job in path):
            deciding += [job for job in (path or unmeasured) if job not in deciding]
    return deciding


def _simulated_pools(case: GraphCase) -> set[str]:
    """Pools that run a job of non-zero length: only those are simulated, and warned about."""
    return {
        pool
        for job, placement in case.placements.items()
        if case.seconds[job] > 0
        for pool in placement.pools
    }


def _background_from_measured_load(scenario: Scenario, pools: list[Pool]) -> set[str]:
    """The pools whose background job length is the one the scenario took from measured load
    (still that value: an edit makes it typed)."""
    lengths = {pool.name: pool.mean_background_job_s for pool in pools}
    return {
        value.pool
        for value in scenario.measured
        if value.kind == "background_job_s"
        and value.pool is not None
        and value.is_value_of(lengths.get(value.pool))
    }
