"""Versions in Chromium: save a new version, read the list, open an old one, restore it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, log_in_as
from tests.e2e.test_scenarios import derived_runners, pool_field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_old_version_keeps_its_figures_and_can_be_restored(page: Page, demo: Demo) -> None:
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    page.goto(demo.saved_scenario_url)
    expect(derived_runners(page, "medium")).to_have_text("3")

    pool_field(page, "medium").fill("8")
    expect(derived_runners(page, "medium")).to_have_text("8")
    page.get_by_role("button", name="Save version 2").click()
    expect(page.get_by_role("button", name="Save version 3")).to_be_visible()

    page.get_by_role("link", name="all versions").click()
    rows = page.locator("table.versions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("medium runners: 8 (was the team's value).")
    expect(rows.last).to_contain_text("First version.")

    rows.last.get_by_role("link", name="1", exact=True).click()
    expect(page.locator(".notice").first).to_contain_text("You are looking at version 1")
    expect(derived_runners(page, "medium")).to_have_text("3")

    page.get_by_role("button", name="Restore as version 3").click()
    expect(page.locator(".messages")).to_contain_text("Restored version 1 as version 3.")
    expect(page.get_by_role("button", name="Save version 4")).to_be_visible()
    expect(derived_runners(page, "medium")).to_have_text("3")
    demo.scenario.refresh_from_db()
    assert demo.scenario.version == 3
    assert "medium" not in demo.scenario.inputs["runners"]


def test_todays_data_is_offered_as_a_new_version(page: Page, demo: Demo) -> None:
    demo.scenario.team.pools.filter(name="medium").update(runners=6)
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    page.goto(demo.saved_scenario_url)
    expect(page.locator(".notice")).to_contain_text("Pool medium: 6 runners now, 3 then.")
    expect(derived_runners(page, "medium")).to_have_text("3")

    page.get_by_role("button", name="Recalculate with today's data as version 2").click()

    expect(page.locator(".messages")).to_contain_text("as version 2")
    expect(page.locator(".notice")).to_have_count(0)
