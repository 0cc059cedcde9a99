"""`analyze`, the one entry point: its result's `model_dump(mode="json")` is the CLI JSON."""

from pydantic import BaseModel

from decider.engine.constrained import ScheduleError, constrained_schedule
from decider.engine.costs import Costs, cost_benefit
from decider.engine.durations import current_durations, proposed_durations
from decider.engine.evidence import CacheEvidence, cache_evidence
from decider.engine.explanations import Explanation, explain_seed
from decider.engine.framework import FrameworkResult, apply_framework
from decider.engine.inputs import (
    AppliedPreset,
    Pool,
    Scenario,
    Workflow,
    current_needs,
    edited_needs,
)
from decider.engine.pool_simulation import GraphCase, Simulate
from decider.engine.pools import (
    Placement,
    effective_pools,
    placement_warnings,
    placements,
    with_additions,
)
from decider.engine.presets import PRESETS, PresetInfo
from decider.engine.safety import Safety, gate_safety
from decider.engine.schedule import TOTAL, JobTiming, Schedule, Step, unconstrained_schedule
from decider.engine.simulation import simulate
from decider.engine.verdict import Decision, decide
from decider.engine.vocabulary import Statistic


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
    jobs: list[JobOut]
    pools: list[PoolOut]
    milestone: list[int]
    unmeasured: list[int]
    current: GraphResult
    proposed: GraphResult
    savings: Savings
    decision: Decision | None  # None when asked not to simulate
    costs: Costs
    cache_evidence: CacheEvidence
    safety: Safety
    presets: list[AppliedPreset]
    preset_info: list[PresetInfo]
    explanations: list[Explanation]  # the seed's figures, when the workflow is the seed's
    warnings: list[str]
    errors: list[str]


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
) -> Analysis:
    """Compare the current graph with the scenario's proposal. simulator=None skips the verdict."""
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
    milestone = list(scenario.milestone)
    current, current_error = _graph_result(
        before_needs, before_s.seconds, placed, runner_pools, milestone, keys
    )
    proposed, proposed_error = _graph_result(
        after_needs, after_s.seconds, placed, runner_pools, milestone, keys
    )
    errors = list(dict.fromkeys(e for e in (current_error, proposed_error) if e))

    warnings = placement_warnings(workflow, placed)
    if before_s.unmeasured:
        names = ", ".join(keys[job] for job in before_s.unmeasured)
        warnings.append(f"Unmeasured, counted as 0 s until estimated: {names}.")
    if any(pool.name == TOTAL for pool in pools):
        warnings.append(f"A pool named '{TOTAL}' collides with the total in peak runners.")

    current_case = GraphCase(
        needs=before_needs,
        seconds=before_s.seconds,
        placements=placed,
        unconstrained_wall_clock_s=current.wall_clock_s,
        peak_runners=current.peak_runners,
    )
    proposed_case = GraphCase(
        needs=after_needs,
        seconds=after_s.seconds,
        placements=placed,
        unconstrained_wall_clock_s=proposed.wall_clock_s,
        peak_runners=proposed.peak_runners,
    )
    decision = None
    additions: dict[str, int] = {}
    if simulator is not None:
        decision = decide(
            workflow,
            runner_pools,
            scenario,
            current_case,
            proposed_case,
            _deciding_pool(runner_pools, current.peak_runners, proposed.peak_runners),
            seed=seed,
            simulator=simulator,
        )
        additions = decision.additions
        warnings += decision.warnings

    saved_s, basis = _saving(current, proposed, proposed_case, runner_pools, additions)
    costs = cost_benefit(pools, runner_pools, scenario, saved_s, basis, additions)
    savings = _savings(current, proposed)
    return Analysis(
        workflow=workflow.name,
        statistic=scenario.statistic,
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
        unmeasured=before_s.unmeasured,
        current=current,
        proposed=proposed,
        savings=savings,
        decision=decision,
        costs=costs,
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


def _saving(
    current: GraphResult,
    proposed: GraphResult,
    proposed_case: GraphCase,
    scenario_pools: list[Pool],
    additions: dict[str, int],
) -> tuple[float, str]:
    """Seconds saved per pipeline, and which wall clocks that compares: the constrained
    schedules when pools limit them (with the verdict's added runners for the proposal), else
    the unconstrained ones."""
    if current.constrained is None or proposed.constrained is None:
        return current.wall_clock_s - proposed.wall_clock_s, "unconstrained wall clock"
    after_wall = proposed.constrained.wall_clock_s
    basis = "constrained wall clock on the scenario's runners"
    if additions:
        # Not a rerun: `proposed.constrained` ran on the scenario's runners and the additions
        # change them. Additions only add runners, so this succeeds where that one did.
        grown = with_additions(scenario_pools, additions)
        runners = {pool.name: pool.runners for pool in grown}
        after_wall = constrained_schedule(
            proposed_case.needs, proposed_case.seconds, proposed_case.placements, runners
        ).wall_clock_s
        basis += " plus the recommended additions"
    return current.constrained.wall_clock_s - after_wall, basis
