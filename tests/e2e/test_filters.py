"""Filters over long job lists in Chromium: the repository page's job table and the what-if
form's job table, whose hidden rows still post their fields; without JavaScript the tables are
plain tables and no filter shows."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from decider.models import Membership, Workflow
from tests.e2e.conftest import Demo, log_in_as
from tests.factories import MembershipFactory, UserFactory, staged_workflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def big(demo: Demo) -> Workflow:
    """128 measured jobs in stages of 25 (DefectDojo's unit-tests workflow's size). The pools
    carry no other work, so the verdict's simulation is the pipeline alone and the pages answer
    quickly on a busy machine: these tests are about the lists, not the verdict."""
    team = demo.workflow.repository.team
    workflow = staged_workflow(team, jobs=128)
    team.pools.update(baseline_utilization=0)
    return workflow


@pytest.fixture
def editor(page: Page, demo: Demo) -> Page:
    user = UserFactory()
    MembershipFactory(team=demo.workflow.repository.team, user=user, role=Membership.Role.EDITOR)
    log_in_as(page.context, demo.base_url, user)
    return page


def visible_rows(page: Page, table: str) -> int:
    return page.locator(f"#{table} tbody tr:visible").count()


def test_the_repository_pages_job_table_filters_by_name_and_by_critical_path(
    editor: Page, demo: Demo, big: Workflow, console_errors: list[str]
) -> None:
    editor.goto(demo.url("repository", big.repository.pk))
    section = editor.locator(f"#workflow-{big.pk}")
    section.locator("summary", has_text="128 jobs").click()
    table = f"jobs-{big.pk}"
    assert visible_rows(editor, table) == 128

    section.locator("input.filter-text").fill("stage 3 job 1")
    # "Stage 3 job 1" and "Stage 3 job 10" to "Stage 3 job 19": a phrase, not loose words.
    expect(section.locator(".filter-count")).to_have_text("showing 11 of 128 jobs")
    assert visible_rows(editor, table) == 11
    expect(section.locator(f"#{table} tbody tr:visible").first).to_contain_text("Stage 3 job 1")

    section.locator("input.filter-text").fill("")
    section.locator("input[data-only=critical]").check()
    critical = section.locator(f"#{table} tbody tr.on-critical-path").count()
    assert 0 < critical < 128
    assert visible_rows(editor, table) == critical
    expect(section.locator(".filter-count")).to_have_text(f"showing {critical} of 128 jobs")
    assert console_errors == []


@pytest.fixture
def page_without_javascript(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    log_in_as(context, demo.base_url, demo.scenario.created_by)
    yield context.new_page()
    context.close()


def test_without_javascript_no_filter_shows_and_every_row_is_there(
    page_without_javascript: Page, demo: Demo, big: Workflow
) -> None:
    page = page_without_javascript
    page.goto(demo.url("repository", big.repository.pk))
    page.locator(f"#workflow-{big.pk} summary", has_text="128 jobs").click()
    expect(page.locator(".job-filter")).to_be_hidden()
    assert visible_rows(page, f"jobs-{big.pk}") == 128


def test_hidden_rows_of_the_what_if_form_still_post_their_overrides(
    editor: Page, demo: Demo, big: Workflow, console_errors: list[str]
) -> None:
    editor.goto(demo.url("scenario_new", big.pk))
    jobs = editor.locator("details.job-list", has_text="128 jobs: overrides and estimates")
    jobs.locator("summary").click()
    override = editor.locator("#job-inputs tr", has_text="Stage 0 job 7").locator(
        "input[name^=override_]"
    )
    with editor.expect_response(re.compile(r"/scenarios/calculate/$")) as first:
        override.fill("-50%")
        override.press("Tab")  # leaving the field is a change: recalculate now, not on blur later
    assert first.value.status == 200
    editor.wait_for_timeout(700)  # longer than the form's 400 ms debounce

    # Filtering neither recalculates nor submits: the form hears nothing of it. (The verdict
    # the first recalculation deferred may still arrive; it is not the form's.)
    posts: list[Request] = []
    editor.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and "/verdict/" not in request.url
            else None
        ),
    )
    box = editor.locator(".job-filter[data-filter-target=job-inputs]")
    box.locator("input.filter-text").fill("stage 4")
    box.locator("input.filter-text").press("Enter")
    expect(box.locator(".filter-count")).to_have_text("showing 25 of 128 jobs")
    expect(override).to_be_hidden()
    editor.wait_for_timeout(700)  # longer than the form's 400 ms debounce
    assert posts == []

    # An edit elsewhere recalculates with the hidden row's override in the request.
    with editor.expect_response(re.compile(r"/scenarios/calculate/$")) as second:
        editor.locator("#job-inputs tr", has_text="Stage 4 job 3").locator(
            "input[name^=override_]"
        ).fill("120")
    assert second.value.status == 200
    posted = second.value.request.post_data or ""
    hidden_job = big.jobs.get(key="stage-0-job-7").order
    assert f"override_{hidden_job}=-50%25" in posted
    assert "=120&" in posted or posted.endswith("=120")

    # The critical path filter follows the results panel.
    box.locator("input.filter-text").fill("")
    box.locator("input[data-only=critical]").check()
    critical = editor.locator("#results").get_attribute("data-critical-jobs") or ""
    assert visible_rows(editor, "job-inputs") == len(critical.split()) > 0

    assert [e for e in console_errors if not e.startswith(("htmx:sendAbort", "htmx:afterR"))] == []
