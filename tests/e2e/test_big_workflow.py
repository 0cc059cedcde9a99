"""A 128-job workflow with about a thousand edges in Chromium: ticking edges posts one field, the
panel recalculates, the scenario saves; a refused htmx request shows a plain sentence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from decider.models import Membership, Scenario
from tests.e2e.conftest import Demo, log_in_as
from tests.factories import MembershipFactory, UserFactory
from tests.web.views.test_big_forms import big_workflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def big(page: Page, demo: Demo) -> str:
    """The new-scenario page of a 128-job workflow (each job needs up to 8 before it: 1,020
    edges, DefectDojo's unit-tests workflow's size), with the page signed in as its editor."""
    team = demo.workflow.repository.team
    workflow = big_workflow(team, jobs=128, fan_in=8)
    user = UserFactory()
    MembershipFactory(team=team, user=user, role=Membership.Role.EDITOR)
    log_in_as(page.context, demo.base_url, user)
    return demo.url("scenario_new", workflow.pk)


def show_the_edges(page: Page) -> None:
    """The 1,020 ticks are folded behind their count; open them."""
    page.locator("details.edge-list > summary", has_text="edges: show the ticks").click()


def test_edits_and_saves_of_a_128_job_workflow_work(
    page: Page, big: str, console_errors: list[str]
) -> None:
    page.goto(big)
    show_the_edges(page)
    box = page.get_by_label("Remove needs")
    expect(box).to_have_value("")

    with page.expect_response(re.compile(r"/scenarios/calculate/$")) as calculated:
        page.get_by_label("job-100 needs job-95").uncheck()
    assert calculated.value.status == 200
    expect(box).to_have_value("job-100: job-95")
    posted = calculated.value.request.post_data or ""
    assert posted.count("=") < 2 * 128 + 40  # about two fields per job, none per edge

    with page.expect_response(re.compile(r"/scenarios/calculate/$")):
        page.get_by_label("job-7 needs job-0").uncheck()
    expect(box).to_have_value("job-7: job-0\njob-100: job-95")  # in the page's order
    with page.expect_response(re.compile(r"/scenarios/calculate/$")):
        box.fill("job-7: job-0")  # typing moves the ticks back
    expect(page.get_by_label("job-100 needs job-95")).to_be_checked()
    expect(page.get_by_label("job-7 needs job-0")).not_to_be_checked()

    page.locator("input[name=save-name]").fill("Big one")
    page.get_by_role("button", name="Save scenario").click()

    expect(page.locator("h1")).to_have_text("Big one")
    expect(page.get_by_label("job-7 needs job-0")).not_to_be_checked()
    saved = Scenario.objects.get(name="Big one")
    assert len(saved.inputs["remove_needs"]) == 1
    # Saving navigates away while a recalculation may be in flight: htmx logs that abort.
    assert [e for e in console_errors if not e.startswith(("htmx:sendAbort", "htmx:afterR"))] == []


def test_a_refused_recalculation_shows_a_plain_sentence_in_the_panel(page: Page, big: str) -> None:
    page.goto(big)
    show_the_edges(page)

    def broken(route: Route) -> None:
        route.fulfill(status=500, content_type="text/html", body="<h1>Server Error (500)</h1>")

    page.route(re.compile(r"/scenarios/calculate/$"), broken)
    page.get_by_label("job-100 needs job-95").uncheck()

    note = page.locator("#results > .htmx-error")
    expect(note).to_have_text(
        "Something went wrong on the server. Try again; if it keeps failing, tell your admin."
    )
    expect(page.locator("h1", has_text="Server Error")).to_have_count(0)

    page.unroute(re.compile(r"/scenarios/calculate/$"))
    page.route(
        re.compile(r"/scenarios/calculate/$"),
        lambda route: route.fulfill(
            status=503, content_type="text/plain; charset=utf-8", body="Busy: try in 10 s."
        ),
    )
    page.get_by_label("job-100 needs job-95").check()
    expect(note).to_have_text("Busy: try in 10 s.")
