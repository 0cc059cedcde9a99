"""Predicted against actual: since an adoption, each figure the adopted version predicted,
the same model re-run at the load actually measured, and what the runs measured.

A miss splits in two: "the load changed" (the model at the measured load minus the
prediction) and "the model was wrong" (the measurement minus the model at the measured
load). Rules: docs/monitor.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.core.cache import cache

from decider.adapter.monitor import data_fingerprint, pool_of_job
from decider.adapter.monitor_queries import PipelinePeriod, Scope, pipeline_periods, pool_periods
from decider.adapter.saved import ScenarioNoLongerFits, analyse_saved
from decider.adapter.whatif import WhatIf
from decider.engine import limits
from decider.engine.plan import DAYS_PER_MONTH, Outcome, Plan
from decider.models import Adoption, RunnerPool, WorkflowRun

MIN_PIPELINES_PER_HOUR = 0.01


@dataclass(frozen=True)
class Figure:
    what: str
    unit: str  # "duration" or "usd"
    predicted: float | None
    at_measured_load: float | None
    measured: float | None
    pool: str = ""  # the pool a queue-wait figure is about

    @property
    def load_changed(self) -> float | None:
        if self.predicted is None or self.at_measured_load is None:
            return None
        return self.at_measured_load - self.predicted

    @property
    def model_wrong(self) -> float | None:
        if self.measured is None or self.at_measured_load is None:
            return None
        return self.measured - self.at_measured_load


@dataclass(frozen=True)
class PredictedActual:
    adoption: Adoption
    since: datetime
    until: datetime
    pipelines: int  # workflow runs created since the adoption
    predicted_per_hour: float | None
    measured_per_hour: float
    figures: list[Figure]
    runner_usd_per_month_predicted: float | None
    runner_usd_per_month_now: float
    value_usd_per_month_predicted: float | None
    value_usd_per_month_measured: float | None
    notes: list[str]
    # What the follow-up report reads besides the table: the version's plan, the re-run at the
    # measured load (its sizing says how many runners that load needs), and the wall clocks
    # measured since the adoption and over as many days before it.
    plan: Plan | None = None
    plan_at_measured_load: Plan | None = None
    measured_since: PipelinePeriod | None = None
    measured_before: PipelinePeriod | None = None


def _kept(plan: Plan, outcome_plan: Plan) -> Outcome | None:
    """The adopted graph on the adopted runners in a re-run whose pools are those runners."""
    return outcome_plan.proposed_today if plan.graph == "proposed" else outcome_plan.today


def predicted_actual(adoption: Adoption, scope: Scope, now: datetime) -> PredictedActual | None:
    """None until a whole UTC day has passed since the adoption went live (within the
    window). Whole days, as the charts and the alerts count them: the figures then stay the
    same all day, on the page, in the PDF and from the command line, and read the kept days
    (`importers.monitor_days`)."""
    since = datetime.combine(adoption.live_on, time(), tzinfo=UTC)
    until = min(scope.end, datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC))
    if until <= since:
        return None
    notes: list[str] = []
    after = dataclasses.replace(scope, start=since, end=until)
    days = (until - since).total_seconds() / 86400
    before = dataclasses.replace(scope, start=since - timedelta(days=max(days, 1)), end=since)
    runs = WorkflowRun.objects.filter(
        workflow_id=scope.workflow_id, created_at__gte=since, created_at__lt=until
    )
    if scope.branch:
        runs = runs.filter(branch=scope.branch)
    if scope.event:
        runs = runs.filter(event=scope.event)
    pipelines = runs.count()
    measured_per_hour = pipelines / (days * 24)
    row = adoption.version.scenario
    try:
        # From its snapshot alone: reading today's data (every stored run, 17 s at 800k job
        # runs) would only say what changed since it was saved, which the table does not show.
        saved = analyse_saved(row, adoption.version, against_today=False)
    except ScenarioNoLongerFits as error:
        saved = None
        notes.append(f"The adopted version's figures cannot be recomputed: {error.problems}.")
    plan = saved.results.analysis.plan if saved else None
    keys = adoption.version.job_keys
    milestone = [keys[i] for i in adoption.version.inputs.get("milestone") or [] if i < len(keys)]
    measured_all = pipeline_periods(after, "all", milestone)
    measured = measured_all[0] if measured_all else None
    measured_before = pipeline_periods(before, "all", [])
    waits = {
        row.pool: row.wait_p90_s
        for row in pool_periods(after, "all", pool_of_job(adoption.workflow))
    }
    at_load: Outcome | None = None
    rerun_plan: Plan | None = None
    if saved is not None and plan is not None and plan.planned is not None:
        rerun_plan = _rerun(saved.computed_from, saved.scenario, plan, measured_per_hour, notes)
        at_load = _kept(plan, rerun_plan) if rerun_plan else None
    elif plan is not None:
        notes.append(plan.no_verdict or "The adopted version has no simulated plan to compare.")
    planned = plan.planned if plan else None
    figures = [
        Figure(
            "Pipeline wall clock, median (p50)",
            "duration",
            planned.p50_wall_clock_s if planned else None,
            at_load.p50_wall_clock_s if at_load else None,
            measured.wall_clock_p50_s if measured else None,
        ),
        Figure(
            "Pipeline wall clock, p90",
            "duration",
            planned.p90_wall_clock_s if planned else None,
            at_load.p90_wall_clock_s if at_load else None,
            measured.wall_clock_p90_s if measured else None,
        ),
    ]
    if milestone:
        figures.append(
            Figure(
                "Milestone wall clock, p90",
                "duration",
                planned.p90_milestone_s if planned else None,
                at_load.p90_milestone_s if at_load else None,
                measured.milestone_p90_s if measured else None,
            )
        )
    for pool in sorted(planned.p90_wait_s if planned else waits):
        figures.append(
            Figure(
                f"Queue wait on {pool}, p90",
                "duration",
                planned.p90_wait_s.get(pool) if planned else None,
                at_load.p90_wait_s.get(pool) if at_load else None,
                waits.get(pool),
                pool=pool,
            )
        )
    predicted_usd = sum(pool.recommended_usd_per_month for pool in plan.pools) if plan else None
    names = [pool.name for pool in plan.pools] if plan else []
    now_usd = sum(
        pool.runners * float(pool.monthly_cost_usd_per_runner)
        for pool in RunnerPool.objects.filter(team_id=row.team_id, name__in=names)
    )
    figures.append(Figure("Runner cost per month", "usd", predicted_usd, predicted_usd, now_usd))
    value_measured = _value(
        saved.scenario if saved else None, measured_before, measured, pipelines, days, notes
    )
    return PredictedActual(
        adoption=adoption,
        since=since,
        until=until,
        pipelines=pipelines,
        predicted_per_hour=plan.load.pipelines_per_hour if plan else None,
        measured_per_hour=measured_per_hour,
        figures=figures,
        runner_usd_per_month_predicted=predicted_usd,
        runner_usd_per_month_now=now_usd,
        value_usd_per_month_predicted=plan.money.value_usd_per_month if plan else None,
        value_usd_per_month_measured=value_measured,
        notes=notes,
        plan=plan,
        plan_at_measured_load=rerun_plan,
        measured_since=measured,
        measured_before=measured_before[0] if measured_before else None,
    )


def _rerun(then: WhatIf, scenario, plan: Plan, per_hour: float, notes: list[str]) -> Plan | None:
    """The adopted version's model with its pools at the adopted runner counts (their other
    work unchanged in runner-hours) and the pipelines per hour measured since."""
    if per_hour < MIN_PIPELINES_PER_HOUR:
        notes.append("Too few pipelines since the adoption to re-run the model at their load.")
        return None
    adopted = {pool.name: pool.recommended_runners for pool in plan.pools}
    pools = []
    for pool in then.pools:
        runners = adopted.get(pool.name, pool.runners)
        busy = pool.baseline_utilization * pool.runners
        share = min(busy / runners, 0.95) if runners else pool.baseline_utilization
        pools.append(pool.model_copy(update={"runners": runners, "baseline_utilization": share}))
    stated = {name: scenario.runners.get(name) for name in adopted}
    utilization = {
        name: min(share * (stated.get(name) or adopted[name]) / adopted[name], 0.95)
        for name, share in scenario.utilization.items()
        if adopted.get(name)
    }
    rerun = scenario.model_copy(
        update={
            "pipelines_per_hour": min(per_hour, limits.MAX_PIPELINES_PER_HOUR),
            "pipelines_at_once": None,
            "runners": {},
            "utilization": utilization,
        }
    )
    results = dataclasses.replace(then, pools=pools).results(rerun, verdict=True)
    return results.analysis.plan


def _value(scenario, before, after, pipelines: int, days: float, notes: list[str]) -> float | None:
    """Hours saved per month (mean wall clock before minus since, times pipelines per month
    measured, times people waiting) times the loaded $/hour of the version's inputs."""
    if scenario is None or scenario.loaded_usd_per_hour is None:
        notes.append("The version gives no loaded $/hour: the time saved has no $ value.")
        return None
    if not before or not after or before[0].wall_clock_mean_s is None:
        notes.append("No successful pipeline before the adoption to measure the time saved from.")
        return None
    saved_s = before[0].wall_clock_mean_s - (after.wall_clock_mean_s or 0.0)
    per_month = pipelines / days * DAYS_PER_MONTH
    hours = saved_s / 3600 * per_month * scenario.people_waiting_per_pipeline
    return hours * scenario.loaded_usd_per_hour


CACHE_SECONDS = 3600


Fingerprint = tuple[object, ...]


def _cache_key(
    adoption: Adoption, scope: Scope, now: datetime, fingerprint: Fingerprint | None
) -> str:
    if fingerprint is None:
        fingerprint = data_fingerprint(adoption.version.scenario.team_id)
    inputs = (adoption.pk, scope, fingerprint, now.astimezone(UTC).date())
    # v2: the value is a 1-tuple now; a shared cache may still hold the bare ones.
    return "predicted-actual:v2:" + hashlib.sha256(repr(inputs).encode()).hexdigest()


def cached_predicted_actual(
    adoption: Adoption, scope: Scope, now: datetime, fingerprint: Fingerprint | None = None
) -> PredictedActual | None:
    """`predicted_actual`, remembered while the team's data and pools (the monitor's
    `data_fingerprint`), the adoption and the day stay the same: re-running the version's
    model is most of its cost. `fingerprint`: the team's, when the caller already read it."""
    key = _cache_key(adoption, scope, now, fingerprint)
    found = cache.get(key)
    if found is None:
        # Kept in a 1-tuple, so a remembered None (nothing to compare yet) is told apart
        # from a miss.
        found = (predicted_actual(adoption, scope, now),)
        cache.set(key, found, CACHE_SECONDS)
    return found[0]


def remembered_predicted_actual(
    adoption: Adoption, scope: Scope, now: datetime, fingerprint: Fingerprint | None = None
) -> tuple[bool, PredictedActual | None]:
    """What `cached_predicted_actual` would answer, from the cache alone: (False, None) when
    it has to be computed. The monitor page answers from its aggregates at once and leaves
    the re-run of the model to a second request (or to the worker that warms it)."""
    found = cache.get(_cache_key(adoption, scope, now, fingerprint))
    return (False, None) if found is None else (True, found[0])
