"""No shared cache may keep a signed-in user's page or PDF, and no browser a copy on disk."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize(
    "url",
    [
        lambda s: reverse("dashboard"),
        lambda s: reverse("repository", args=[s.workflow.repository_id]),
        lambda s: reverse("pools", args=[s.team.slug]),
        lambda s: reverse("scenario", args=[s.pk]),
        lambda s: reverse("scenario_new", args=[s.workflow_id]),
        lambda s: reverse("help"),
    ],
    ids=["dashboard", "repository", "pools", "scenario", "what-if", "help"],
)
def test_every_signed_in_page_is_private_and_not_stored(url, demo_scenario, demo_viewer) -> None:
    response = demo_viewer.get(url(demo_scenario))
    assert response.status_code == 200
    assert _private(response)


def test_a_pdf_is_private_and_not_stored(demo_scenario, demo_viewer) -> None:
    response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert _private(response)


def test_an_htmx_panel_and_a_redirect_are_private_too(demo_scenario, demo_editor) -> None:
    panel = demo_editor.post(
        reverse("scenario_calculate", args=[demo_scenario.workflow_id]), HTTP_HX_REQUEST="true"
    )
    assert _private(panel)
    duplicate = demo_editor.post(reverse("scenario_duplicate", args=[demo_scenario.pk]))
    assert duplicate.status_code == 302
    assert _private(duplicate)


def test_a_page_refused_to_another_team_is_private_too(demo_scenario, outsider) -> None:
    response = outsider.get(reverse("scenario", args=[demo_scenario.pk]))
    assert response.status_code == 404
    assert _private(response)


def test_a_health_check_without_a_session_is_left_alone(client: Client) -> None:
    assert "Cache-Control" not in client.get(reverse("healthz"))
