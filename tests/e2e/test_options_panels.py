"""Which assumption matters and when growth breaks it, in Chromium: typing the money inputs and
a growth rate fills both panels through the verdict request, without a page load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from decider.engine.github_prices import github_price_book
from decider.models import PriceRate
from tests.e2e.conftest import Demo, log_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_money_inputs_then_growth_fill_the_tornado_and_the_monthly_runners(
    page: Page, demo: Demo, console_errors: list[str]
) -> None:
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    page.goto(demo.saved_scenario_url)
    expect(page.locator("#sensitivity")).to_contain_text("Nothing to weigh yet")
    expect(page.locator("#growth")).to_contain_text("Give a monthly growth of pipelines")
    page.evaluate("window.e2eMarker = 'the same document'")

    page.fill("#id_pipelines_per_month", "400")
    with page.expect_response(re.compile(r"/scenarios/verdict/$")):
        page.fill("#id_loaded_usd_per_hour", "60")
    expect(page.locator("#sensitivity table.sensitivity tbody tr")).to_have_count(6)
    expect(page.locator("#sensitivity svg.tornado-chart")).to_be_visible()
    expect(page.locator("#sensitivity .tldr")).to_contain_text("the plan")

    # Growth needs a rate of arrivals: one pipeline at a time does not grow.
    with page.expect_response(re.compile(r"/scenarios/verdict/$")):
        page.fill("#id_growth_pct_per_month", "10")
    expect(page.locator("#growth")).to_contain_text("Growth needs pipelines per hour")
    page.select_option("#id_concurrency", "per_hour")
    with page.expect_response(re.compile(r"/scenarios/verdict/$")):
        page.fill("#id_pipelines_per_hour", "2")
    expect(page.locator("#growth table.growth tbody tr")).to_have_count(13, timeout=20_000)
    expect(page.locator("#growth .tldr")).to_contain_text("With pipelines growing 10% a month")
    # The busy hour's rate is an assumption now too.
    expect(page.locator("#sensitivity table.sensitivity tbody tr")).to_have_count(7)
    assert page.evaluate("window.e2eMarker") == "the same document"
    # Moving to the next field sends the last one's `change`: its recalculation replaces the
    # verdict still loading, which htmx aborts and logs (sendAbort, then afterRequest). That
    # is the form working; any other console error is not.
    aborted = ("htmx:sendAbort,", "htmx:afterRequest,")
    assert [error for error in console_errors if not error.startswith(aborted)] == []


def test_the_options_panel_prices_hosted_minutes_once_pipelines_per_month_are_given(
    page: Page, demo: Demo, console_errors: list[str]
) -> None:
    # Tests that empty the database between them take the migration's GitHub rows too.
    if not PriceRate.objects.filter(team=None).exists():
        PriceRate.objects.bulk_create(
            PriceRate(team=None, **rate.model_dump()) for rate in github_price_book().rates
        )
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    page.goto(demo.saved_scenario_url)
    options = page.locator("#options")
    expect(options).to_contain_text("Give pipelines per month to price GitHub-hosted minutes")
    expect(options.locator("svg.options-chart").first).to_be_visible()
    page.evaluate("window.e2eMarker = 'the same document'")

    # The verdict may come with the recalculation (its runs cached) or after it: either way
    # the panel is replaced in the same document.
    page.fill("#id_pipelines_per_month", "900")
    expect(options).not_to_contain_text("Give pipelines per month", timeout=20_000)
    expect(options.locator("table.options tr.option-hosted").first).to_contain_text("$")
    expect(options.locator("table.options tr.chosen").first).to_be_visible()
    expect(options.locator(".tldr")).to_contain_text("a month at the cheapest")

    # A dearer hosted size on a date before 2026 changes the hosted price, not the page.
    page.select_option("#id_hosted_size", "linux-16-core")
    page.fill("#id_price_date", "2025-06-01")
    expect(options).to_contain_text("Linux x64 16-core at $0.064 a minute", timeout=20_000)
    assert page.evaluate("window.e2eMarker") == "the same document"
    aborted = ("htmx:sendAbort,", "htmx:afterRequest,")
    assert [error for error in console_errors if not error.startswith(aborted)] == []
