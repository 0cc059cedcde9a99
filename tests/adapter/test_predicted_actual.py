"""Predicted against actual on the demo: its generated history follows the proposed graph
exactly after the adoption, so what the runs measured is the version's own schedule."""

from __future__ import annotations

import pytest
from django.utils import timezone

from decider.adapter.monitor import Filters, monitor
from decider.adapter.monitor_queries import Scope
from decider.adapter.predicted_actual import predicted_actual
from decider.models import Adoption, Scenario
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_scenario(db: None) -> Scenario:
    """The demo as `make run` loads it: adopted, with its generated history."""
    return load_demo(monitor_history=True)


def test_the_demo_ships_an_adoption_and_its_history(demo_scenario: Scenario) -> None:
    adoption = Adoption.objects.current().get(workflow=demo_scenario.workflow)
    assert adoption.version.scenario == demo_scenario
    page = monitor(demo_scenario.workflow, Filters())
    assert page.has_data and page.current == adoption
    before = [row for row in page.shown.pipelines if row.start < adoption.live_on]
    after = [row for row in page.shown.pipelines if row.start >= adoption.live_on]
    # The generated days' medians are the constrained schedules' wall clocks: today's graph
    # 1012 s (DESIGN's golden figure), the demo's proposed graph (gates kept) 524 s.
    assert {round(row.wall_clock_p50_s) for row in before if row.pipelines >= 9} == {1012}
    assert {round(row.wall_clock_p50_s) for row in after if row.pipelines >= 9} == {524}


def test_the_table_splits_a_miss_into_load_and_model(demo_scenario: Scenario) -> None:
    adoption = Adoption.objects.current().get(workflow=demo_scenario.workflow)
    page = monitor(demo_scenario.workflow, Filters(branch="main"))
    scope = Scope(demo_scenario.workflow_id, page.start, page.end, branch="main")
    comparison = predicted_actual(adoption, scope, timezone.now())
    assert comparison is not None
    figures = {figure.what: figure for figure in comparison.figures}
    median = figures["Pipeline wall clock, median (p50)"]
    assert median.measured == pytest.approx(524)
    assert median.load_changed == pytest.approx(median.at_measured_load - median.predicted)
    assert median.model_wrong == pytest.approx(524 - median.at_measured_load)
    assert comparison.pipelines == 9 * 21  # 21 days of 9 pipelines on main
    assert comparison.measured_per_hour == pytest.approx(
        comparison.pipelines / ((comparison.until - comparison.since).total_seconds() / 3600)
    )
    cost = figures["Runner cost per month"]
    assert cost.measured == 900  # the demo's pools: 4 small and 3 medium at $75


def test_the_table_is_the_same_all_day_and_waits_for_a_whole_day(demo_scenario: Scenario) -> None:
    """Whole UTC days: re-running the model at a load measured to the minute gave another
    queue wait every minute, so the page, the PDF and the command line disagreed."""
    from datetime import UTC, datetime, time, timedelta

    adoption = Adoption.objects.current().get(workflow=demo_scenario.workflow)
    page = monitor(demo_scenario.workflow, Filters())
    scope = Scope(demo_scenario.workflow_id, page.start, page.end)
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time(), tzinfo=UTC)
    early = predicted_actual(adoption, scope, midnight + timedelta(minutes=1))
    late = predicted_actual(adoption, scope, midnight + timedelta(hours=23, minutes=59))
    assert early is not None and late is not None
    assert early.until == late.until == midnight
    assert early.measured_per_hour == 252 / (21 * 24)  # 12 pipelines a day for 21 whole days
    assert [f.at_measured_load for f in early.figures] == [f.at_measured_load for f in late.figures]
    # On its live day nothing is compared yet.
    live_today = datetime.combine(adoption.live_on, time(), tzinfo=UTC) + timedelta(hours=20)
    assert predicted_actual(adoption, scope, live_today) is None


def test_the_table_reads_kept_days_and_the_snapshot_not_every_job_run(
    demo_scenario: Scenario,
) -> None:
    """Whole days read the kept rows, and the adopted version is analysed from its snapshot
    alone: no query reads the job runs, however many are stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    adoption = Adoption.objects.current().get(workflow=demo_scenario.workflow)
    assert adoption.version.snapshot is not None
    page = monitor(demo_scenario.workflow, Filters())
    scope = Scope(demo_scenario.workflow_id, page.start, page.end)
    with CaptureQueriesContext(connection) as queries:
        comparison = predicted_actual(adoption, scope, timezone.now())
    assert comparison is not None and comparison.plan_at_measured_load is not None
    assert [q["sql"] for q in queries.captured_queries if "decider_jobrun" in q["sql"]] == []
