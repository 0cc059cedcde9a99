"""The follow-up report on generated histories with a known shift at the live day: the demo's
(1012 s before, 524 s after, a queue on medium), and histories made to meet each rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from decider.adapter.followup import FollowUp, follow_up
from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from decider.adapter.monitor import Filters
from decider.adapter.saved import analyse_saved
from decider.engine.analysis import GraphResult
from decider.models import Adoption, Scenario
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def _noon_today() -> datetime:
    # A fixed hour: the measured load (runs / hours since) and so the re-run stay the same.
    return datetime.combine(timezone.now().date(), time(12), tzinfo=UTC)


def _timings(graph: GraphResult, keys: dict[int, str], *, waits: bool = True) -> list[PlannedJob]:
    """The demo's schedule of a graph, as `load_demo` writes it; without waits every job
    starts when it is ready."""
    jobs = graph.constrained.jobs if graph.constrained is not None else graph.timings
    return [
        PlannedJob(keys[job.id], job.ready_s if waits else job.start_s, job.start_s, job.end_s)
        for job in jobs
        if job.end_s > job.start_s
    ]


def _adopted(scenario: Scenario, *, after: str, days_after: int) -> Adoption:
    """The demo scenario adopted `days_after` days ago on a history whose runs after the live
    day follow `after`: 'proposed' (no queue), or 'current' (no faster)."""
    analysis = analyse_saved(scenario).results.analysis
    keys = {job.id: job.key for job in analysis.jobs}
    live_on = timezone.now().date() - timedelta(days=days_after)
    later = analysis.proposed if after == "proposed" else analysis.current
    generate_history(
        scenario.workflow,
        HistoryShape(
            before=_timings(analysis.current, keys),
            after=_timings(later, keys, waits=False),
            live_on=live_on,
            days_before=28,
            days_after=days_after,
        ),
    )
    return Adoption.adopt(
        scenario.versions.get(),
        scenario.workflow,
        scenario.created_by,
        live_on=live_on,
        approved_by="Dana Ruiz",
        budget_usd_per_month=Decimal(1350),
    )


def _report(adoption: Adoption) -> FollowUp:
    return follow_up(adoption, Filters(), _noon_today())


def test_the_demo_reports_its_shift_and_asks_for_the_medium_runners_it_never_added() -> None:
    scenario = load_demo(monitor_history=True)
    report = _report(Adoption.objects.current().get(workflow=scenario.workflow))
    assert report.elapsed == "3 weeks"
    comparison = report.comparison
    assert comparison is not None and comparison.measured_before and comparison.measured_since
    assert comparison.measured_before.wall_clock_p50_s == pytest.approx(1012)
    assert comparison.measured_since.wall_clock_p50_s == pytest.approx(524)
    advice = report.recommendation
    assert advice.action == "add_runners"
    # The plan asked for 6 medium runners, the team still has 3, and the runs queue there.
    assert list(advice.additions) == ["medium"]
    assert "The adopted version planned 6 runners there; the pool has 3." in advice.reasons[0]
    weeks = {row.start: row.wall_clock_p50_s for row in report.trends.pipelines}
    assert weeks[report.live_week - timedelta(days=7)] == pytest.approx(1012)
    assert weeks[report.live_week + timedelta(days=7)] == pytest.approx(524)
    assert report.sources.generated == report.sources.runs > 0


def test_a_faster_change_with_no_queue_is_kept() -> None:
    scenario = load_demo()
    report = _report(_adopted(scenario, after="proposed", days_after=14))
    assert report.recommendation.action == "keep", report.recommendation.reasons
    assert report.elapsed == "2 weeks"


def test_a_change_that_is_no_faster_is_rolled_back() -> None:
    scenario = load_demo()
    report = _report(_adopted(scenario, after="current", days_after=14))
    assert report.recommendation.action == "roll_back"
    assert "16 min 52 s since, against 16 min 52 s before" in report.recommendation.reasons[0]


def test_five_days_after_there_is_no_verdict_yet() -> None:
    scenario = load_demo()
    report = _report(_adopted(scenario, after="proposed", days_after=5))
    assert report.recommendation.action == "no_verdict"
    assert report.elapsed == "6 days"  # five whole days and today's


def test_a_past_adoption_is_measured_up_to_the_next_live_day() -> None:
    scenario = load_demo(monitor_history=True)
    first = Adoption.objects.current().get(workflow=scenario.workflow)
    next_live = first.live_on + timedelta(days=10)
    Adoption.adopt(
        scenario.versions.get(),
        scenario.workflow,
        scenario.created_by,
        live_on=next_live,
        approved_by="Dana Ruiz",
        budget_usd_per_month=Decimal(1350),
    )
    first.refresh_from_db()
    report = _report(first)
    assert report.ended and report.until == next_live - timedelta(days=1)
    assert report.elapsed == "10 days"
    assert report.comparison is not None
    assert report.comparison.pipelines == 12 * 10  # 9 on main and 3 on a branch, 10 days
