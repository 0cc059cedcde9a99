"""Plain words, one vocabulary: what a manager and a budget holder read on the pages and in
the PDFs, and the lists and comparison that let them decide."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from decider.models import Scenario, Workflow
from decider.reports.pdf import render_comparison_pdf, render_scenario_pdf
from decider.web.views import scenarios as scenario_views
from tests.factories import JobFactory, JobRunFactory, ScenarioFactory, WorkflowFactory

# Words of the code and of its founding document that mean nothing to a budget holder.
FORBIDDEN = re.compile(r"\bseed|monte carlo|busy %|\$-|\b1 runners\b", re.IGNORECASE)


def _visible(html: str) -> str:
    """The page's text as a reader sees it: no tags, no scripts, no saved-inputs JSON."""
    html = re.sub(r"<(script|pre)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _current_graph(workflow: Workflow, name: str = "Current graph") -> Scenario:
    return ScenarioFactory(workflow=workflow, name=name, inputs={}, job_keys=[])


def test_no_internal_terms_reach_the_pages_or_the_pdfs(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    other = _current_graph(demo_scenario.workflow)
    pages = [
        reverse("scenario", args=[demo_scenario.pk]),
        reverse("scenario_new", args=[demo_scenario.workflow_id]) + "?preset=parallel",
        reverse("workflow_scenarios", args=[demo_scenario.workflow_id]),
        reverse("repository", args=[demo_scenario.workflow.repository_id]),
        reverse("pools", args=[demo_scenario.team.slug]),
        reverse("scenario_compare") + f"?id={demo_scenario.pk}&id={other.pk}",
        reverse("help"),
    ]
    for url in pages:
        text = _visible(demo_editor.get(url).content.decode())
        assert not FORBIDDEN.search(text), (url, FORBIDDEN.findall(text))
    for pdf in (
        render_scenario_pdf(demo_scenario),
        render_comparison_pdf([demo_scenario, other]),
    ):
        text = _pdf_text(pdf)
        assert not FORBIDDEN.search(text), FORBIDDEN.findall(text)


def test_the_founding_analysis_and_its_framework_are_named_in_plain_words(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    text = _visible(demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode())
    assert "The rule-of-thumb framework" in text
    assert "What the mural-api analysis said vs what the data says" in text
    assert "simulation of 400 pipelines sharing the runners" in text
    # 3 medium runners at 60%: two rows of the pool-size table apply.
    assert (
        "Two rows of the rule-of-thumb framework's pool-size table both apply to 3 runners "
        "(3-5 and 1-3 runners)" in text
    )


def test_the_scenario_page_links_each_term_to_the_glossary(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    html = demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode()
    for anchor in ("p90", "utilization", "critical-path", "queue-wait", "compute", "peak"):
        assert f'href="{reverse("help")}#{anchor}"' in html, anchor


def test_the_pdf_defines_its_terms_instead_of_linking_them(demo_scenario: Scenario) -> None:
    text = _pdf_text(render_scenario_pdf(demo_scenario))
    assert "Terms" in text
    for term in ("Critical path", "Compute", "Peak runners", "Queue wait", "p90"):
        assert term in text
    assert "/help/" not in text


def test_the_peak_is_explained_where_the_pools_peaks_are_shown(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    text = _visible(demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode())
    assert "at most 5 runners at once: 4 small and 2 medium, at different moments" in text
    assert "at most 8 runners at once: 4 small and 4 medium" in text


def test_figures_read_one_way_on_the_page(demo_scenario: Scenario, demo_editor: Client) -> None:
    text = _visible(demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode())
    assert "16 min 52 s" in text and "-8 min 8 s (-48.2%)" in text
    assert "+$450 per month" in text  # the change in runner cost, signed
    # No long duration in bare seconds, except where the founding analysis's own figure in
    # seconds is checked against the data.
    ours = text.split("What the mural-api analysis said")[0]
    assert not re.search(r"\b\d{3,} s\b", ours), re.findall(r"\b\d{3,} s\b", ours)


def test_the_scenario_lists_show_each_scenarios_key_figures(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    workflow = demo_scenario.workflow
    for url in (
        reverse("workflow_scenarios", args=[workflow.pk]),
        reverse("team_scenarios", args=[workflow.repository.team.slug]),
        reverse("repository", args=[workflow.repository_id]),
    ):
        response = demo_viewer.get(url)
        text = _visible(response.content.decode())
        assert "p90 wall clock" in text and "Net benefit / month" in text
        assert "+$450" in text  # the demo's change in runner cost


def test_a_long_list_analyses_only_its_latest_scenarios(
    demo_scenario: Scenario, demo_viewer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scenario_views, "LISTED_WITH_FIGURES", 1)
    _current_graph(demo_scenario.workflow, name="Newest")
    response = demo_viewer.get(reverse("workflow_scenarios", args=[demo_scenario.workflow_id]))
    listed = response.context["scenarios"]
    assert [item.row.name for item in listed] == ["Newest", demo_scenario.name]
    assert listed[0].figures is not None and listed[1].figures is None
    text = _visible(response.content.decode())
    assert "open it to see" in text
    assert "shown for the 1 most recently saved" in text


def test_the_comparison_shows_the_inputs_that_differ(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    other = _current_graph(demo_scenario.workflow)
    response = demo_viewer.get(reverse("scenario_compare"), {"id": [demo_scenario.pk, other.pk]})
    inputs = {row.label: row.texts for row in response.context["table"].inputs}
    assert "API Production Image needs API Test Image" in inputs["needs: dropped"][0]
    assert inputs["needs: dropped"][1] == "none"
    assert "Pool small: runners" not in inputs  # the same in both: not listed
    assert "Inputs that differ" in _visible(response.content.decode())


def test_best_is_marked_only_where_a_direction_means_something(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    other = _current_graph(demo_scenario.workflow)
    response = demo_viewer.get(reverse("scenario_compare"), {"id": [demo_scenario.pk, other.pk]})
    rows = {row.label: row for row in response.context["table"].rows}
    assert rows["Peak runners"].differs and not rows["Peak runners"].best
    assert not rows["Current wall clock"].best
    assert rows["Proposed wall clock"].best == {0}
    assert rows["Change in runner cost per month"].best


def test_the_comparison_says_when_scenarios_belong_to_different_workflows(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    elsewhere = WorkflowFactory(repository=demo_scenario.workflow.repository, name="nightly")
    JobRunFactory(job=JobFactory(workflow=elsewhere, key="nightly-tests"), duration_s=600)
    other = _current_graph(elsewhere)
    response = demo_viewer.get(reverse("scenario_compare"), {"id": [demo_scenario.pk, other.pk]})
    assert response.status_code == 200
    text = _visible(response.content.decode())
    assert "These scenarios belong to different workflows" in text
    assert "tactivos/mural-api · nightly" in text
    rows = {row.label: row for row in response.context["table"].rows}
    assert not rows["Proposed wall clock"].best  # different pipelines: no "best"


def test_a_refused_comparison_leads_back_to_the_list_with_the_choice_kept(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    listing = reverse("workflow_scenarios", args=[demo_scenario.workflow_id])
    response = demo_viewer.get(
        reverse("scenario_compare"), {"id": [demo_scenario.pk]}, HTTP_REFERER=listing
    )
    assert response.status_code == 400
    back = f"{listing}?id={demo_scenario.pk}"
    assert response.context["back"] == back
    assert f'href="{back}"' in response.content.decode()
    ticked = demo_viewer.get(back).content.decode()
    assert f'value="{demo_scenario.pk}" aria-label="Compare {demo_scenario.name}" checked' in ticked


def test_a_refused_comparison_without_a_referer_still_has_a_way_back(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    response = demo_viewer.get(reverse("scenario_compare"), {"id": [demo_scenario.pk]})
    listing = reverse("workflow_scenarios", args=[demo_scenario.workflow_id])
    assert response.context["back"] == f"{listing}?id={demo_scenario.pk}"
    assert demo_viewer.get(reverse("scenario_compare")).context["back"] == "/"
