"""The what-if page in Chromium: every htmx flow, saving, comparing, and the page without JS.

Each test fills one field at a time and never moves the focus on before asserting: a text
field posts on `input` (after 400 ms) and again on `change` (when it loses the focus), and a
second, late request would make "the results did not change" checks race.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, Route, expect

from decider.engine import inputs as engine_inputs
from decider.models import Scenario
from tests.conftest import DEMO_SCENARIO
from tests.e2e.conftest import Demo, log_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

API_IMAGE_EDGE = "API Production Image needs API Test Image"
FORM_STATUS = "Fix the marked inputs; the results show the last valid ones."


@pytest.fixture
def signed_in(page: Page, demo: Demo) -> Page:
    log_in_as(page.context, demo.base_url, demo.scenario.created_by)
    return page


@pytest.fixture
def page_without_javascript(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    log_in_as(context, demo.base_url, demo.scenario.created_by)
    yield context.new_page()
    context.close()


def pool_field(page: Page, pool: str, kind: str = "runners") -> Locator:
    """A pool's input, by its group (the pool's name above its inputs): fields are named by
    position (`runners_1`), not by pool."""
    group = page.locator("#scenario-form table.pool-inputs tbody").filter(
        has=page.locator(f"th:text-is('{pool}')")
    )
    return group.locator(f"input[name^='{kind}_']")


def error_slot(page: Page, field: Locator) -> Locator:
    return page.locator(f"#err-{field.get_attribute('name')}")


def metric(page: Page, label: str, column: int) -> Locator:
    """A cell of the 'Current vs proposed' table: column 0 is current, 1 proposed."""
    row = page.locator("#metrics tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return row.locator("td").nth(column)


def derived_runners(page: Page, pool: str) -> Locator:
    """The Runners column of the verdict's table for `pool`."""
    row = page.locator("#decision tbody tr").filter(has=page.locator(f"td:text-is('{pool}')"))
    return row.locator("td").nth(4)


def test_raising_a_pools_runners_updates_the_verdict_without_a_page_load(
    signed_in: Page, demo: Demo, console_errors: list[str]
) -> None:
    page = signed_in
    page.goto(demo.saved_scenario_url)
    ask = page.locator("#decision .ask")
    expect(ask).to_contain_text("Add 3 medium, 2 small runners ($450/month)")
    page.evaluate("window.e2eMarker = 'the same document'")

    with page.expect_response(re.compile(r"/scenarios/verdict/$")) as verdict:
        pool_field(page, "medium").fill("8")

    assert verdict.value.request.headers.get("hx-request") == "true"
    expect(ask).to_have_text("The ask Add 5 medium, 2 small runners ($650/month)")
    expect(derived_runners(page, "medium")).to_have_text("8")
    expect(page.locator("#decision .pending")).to_have_count(0)
    assert page.evaluate("window.e2eMarker") == "the same document"
    assert console_errors == []


def test_dropping_a_needs_edge_redraws_the_proposed_gantt_and_metrics(
    signed_in: Page, demo: Demo, console_errors: list[str]
) -> None:
    page = signed_in
    page.goto(demo.new_scenario_url)
    proposed_wall_clock = metric(page, "Wall clock", 1)
    expect(metric(page, "Wall clock", 0)).to_have_text("16 min 52 s")
    expect(proposed_wall_clock).to_have_text("16 min 52 s")
    proposed_gantt = page.locator("#gantt svg.gantt").nth(1)
    expect(proposed_gantt).to_have_attribute(
        "aria-label", re.compile(r"proposed graph.*16 min 52 s")
    )
    gantt_before = proposed_gantt.inner_html()

    page.get_by_label(API_IMAGE_EDGE).uncheck()

    expect(proposed_wall_clock).not_to_have_text("16 min 52 s")
    expect(metric(page, "Wall clock", 0)).to_have_text("16 min 52 s")
    expect(proposed_gantt).not_to_have_attribute("aria-label", re.compile(r"16 min 52 s"))
    assert proposed_gantt.inner_html() != gantt_before
    expect(page.locator("#metrics")).to_contain_text(
        "Critical path now: API Test Image → API Production Image → Publish API Image"
    )
    assert console_errors == []


def test_an_invalid_edit_while_the_verdict_loads_still_shows_the_last_good_verdict(
    signed_in: Page, demo: Demo
) -> None:
    page = signed_in
    held: list[Route] = []
    # Hold the verdict back: on a bigger workflow or a busy server the Monte Carlo takes longer.
    page.route(re.compile(r"/scenarios/verdict/$"), lambda route: held.append(route))
    page.goto(demo.new_scenario_url)
    with page.expect_request(re.compile(r"/scenarios/verdict/$")):
        page.get_by_label(API_IMAGE_EDGE).uncheck()

    with page.expect_response(re.compile(r"/scenarios/calculate/$")) as rejected:
        page.locator("select[name=concurrency]").select_option("per_hour")

    assert rejected.value.headers.get("hx-reswap") == "none"
    expect(page.locator("#err-pipelines_per_hour")).to_have_text(
        "Give how many pipelines start per hour."
    )
    for route in held:
        route.continue_()
    expect(page.locator("#decision .ask")).to_be_visible()


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("runners", "-1", "Ensure this value is greater than or equal to 0."),
        ("utilization", "150", "Ensure this value is less than or equal to 100."),
        ("add_needs", "build-test-image-api: publish-api", "the edited needs form a cycle"),
    ],
)
def test_invalid_input_shows_the_error_at_the_field_and_keeps_the_last_good_results(
    signed_in: Page, demo: Demo, console_errors: list[str], field: str, bad: str, message: str
) -> None:
    page = signed_in
    page.goto(demo.new_scenario_url)
    target = (
        page.locator("textarea[name=add_needs]")
        if field == "add_needs"
        else pool_field(page, "medium", field)
    )
    good = target.input_value()
    results_before = page.locator("#results").inner_html()
    expect(page.locator("#form-status")).to_be_empty()

    with page.expect_response(re.compile(r"/scenarios/calculate/$")) as rejected:
        target.fill(bad)

    assert rejected.value.status == 200
    assert rejected.value.headers.get("hx-reswap") == "none"
    expect(error_slot(page, target)).to_contain_text(message)
    expect(page.locator("#form-status")).to_have_text(FORM_STATUS)
    assert page.locator("#results").inner_html() == results_before

    target.fill(good)

    expect(error_slot(page, target)).to_be_empty()
    expect(page.locator("#form-status")).to_be_empty()
    expect(page.locator("#decision .ask")).to_be_visible()
    assert console_errors == []


def test_a_saved_scenario_opens_and_is_listed_for_its_workflow(signed_in: Page, demo: Demo) -> None:
    page = signed_in
    page.goto(demo.new_scenario_url)
    pool_field(page, "medium").fill("5")
    page.locator("input[name=save-name]").fill("Five medium runners")

    page.get_by_role("button", name="Save scenario").click()

    expect(page.locator("h1")).to_have_text("Five medium runners")
    expect(page.locator(".messages")).to_contain_text("Saved scenario “Five medium runners”.")
    expect(pool_field(page, "medium")).to_have_value("5")
    saved = Scenario.objects.get(name="Five medium runners")
    assert page.url == demo.url("scenario", saved.pk)
    assert saved.inputs["runners"] == {"medium": 5}

    page.goto(demo.url("workflow_scenarios", demo.workflow.pk))
    expect(page.get_by_role("link", name="Five medium runners")).to_have_attribute(
        "href", reverse("scenario", args=[saved.pk])
    )


def test_two_ticked_scenarios_compare_side_by_side_with_the_best_value_marked(
    signed_in: Page, demo: Demo
) -> None:
    Scenario.objects.create(
        team=demo.scenario.team,
        workflow=demo.workflow,
        name="Current graph",
        inputs=engine_inputs.Scenario().model_dump(mode="json"),
        job_keys=demo.scenario.job_keys,
    )
    page = signed_in
    page.goto(demo.url("workflow_scenarios", demo.workflow.pk))
    page.get_by_label(f"Compare {DEMO_SCENARIO}").check()
    page.get_by_label("Compare Current graph").check()

    page.get_by_role("button", name="Compare selected (2-4)").click()

    expect(page.locator("h1")).to_have_text("Compare scenarios")
    headers = page.locator("table.compare thead th")
    expect(headers).to_have_count(3)
    names = page.locator("table.compare thead th a").all_text_contents()
    assert sorted(names) == sorted([DEMO_SCENARIO, "Current graph"])
    row = page.locator("table.compare tbody tr").filter(
        has=page.locator("th:text-is('Proposed wall clock')")
    )
    parallel = row.locator("td").nth(names.index(DEMO_SCENARIO))
    current = row.locator("td").nth(names.index("Current graph"))
    expect(parallel).to_have_class(re.compile(r"\bbest\b"))
    expect(parallel).to_have_text("8 min 44 s best")
    expect(current).not_to_have_class(re.compile(r"\bbest\b"))
    expect(current).to_have_text("16 min 52 s")


def test_duplicating_and_deleting_from_the_list(signed_in: Page, demo: Demo) -> None:
    page = signed_in
    list_url = demo.url("workflow_scenarios", demo.workflow.pk)
    page.goto(list_url)

    page.get_by_role("button", name="Duplicate").click()

    expect(page.locator("h1")).to_have_text(f"{DEMO_SCENARIO} (copy)")
    page.goto(list_url)
    copy_row = page.locator("tbody tr").filter(has_text=f"{DEMO_SCENARIO} (copy)")
    expect(page.locator("tbody tr")).to_have_count(2)

    copy_row.get_by_role("link", name="Delete…").click()
    expect(page.locator("h1")).to_have_text(f"Delete “{DEMO_SCENARIO} (copy)”?")
    page.get_by_role("button", name="Delete scenario").click()

    expect(page.locator(".messages")).to_contain_text(f"Deleted scenario “{DEMO_SCENARIO} (copy)”.")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name=DEMO_SCENARIO, exact=True)).to_be_visible()


def test_without_javascript_recalculate_reloads_the_page_and_save_works(
    page_without_javascript: Page, demo: Demo
) -> None:
    page = page_without_javascript
    page.goto(demo.new_scenario_url)
    expect(derived_runners(page, "medium")).to_have_text("3")
    expect(metric(page, "Wall clock", 1)).to_have_text("16 min 52 s")
    pool_field(page, "medium").fill("8")
    # Without JavaScript the edge ticks are not sent: the needs to drop are typed in one field.
    expect(page.locator("noscript")).to_have_count(1)
    page.get_by_label("Remove needs").fill("build-production-api: build-test-image-api")

    with page.expect_navigation() as recalculated:
        page.get_by_role("button", name="Recalculate").click()

    assert recalculated.value.status == 200
    assert page.url == demo.url("scenario_calculate", demo.workflow.pk)
    expect(derived_runners(page, "medium")).to_have_text("8")
    expect(metric(page, "Wall clock", 1)).not_to_have_text("16 min 52 s")
    expect(pool_field(page, "medium")).to_have_value("8")
    expect(page.get_by_label(API_IMAGE_EDGE)).not_to_be_checked()

    page.locator("input[name=save-name]").fill("Saved without JavaScript")
    page.get_by_role("button", name="Save scenario").click()

    expect(page.locator("h1")).to_have_text("Saved without JavaScript")
    expect(pool_field(page, "medium")).to_have_value("8")
    expect(page.get_by_label(API_IMAGE_EDGE)).not_to_be_checked()
    saved = Scenario.objects.get(name="Saved without JavaScript")
    assert saved.inputs["runners"] == {"medium": 8}


def test_a_stale_save_gets_the_conflict_message_and_keeps_its_inputs(
    signed_in: Page, demo: Demo
) -> None:
    first = signed_in
    second = first.context.new_page()
    for page in (first, second):
        page.goto(demo.saved_scenario_url)
        expect(page.get_by_role("button", name="Save version 2")).to_be_visible()

    first.locator("textarea[name=save-note], input[name=save-note]").fill("First edit")
    first.get_by_role("button", name="Save version 2").click()
    expect(first.locator(".messages")).to_contain_text(f"Saved scenario “{DEMO_SCENARIO}”.")
    expect(first.get_by_role("button", name="Save version 3")).to_be_visible()

    pool_field(second, "medium").fill("8")
    second.locator("textarea[name=save-note], input[name=save-note]").fill("Second edit")
    with second.expect_navigation() as refused:
        second.get_by_role("button", name="Save version 2").click()

    assert refused.value.status == 409
    expect(second.locator(".save .problems[role=alert]")).to_contain_text(
        "saved version 2 of this scenario while you were editing"
    )
    expect(pool_field(second, "medium")).to_have_value("8")
    expect(second.locator("textarea[name=save-note], input[name=save-note]")).to_have_value(
        "Second edit"
    )
    demo.scenario.refresh_from_db()
    assert demo.scenario.version == 2
    assert demo.scenario.note == "First edit"
    assert "medium" not in demo.scenario.inputs["runners"]


def test_without_javascript_recalculating_a_saved_scenario_still_saves_its_next_version(
    page_without_javascript: Page, demo: Demo
) -> None:
    page = page_without_javascript
    page.goto(demo.saved_scenario_url)
    pool_field(page, "medium").fill("8")

    page.get_by_role("button", name="Recalculate").click()

    expect(derived_runners(page, "medium")).to_have_text("8")
    expect(page.locator("h1")).to_have_text(DEMO_SCENARIO)
    expect(page.get_by_role("button", name="Save version 2")).to_be_visible()
