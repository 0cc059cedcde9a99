"""PDFs that scale: a cap on renders at once per process, and big workflows laid out briefly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from decider.models import Scenario
from decider.reports import pdf as pdf_module
from decider.reports.pdf import render_scenario_pdf
from decider.web.views.pdfs import render_slots
from tests.reports.test_pdf import _squeezed, _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_scenario(demo_scenario: Scenario) -> Scenario:
    return Scenario.objects.create_for(
        demo_scenario.created_by,
        demo_scenario.workflow,
        name="A copy",
        note="",
        inputs=demo_scenario.inputs,
        job_keys=demo_scenario.job_keys,
        snapshot=demo_scenario.snapshot,
    )


@pytest.mark.parametrize("kind", ["scenario", "version", "compare"])
def test_over_the_cap_a_pdf_is_a_503_with_retry_after_and_a_plain_message(
    demo_scenario,
    second_scenario,
    demo_viewer,
    settings,
    kind,
) -> None:
    settings.PDF_MAX_CONCURRENT_RENDERS = 1
    urls = {
        "scenario": reverse("scenario_pdf", args=[demo_scenario.pk]),
        "version": reverse("scenario_version_pdf", args=[demo_scenario.pk, 1]),
        "compare": reverse("scenario_compare_pdf")
        + f"?id={demo_scenario.pk}&id={second_scenario.pk}",
    }
    with render_slots.slot() as held:
        assert held
        response = demo_viewer.get(urls[kind])
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Other PDFs are being prepared right now. Try again in a few seconds."
    )
    assert render_slots.busy == 0


def test_a_slot_is_given_back_after_each_render(demo_scenario, demo_viewer, settings) -> None:
    settings.PDF_MAX_CONCURRENT_RENDERS = 1
    for _ in range(2):
        response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
        assert response.status_code == 200
    assert render_slots.busy == 0


def test_a_big_workflows_pdf_leaves_out_per_job_detail_and_says_so(
    demo_scenario, monkeypatch
) -> None:
    monkeypatch.setattr(pdf_module, "PDF_DETAILED_JOBS", 5)
    text = _text(render_scenario_pdf(demo_scenario))

    assert _squeezed("This workflow has 11 jobs, more than the 5 a PDF lists one by one") in text
    assert _squeezed("Appendix: jobs in the proposed graph") not in text
    assert _squeezed("Timeline") in text
    assert _squeezed("Runners busy over time") in text
    assert _squeezed("16 min 52 s") in text
