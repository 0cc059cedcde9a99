"""The monitor in Chromium: adopt a version, open the monitor, filter by branch, download the
demo's follow-up PDF."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from tests.conftest import load_demo
from tests.e2e.conftest import Demo, log_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_adopting_a_version_opens_its_monitor_and_filters_by_branch(page: Page, demo: Demo) -> None:
    generate_history(
        demo.scenario.workflow,
        HistoryShape(
            before=[PlannedJob("lint-and-unit-api", 0, 10, 1012)],
            after=[PlannedJob("lint-and-unit-api", 0, 10, 524)],
            live_on=date(2026, 11, 2),
            days_before=7,
            days_after=7,
            other_branch="feature/payments",
            other_branch_per_day=2,
        ),
    )
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    page.goto(demo.saved_scenario_url)
    page.get_by_role("link", name="Adopt version 1: it went live").click()
    page.get_by_label("Went live on").fill("2026-11-02")
    page.get_by_label("Approved by").fill("Dana Ruiz")
    page.get_by_label("Budget approved ($ per month)").fill("1350")
    page.get_by_role("button", name="Adopt version 1").click()

    expect(page.locator(".messages")).to_contain_text("Adopted version 1")
    expect(page.locator("#adoption")).to_contain_text("went live on 2026-11-02")
    # The page answers from its aggregates; htmx then fills in the re-run of the model.
    expect(page.locator("#predicted-actual table.predicted-actual")).to_be_visible()
    expect(page.locator("#predicted-actual")).to_contain_text("Predicted against actual, since")
    expect(page.locator("svg.trend").first).to_contain_text("v1 live")

    page.get_by_label("Branch").fill("feature/payments")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#monitor-filters")).to_contain_text("branch feature/payments")
    assert "branch=feature%2Fpayments" in page.url


def test_the_demo_follow_up_pdf_downloads_from_the_monitor_page(page: Page, live_server) -> None:
    scenario = load_demo(monitor_history=True)
    log_in_as(page.context, live_server.url, scenario.created_by)
    page.goto(f"{live_server.url}{reverse('workflow_monitor', args=[scenario.workflow_id])}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Follow-up report for the budget holder (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("decider-followup-parallel-production-builds-v1-")
    text = "".join(
        "".join(pdf_page.extract_text() for pdf_page in PdfReader(download.path()).pages).split()
    )
    assert "Parallelproductionbuilds:3weeksafter" in text
    assert "Whattodonext:" in text
