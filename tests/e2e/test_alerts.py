"""Alerts in Chromium: an editor lowers a queue-wait target on the rules page, and the
dashboard shows the alert, linking to the workflow's monitor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from decider.models import AlertRule, RunnerPool
from tests.e2e.conftest import Demo, log_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_lowers_a_target_and_the_dashboard_shows_the_alert(
    page: Page, demo: Demo, console_errors: list[str]
) -> None:
    workflow = demo.workflow
    # The API's production image waits 5 min for a medium runner from a week ago on.
    generate_history(
        workflow,
        HistoryShape(
            before=[PlannedJob("build-production-api", 0, 10, 600)],
            after=[PlannedJob("build-production-api", 0, 300, 900)],
            live_on=timezone.now().date() - timedelta(days=7),
            days_before=7,
            days_after=7,
        ),
    )
    medium = RunnerPool.objects.get(team=workflow.repository.team, name="medium")
    AlertRule.objects.create(
        workflow=workflow, kind="queue_wait", pool=medium, wait_target_s=600, days=3
    )
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)

    page.goto(demo.url("workflow_monitor", workflow.pk))
    page.locator("#alerts").get_by_role("link", name="change the rules").click()
    expect(page.locator("#alert-rules")).to_contain_text("Not checked yet")
    page.locator("#alert-rules").get_by_role("link", name="change").click()
    page.get_by_label("Queue-wait target (s)").fill("120")
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".messages")).to_contain_text("Saved the rule")
    expect(page.locator("#alert-rules")).to_contain_text("Firing: over 2 min every day since")

    page.goto(demo.url("dashboard"))
    alerts = page.locator("#alerts-firing")
    expect(alerts).to_contain_text("p90 queue wait on medium has been over 2 min every day since")
    expect(alerts).to_contain_text("5 min")
    alerts.get_by_role("link", name="Open its monitor").click()
    expect(page.locator("#alerts")).to_contain_text("Firing")
    assert console_errors == []
