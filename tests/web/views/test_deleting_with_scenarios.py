"""Deleting a workflow, a repository or a pool keeps every saved scenario's figures: the
scenarios stay, viewable from their snapshots on their page, in lists, in the comparison, as
PDF and through `analyze --scenario`, and say plainly that their workflow is gone."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from decider.adapter.saved import analyse_saved
from decider.models import Scenario, ScenarioVersion, Workflow
from tests.conftest import client_with_role

pytestmark = pytest.mark.django_db


def _figures(row: Scenario) -> dict:
    fresh = Scenario.objects.select_related("workflow__repository__team").get(pk=row.pk)
    return analyse_saved(fresh).results.analysis.model_dump(mode="json")


def _pdf_text(pdf: bytes) -> str:
    """All text, without whitespace: a sentence wrapped across lines still matches."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _analyze(row: Scenario) -> dict:
    out = StringIO()
    call_command("analyze", "--scenario", str(row.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def _copy_of(row: Scenario, name: str) -> Scenario:
    assert row.workflow is not None and row.created_by is not None
    return Scenario.objects.create_for(
        row.created_by,
        row.workflow,
        name=name,
        inputs={**row.inputs, "pipelines_per_month": 900},
        job_keys=row.job_keys,
        snapshot=row.snapshot,
    )


def _forget_snapshots(row: Scenario) -> None:
    """As a scenario saved before decider kept snapshots: it computes from today's data."""
    Scenario.objects.filter(pk=row.pk).update(snapshot=None)
    ScenarioVersion.objects.filter(scenario=row).update(snapshot=None)


def test_deleting_a_workflow_keeps_its_scenarios_with_the_same_figures(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    other = _copy_of(demo_scenario, "Busier month")
    workflow = demo_scenario.workflow
    assert workflow is not None
    before = {row.pk: _figures(row) for row in (demo_scenario, other)}
    analyzed_before = _analyze(demo_scenario)
    compare_url = f"{reverse('scenario_compare')}?id={demo_scenario.pk}&id={other.pk}"
    ask = analyse_saved(demo_scenario).results.ask
    assert ask in demo_editor.get(compare_url).content.decode()

    page = demo_editor.get(reverse("workflow_delete", args=[workflow.pk])).content.decode()
    assert "What stays:" in page and "2 saved scenarios" in page
    response = demo_editor.post(reverse("workflow_delete", args=[workflow.pk]))

    assert response.status_code == 302
    assert not Workflow.objects.filter(pk=workflow.pk).exists()
    for row in (demo_scenario, other):
        kept = Scenario.objects.get(pk=row.pk)
        assert kept.workflow is None and kept.workflow_deleted_at is not None
        assert kept.workflow_name == workflow.name
        assert kept.repository_name == "tactivos/mural-api"
        assert _figures(kept) == before[row.pk]
    notice = Scenario.objects.get(pk=demo_scenario.pk).deleted_workflow_notice
    assert notice.startswith(f"Its workflow {workflow.name} in tactivos/mural-api was deleted on ")
    assert notice.endswith("; these are the figures as saved.")

    # The page: the figures as saved, the notice, and no form to edit or recalculate.
    page = demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode()
    assert notice in page and ask in page
    assert 'id="scenario-form"' not in page and "Recalculate with today" not in page
    assert demo_editor.get(reverse("scenario_versions", args=[demo_scenario.pk])).status_code == 200
    # The lists: the team's list names the deleted workflow.
    listing = demo_editor.get(reverse("team_scenarios", args=[demo_scenario.team.slug]))
    assert "Busier month" in listing.content.decode() and "deleted" in listing.content.decode()
    # The comparison, on the page and as PDF.
    compared = demo_editor.get(compare_url).content.decode()
    assert ask in compared and notice in compared
    compared_pdf = demo_editor.get(
        f"{reverse('scenario_compare_pdf')}?id={demo_scenario.pk}&id={other.pk}"
    )
    assert compared_pdf.status_code == 200
    assert _squeezed(ask) in _pdf_text(compared_pdf.content)
    # The scenario's PDF: the notice first, the same ask.
    pdf = demo_editor.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert pdf.status_code == 200
    text = _pdf_text(pdf.content)
    assert _squeezed(notice) in text and _squeezed(ask) in text
    # analyze --scenario: the same figures, the notice first among the warnings.
    analyzed = _analyze(demo_scenario)
    assert analyzed["warnings"] == [notice, *analyzed_before["warnings"]]
    assert {**analyzed, "warnings": []} == {**analyzed_before, "warnings": []}


def test_a_scenario_of_a_deleted_workflow_cannot_be_edited_or_recalculated(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    assert demo_scenario.workflow is not None
    demo_editor.post(reverse("workflow_delete", args=[demo_scenario.workflow.pk]))
    for name in ("scenario", "scenario_refresh", "scenario_duplicate"):
        response = demo_editor.post(
            reverse(name, args=[demo_scenario.pk]), {"version": "1", "save-version": "1"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("scenario", args=[demo_scenario.pk])
    assert Scenario.objects.count() == 1
    assert Scenario.objects.get(pk=demo_scenario.pk).version == 1
    deleted = demo_editor.post(reverse("scenario_delete", args=[demo_scenario.pk]))
    assert deleted["Location"] == reverse("team_scenarios", args=[demo_scenario.team.slug])


def test_deleting_the_repository_keeps_the_scenarios_of_its_workflows(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    before = _figures(demo_scenario)
    repository = demo_scenario.workflow.repository  # type: ignore[union-attr]
    response = demo_editor.post(reverse("repository_delete", args=[repository.pk]))
    assert response.status_code == 302
    kept = Scenario.objects.get(pk=demo_scenario.pk)
    assert kept.workflow is None and kept.repository_name == "tactivos/mural-api"
    assert _figures(kept) == before


def test_a_scenario_saved_before_snapshots_keeps_its_figures_after_deletion(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    workflow = demo_scenario.workflow
    assert workflow is not None
    _forget_snapshots(demo_scenario)
    # Jobs reordered since it was saved: its inputs follow them by key, before and after.
    workflow.jobs.filter(key="build-test-image-api").update(order=99)
    before = _figures(demo_scenario)
    assert not analyse_saved(Scenario.objects.get(pk=demo_scenario.pk)).from_snapshot

    page = demo_editor.get(reverse("workflow_delete", args=[workflow.pk])).content.decode()
    assert "1 version saved before decider kept the data behind the figures is given a copy" in page
    assert demo_editor.post(reverse("workflow_delete", args=[workflow.pk])).status_code == 302

    kept = Scenario.objects.get(pk=demo_scenario.pk)
    assert kept.snapshot is not None
    assert kept.versions.get(number=1).snapshot is not None
    assert _figures(kept) == before
    assert analyse_saved(kept).from_snapshot
    page = demo_editor.get(reverse("scenario", args=[kept.pk])).content.decode()
    assert kept.deleted_workflow_notice in page
    assert "saved before decider kept snapshots" not in page


def test_a_scenario_saved_before_snapshots_keeps_its_figures_when_a_pool_goes(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    _forget_snapshots(demo_scenario)
    before = _figures(demo_scenario)
    pool = demo_scenario.team.pools.get(name="medium")
    url = reverse("pool_delete", args=[demo_scenario.team.slug, pool.pk])
    assert "1 version saved before decider kept" in demo_editor.get(url).content.decode()
    assert demo_editor.post(url).status_code == 302
    kept = Scenario.objects.get(pk=demo_scenario.pk)
    assert kept.snapshot is not None and kept.workflow is not None
    assert _figures(kept) == before


def test_a_viewer_cannot_delete_and_the_scenarios_stay_attached(
    demo_scenario: Scenario, demo_viewer: Client
) -> None:
    workflow = demo_scenario.workflow
    assert workflow is not None
    for url in (
        reverse("workflow_delete", args=[workflow.pk]),
        reverse("repository_delete", args=[workflow.repository_id]),
    ):
        assert demo_viewer.post(url).status_code == 403
    assert Scenario.objects.get(pk=demo_scenario.pk).workflow_id == workflow.pk


def test_another_team_gets_404_for_a_scenario_whose_workflow_was_deleted(
    demo_scenario: Scenario, demo_editor: Client, outsider: Client
) -> None:
    assert demo_scenario.workflow is not None
    demo_editor.post(reverse("workflow_delete", args=[demo_scenario.workflow.pk]))
    assert Scenario.objects.get(pk=demo_scenario.pk).workflow is None
    other = _copy_of_detached(demo_scenario)
    pk = demo_scenario.pk
    for url in (
        reverse("scenario", args=[pk]),
        reverse("scenario_versions", args=[pk]),
        reverse("scenario_version", args=[pk, 1]),
        reverse("scenario_pdf", args=[pk]),
        reverse("scenario_version_pdf", args=[pk, 1]),
        f"{reverse('scenario_compare')}?id={pk}&id={other.pk}",
        f"{reverse('scenario_compare_pdf')}?id={pk}&id={other.pk}",
    ):
        assert outsider.get(url).status_code == 404, url
    for name in ("scenario_delete", "scenario_duplicate", "scenario_refresh"):
        assert outsider.post(reverse(name, args=[pk])).status_code == 404, name
    # Its own team still sees it, a viewer included.
    viewer = client_with_role(demo_scenario.team, "viewer")
    assert viewer.get(reverse("scenario", args=[pk])).status_code == 200
    assert viewer.post(reverse("scenario_delete", args=[pk])).status_code == 403


def _copy_of_detached(row: Scenario) -> Scenario:
    """A second scenario of the same deleted workflow, for a comparison."""
    kept = Scenario.objects.get(pk=row.pk)
    return Scenario.objects.create(
        team=kept.team,
        workflow=None,
        name="Second",
        inputs=kept.inputs,
        job_keys=kept.job_keys,
        snapshot=kept.snapshot,
        workflow_name=kept.workflow_name,
        repository_name=kept.repository_name,
        workflow_deleted_at=kept.workflow_deleted_at,
    )


def test_a_version_without_data_left_says_why_instead_of_failing(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    """Only a workflow deleted some other way (the admin) can leave a version without a
    snapshot and without its workflow: it says so in plain words, never a 500."""
    _forget_snapshots(demo_scenario)
    Scenario.objects.filter(pk=demo_scenario.pk).update(workflow=None)
    page = demo_editor.get(reverse("scenario", args=[demo_scenario.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "its workflow was deleted, and this version was saved before decider kept" in text
    assert "No figures can be shown for this version" in text
    pdf = demo_editor.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert pdf.status_code == 409
