"""The follow-up report, "N weeks after": an adoption's promise, what its runs measured
since, what it cost, and what to do next.

Every figure of the predicted-against-actual table is the monitor page's own
(`cached_predicted_actual` with the page's scope), the charts are the monitor's weekly
trends, and the recommendation follows `followup_rules`. Rules: docs/followup.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Max

from decider.adapter.followup_rules import Evidence, PoolEvidence, Recommendation, recommend
from decider.adapter.generated_history import FIRST_RUN_ID
from decider.adapter.monitor import Filters, Trends, monitor, runs_scope
from decider.adapter.predicted_actual import PredictedActual, cached_predicted_actual
from decider.engine.formatting import count
from decider.engine.inputs import Scenario as ScenarioInputs
from decider.engine.plan import Plan
from decider.models import (
    Adoption,
    RunnerPool,
    SyncedRun,
    SyncRun,
    WebhookDelivery,
    Workflow,
    WorkflowRun,
)

# The trends run from as many days before the live day as have passed since (the before
# beside the after), within these bounds.
MIN_TREND_DAYS = 28
MAX_TREND_DAYS = 182
WEEKS_FROM_DAYS = 14  # under two weeks the report counts days
# A version whose plan cannot be recomputed is judged against the what-if's default target.
DEFAULT_TARGET_WAIT_S = float(ScenarioInputs.model_fields["target_queue_wait_s"].default)


@dataclass(frozen=True)
class Sources:
    """Where the window's workflow runs came from (each run counted once)."""

    runs: int
    synced: int  # read from GitHub by a sync
    webhooks: int  # received as webhook deliveries
    generated: int  # the demo's generated history
    imported: int  # imported from files (REST or gh CLI JSON, CSV)
    last_sync: datetime | None
    last_delivery: datetime | None

    @property
    def lines(self) -> list[str]:
        """How the runs arrived, in words, one source a line (none: nothing)."""
        lines = []
        if self.synced:
            when = f" (last finished {self.last_sync:%Y-%m-%d %H:%M} UTC)" if self.last_sync else ""
            lines.append(f"{count(self.synced, 'run')} read from GitHub by a sync{when}")
        if self.webhooks:
            when = (
                f" (last received {self.last_delivery:%Y-%m-%d %H:%M} UTC)"
                if self.last_delivery
                else ""
            )
            lines.append(f"{count(self.webhooks, 'run')} sent by GitHub webhooks{when}")
        if self.imported:
            lines.append(
                f"{count(self.imported, 'run')} imported from files "
                "(GitHub's REST or gh CLI JSON, or CSV)"
            )
        if self.generated:
            lines.append(f"{count(self.generated, 'run')} generated for the demo, not real runs")
        return lines


@dataclass(frozen=True)
class Money:
    before_usd: float | None  # the version's pools as they were when it was saved
    predicted_usd: float | None
    budget_usd: float
    now_usd: float
    added_predicted_usd: float | None
    added_measured_usd: float | None
    value_predicted_usd: float | None
    value_measured_usd: float | None

    @property
    def net_predicted_usd(self) -> float | None:
        if self.value_predicted_usd is None or self.added_predicted_usd is None:
            return None
        return self.value_predicted_usd - self.added_predicted_usd

    @property
    def net_measured_usd(self) -> float | None:
        if self.value_measured_usd is None or self.added_measured_usd is None:
            return None
        return self.value_measured_usd - self.added_measured_usd


@dataclass(frozen=True)
class FollowUp:
    adoption: Adoption
    workflow: Workflow
    filters: Filters
    until: date  # the last day measured
    ended: bool  # a past adoption: a later one replaced it
    comparison: PredictedActual | None  # None: the live day is after the report's end
    trends: Trends
    trend_start: datetime
    trend_end: datetime
    money: Money | None
    recommendation: Recommendation
    sources: Sources

    @property
    def days(self) -> int:
        """Whole days measured since the live day."""
        return max((self.until - self.adoption.live_on).days + 1, 0)

    @property
    def elapsed(self) -> str:
        """'3 weeks', or '10 days' under two weeks."""
        if self.days < WEEKS_FROM_DAYS:
            return count(self.days, "day")
        return count(self.days // 7, "week")

    @property
    def live_week(self) -> date:
        """The Monday of the week the change went live (the trends' weeks start on Monday)."""
        return self.adoption.live_on - timedelta(days=self.adoption.live_on.weekday())

    @property
    def plan(self) -> Plan | None:
        return self.comparison.plan if self.comparison else None


def follow_up(adoption: Adoption, filters: Filters, now: datetime) -> FollowUp:
    workflow = adoption.workflow
    ends_on = _end_of(adoption)
    report_now = now if ends_on is None else min(now, _midnight(ends_on))
    # The monitor page's scope for these filters: the same figures, from the same cache.
    scope = runs_scope(workflow.pk, filters, report_now)
    comparison = cached_predicted_actual(adoption, scope, report_now)
    until = (min(scope.end, report_now) - timedelta(microseconds=1)).date()
    since_days = max((until - adoption.live_on).days + 1, 0)
    trend_days = min(max(2 * since_days + 1, MIN_TREND_DAYS), MAX_TREND_DAYS)
    trend_filters = Filters(filters.branch, filters.trigger, trend_days, "week")
    trends = monitor(workflow, trend_filters, report_now)
    money = _money(adoption, comparison) if comparison else None
    return FollowUp(
        adoption=adoption,
        workflow=workflow,
        filters=filters,
        until=until,
        ended=ends_on is not None,
        comparison=comparison,
        trends=trends.shown,
        trend_start=trends.start,
        trend_end=trends.end,
        money=money,
        recommendation=_recommendation(adoption, comparison, money),
        sources=_sources(workflow, trends.start, trends.end),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _end_of(adoption: Adoption) -> date | None:
    """A past adoption ends on the live day of the one that replaced it (or the day it was
    ended, when no later one went live)."""
    if adoption.ended_at is None:
        return None
    later = (
        Adoption.objects.filter(workflow_id=adoption.workflow_id, live_on__gt=adoption.live_on)
        .order_by("live_on")
        .values_list("live_on", flat=True)
        .first()
    )
    return later or adoption.ended_at.date()


def _money(adoption: Adoption, comparison: PredictedActual) -> Money:
    plan = comparison.plan
    before = (
        sum(pool.inventory_runners * pool.usd_per_runner_month for pool in plan.pools)
        if plan
        else None
    )
    now = comparison.runner_usd_per_month_now
    return Money(
        before_usd=before,
        predicted_usd=comparison.runner_usd_per_month_predicted,
        budget_usd=float(adoption.budget_usd_per_month),
        now_usd=now,
        added_predicted_usd=plan.money.added_usd_per_month if plan else None,
        added_measured_usd=None if before is None else now - before,
        value_predicted_usd=comparison.value_usd_per_month_predicted,
        value_measured_usd=comparison.value_usd_per_month_measured,
    )


def _recommendation(
    adoption: Adoption, comparison: PredictedActual | None, money: Money | None
) -> Recommendation:
    if comparison is None or money is None:
        return Recommendation(
            "no_verdict", ["The change has not gone live yet: nothing was measured since."]
        )
    since, before = comparison.measured_since, comparison.measured_before
    plan, rerun = comparison.plan, comparison.plan_at_measured_load
    team_id = adoption.workflow.repository.team_id
    pools = {row.name: row for row in RunnerPool.objects.filter(team_id=team_id)}
    evidence = Evidence(
        days_since=(comparison.until - comparison.since).total_seconds() / 86400,
        pipelines_since=since.pipelines if since else 0,
        pipelines_before=before.pipelines if before else 0,
        wall_clock_p50_before_s=before.wall_clock_p50_s if before else None,
        wall_clock_p50_since_s=since.wall_clock_p50_s if since else None,
        target_wait_s=plan.target_queue_wait_s if plan else DEFAULT_TARGET_WAIT_S,
        runner_usd_per_month_now=money.now_usd,
        budget_usd_per_month=money.budget_usd,
        added_usd_per_month=money.added_measured_usd,
        value_usd_per_month=money.value_measured_usd,
        pools=[
            PoolEvidence(
                pool=figure.pool,
                p90_wait_s=figure.measured,
                runners_now=pools[figure.pool].runners if figure.pool in pools else None,
                usd_per_runner_month=float(pools[figure.pool].monthly_cost_usd_per_runner)
                if figure.pool in pools
                else None,
                needed_at_measured_load=_needed(plan, rerun, figure.pool),
                recommended_by_version=_recommended(plan, figure.pool),
            )
            for figure in comparison.figures
            if figure.pool
        ],
    )
    return recommend(evidence)


def _recommended(plan: Plan | None, pool: str) -> int | None:
    row = next((row for row in plan.pools if row.name == pool), None) if plan else None
    return row.recommended_runners if row else None


def _needed(plan: Plan | None, rerun: Plan | None, pool: str) -> int | None:
    """The engine's sizing of `pool` at the measured load, for the graph the version kept."""
    if plan is None or rerun is None:
        return None
    row = next((row for row in rerun.pools if row.name == pool), None)
    if row is None:
        return None
    sizing = row.sizing_proposed if plan.graph == "proposed" else row.sizing_today
    return sizing.needed if sizing else None


def _sources(workflow: Workflow, start: datetime, end: datetime) -> Sources:
    runs = WorkflowRun.objects.filter(workflow=workflow, created_at__gte=start, created_at__lt=end)
    repository = workflow.repository
    real = runs.filter(github_run_id__lt=FIRST_RUN_ID)
    synced_ids = SyncedRun.objects.filter(repository=repository).values("github_run_id")
    delivered_jobs = WebhookDelivery.objects.filter(
        repository=repository, github_job_id__isnull=False
    ).values("github_job_id")
    total = runs.count()
    generated = total - real.count()
    synced = real.filter(github_run_id__in=synced_ids).count()
    webhooks = (
        real.exclude(github_run_id__in=synced_ids)
        .filter(job_runs__github_job_id__in=delivered_jobs)
        .distinct()
        .count()
    )
    return Sources(
        runs=total,
        synced=synced,
        webhooks=webhooks,
        generated=generated,
        imported=total - generated - synced - webhooks,
        last_sync=SyncRun.objects.filter(repository=repository, state=SyncRun.State.DONE)
        .aggregate(last=Max("finished_at"))
        .get("last"),
        last_delivery=WebhookDelivery.objects.filter(repository=repository)
        .aggregate(last=Max("received_at"))
        .get("last"),
    )
