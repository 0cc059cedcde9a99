"""A workflow's monitor: trends of what its runs measured, day by day and week by week,
with every adoption marked, and (once a version is adopted) its predictions against them.

The figures come from `monitor_queries` (aggregated by the database); this module picks the
window, places jobs on pools, turns runner time into utilization and draws the charts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from decider.adapter.inputs import engine_pools
from decider.adapter.monitor_queries import (
    Period,
    PipelinePeriod,
    Scope,
    busy_seconds_by_labels,
    pipeline_periods,
    pool_periods,
)
from decider.charts.trend import Marker, Series, Unit, trend_svg
from decider.engine.pools import place
from decider.models import Adoption, Job, RunnerPool, Team, Workflow, WorkflowRun

WINDOW_CHOICES = (28, 56, 91, 182)
DEFAULT_WINDOW_DAYS = 56
BRANCHES_LISTED = 30  # the filter lists the branches with the most runs in the window
PERIOD_DAYS: dict[Period, int] = {"day": 1, "week": 7}
# The figures of a window are kept this long while nothing they are computed from changes
# (`data_fingerprint`); the window itself moves at midnight, which changes the key.
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Filters:
    branch: str = ""
    trigger: str = ""
    days: int = DEFAULT_WINDOW_DAYS
    period: Period = "day"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


@dataclass(frozen=True)
class Trends:
    """One period's (day or week) charts and the pipelines table."""

    period: Period
    charts: list[Chart]
    pipelines: list[PipelinePeriod]
    jobs_measured: int  # job runs on a pool or group, cancelled ones included


@dataclass(frozen=True)
class Monitor:
    workflow: Workflow
    start: datetime
    end: datetime
    filters: Filters
    adoptions: list[Adoption]
    current: Adoption | None
    milestone_keys: list[str]
    branches: list[str]
    pipelines_measured: int
    shown: Trends  # the filters' period: one per request keeps the page's queries to four
    scope: Scope  # the runs the figures are of (the predicted-against-actual table's too)
    fingerprint: tuple[object, ...]  # `data_fingerprint`, read once per page

    @property
    def has_data(self) -> bool:
        return self.pipelines_measured > 0 or self.shown.jobs_measured > 0

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


def window(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Whole UTC days: from `days` days before tomorrow's midnight to it."""
    today = (now or timezone.now()).astimezone(UTC).date()
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
    return end - timedelta(days=days), end


def milestone_keys(adoption: Adoption | None) -> list[str]:
    """The adopted version's milestone jobs, by key (its inputs number jobs by `job_keys`)."""
    if adoption is None:
        return []
    keys = adoption.version.job_keys
    ids = adoption.version.inputs.get("milestone") or []
    return [keys[index] for index in ids if isinstance(index, int) and 0 <= index < len(keys)]


def pool_of_job(workflow: Workflow) -> dict[int, str]:
    """Each job's pool (or unconstrained group, such as GitHub-hosted) by its runs-on labels."""
    pools = engine_pools(workflow.repository.team)
    return {
        job_id: place(list(runs_on), pools).group
        for job_id, runs_on in Job.objects.filter(workflow=workflow).values_list("pk", "runs_on")
    }


def branches(workflow: Workflow, start: datetime, end: datetime) -> list[str]:
    rows = (
        WorkflowRun.objects.filter(workflow=workflow, created_at__gte=start, created_at__lt=end)
        .exclude(branch="")
        .values("branch")
        .annotate(runs=Count("id"))
        .order_by("-runs", "branch")[:BRANCHES_LISTED]
    )
    return [row["branch"] for row in rows]


def runs_scope(workflow_id: int, filters: Filters, now: datetime | None = None) -> Scope:
    """The runs the filters choose: the page's, its table's and the follow-up PDF's."""
    start, end = window(filters.days, now)
    return Scope(workflow_id, start, end, branch=filters.branch, event=filters.trigger)


def monitor(workflow: Workflow, filters: Filters, now: datetime | None = None) -> Monitor:
    scope = runs_scope(workflow.pk, filters, now)
    start, end = scope.start, scope.end
    adoptions = list(
        Adoption.objects.filter(workflow=workflow)
        .select_related("version__scenario", "recorded_by")
        .order_by("live_on", "recorded_at")
    )
    current = next((row for row in adoptions if row.ended_at is None), None)
    keys = milestone_keys(current)
    placed = pool_of_job(workflow)
    markers = [Marker(row.live_on, f"v{row.version.number} live") for row in adoptions]
    fingerprint = data_fingerprint(workflow.repository.team_id)
    inputs = (scope, filters, keys, placed, markers, fingerprint)
    key = "monitor:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = (
            _trends(workflow, scope, filters.period, keys, placed, markers),
            branches(workflow, start, end),
        )
        cache.set(key, found, CACHE_SECONDS)
    shown, listed = found
    return Monitor(
        workflow=workflow,
        start=start,
        end=end,
        filters=filters,
        adoptions=adoptions,
        current=current,
        milestone_keys=keys,
        branches=listed,
        pipelines_measured=sum(row.pipelines for row in shown.pipelines),
        shown=shown,
        scope=scope,
        fingerprint=fingerprint,
    )


def data_fingerprint(team_id: int) -> tuple[object, ...]:
    """What the monitor's figures (and the predicted-against-actual table) are computed from,
    besides the page's own inputs: every workflow of the team (utilization counts them all)
    by data version (bumped by each import), their runs' count and newest id (runs added or
    deleted otherwise), and the team's pools. Three small queries instead of the aggregates'."""
    versions = list(
        Workflow.objects.filter(repository__team_id=team_id)
        .order_by("pk")
        .values_list("pk", "data_version")
    )
    runs = WorkflowRun.objects.filter(workflow__repository__team_id=team_id).aggregate(
        rows=Count("id"), newest=Max("id")
    )
    pools = list(
        RunnerPool.objects.filter(team_id=team_id)
        .order_by("pk")
        .values_list(
            "name", "labels", "runners", "monthly_cost_usd_per_runner", "baseline_utilization"
        )
    )
    return (versions, runs, pools)


def _period_starts(scope: Scope, period: Period) -> list[date]:
    first = scope.start.date()
    if period == "week":
        first -= timedelta(days=first.weekday())
    step = timedelta(days=PERIOD_DAYS[period])
    starts = []
    day = first
    while day < scope.end.date():
        starts.append(day)
        day += step
    return starts


def _seconds_in_window(start: datetime, end: datetime, period: Period, first: date) -> float:
    """A period's length inside [start, end) (the first and last weeks can be partial)."""
    begins = max(datetime.combine(first, time(), tzinfo=UTC), start)
    ends = min(
        datetime.combine(first + timedelta(days=PERIOD_DAYS[period]), time(), tzinfo=UTC), end
    )
    return max((ends - begins).total_seconds(), 0.0)


def _trends(
    workflow: Workflow,
    scope: Scope,
    period: Period,
    keys: list[str],
    placed: dict[int, str],
    markers: list[Marker],
) -> Trends:
    starts = _period_starts(scope, period)
    pipelines = pipeline_periods(scope, period, keys)
    by_pool = pool_periods(scope, period, placed)
    every = "Daily" if period == "day" else "Weekly"

    def chart(title: str, series: list[Series], unit: Unit) -> Chart:
        svg = trend_svg(
            f"{every} {title.lower()}", series, markers, first=starts[0], last=starts[-1], unit=unit
        )
        return Chart(title, mark_safe(svg))

    def line(name: str, figures: dict[date, float | None]) -> Series:
        return Series(name, [(start, figures.get(start)) for start in starts])

    wall = [
        line("p50 wall clock", {row.start: row.wall_clock_p50_s for row in pipelines}),
        line("p90 wall clock", {row.start: row.wall_clock_p90_s for row in pipelines}),
    ]
    if keys:
        wall += [
            line("p50 milestone", {row.start: row.milestone_p50_s for row in pipelines}),
            line("p90 milestone", {row.start: row.milestone_p90_s for row in pipelines}),
        ]
    pools = sorted({row.pool for row in by_pool})
    waits = [
        line(
            f"{pool} {which}",
            {row.start: getattr(row, f"wait_{which}_s") for row in by_pool if row.pool == pool},
        )
        for pool in pools
        for which in ("p50", "p90")
    ]
    cancelled = [
        line(
            pool, {row.start: float(row.cancelled_in_queue) for row in by_pool if row.pool == pool}
        )
        for pool in pools
    ]
    charts = [
        chart("Pipeline wall clock" + (" and milestone" if keys else ""), wall, "duration"),
        chart("Queue wait per pool", waits, "duration"),
        chart(
            "Served utilization per pool", _utilization(workflow, scope, period, starts), "share"
        ),
        chart("Jobs cancelled while queued", cancelled, "count"),
    ]
    return Trends(
        period=period,
        charts=charts,
        pipelines=pipelines,
        jobs_measured=sum(row.jobs for row in by_pool),
    )


def served_utilization(
    team: Team, start: datetime, end: datetime, period: Period
) -> dict[str, dict[date, float]]:
    """Per pool and period: runner time served (all the team's workflows, by the day a job
    started) over the pool's runners today times the period's time inside [start, end).
    A period in which the pool served nothing is absent (docs/monitor.md rule 5)."""
    pools = {pool.name: pool for pool in engine_pools(team)}
    busy: dict[str, dict[date, float]] = {}
    for first, labels_text, seconds in busy_seconds_by_labels(team.pk, start, end, period):
        group = place(list(json.loads(labels_text or "[]")), list(pools.values())).group
        if group in pools:
            per_period = busy.setdefault(group, {})
            per_period[first] = per_period.get(first, 0.0) + seconds
    shares: dict[str, dict[date, float]] = {}
    for name in sorted(busy):
        runners = pools[name].runners
        shares[name] = {
            first: seconds / (runners * _seconds_in_window(start, end, period, first))
            for first, seconds in busy[name].items()
            if runners and _seconds_in_window(start, end, period, first)
        }
    return shares


def _utilization(
    workflow: Workflow, scope: Scope, period: Period, starts: list[date]
) -> list[Series]:
    shares = served_utilization(workflow.repository.team, scope.start, scope.end, period)
    return [
        Series(name, [(start, figures.get(start)) for start in starts])
        for name, figures in shares.items()
    ]
