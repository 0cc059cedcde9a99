"""Saved versions: snapshots that keep their figures, the version list, viewing and restoring."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decider.adapter.saved import analyse_saved
from decider.models import Scenario, ScenarioVersion
from decider.web.forms.scenario import form_data

pytestmark = pytest.mark.django_db


def _save_runners(client: Client, row: Scenario, medium: int) -> None:
    """Save the scenario's own inputs with the medium pool's runners changed."""
    saved = analyse_saved(row)
    assert saved.editable is not None
    data = form_data(saved.editable, saved.today.graph, saved.today.pools)
    medium_index = [pool.name for pool in saved.today.pools].index("medium")
    data[f"runners_{medium_index}"] = str(medium)
    data.update({"save-name": row.name, "save-note": row.note, "save-version": row.version})
    response = client.post(reverse("scenario", args=[row.pk]), data)
    assert response.status_code == 302


def test_a_saved_version_shows_the_same_figures_after_the_pools_change(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    url = reverse("scenario", args=[demo_scenario.pk])
    before = demo_editor.get(url).context["results"]
    demo_scenario.team.pools.filter(name="medium").update(runners=6)
    response = demo_editor.get(url)
    after = response.context["results"]
    assert after.ask == before.ask == "Add 3 medium, 2 small runners ($450/month)"
    text = response.content.decode()
    assert "Pool medium: 6 runners now, 3 then." in text
    assert "Recalculate with today's data as version 2" in text


def test_recalculating_with_todays_data_saves_a_new_version(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    demo_scenario.team.pools.filter(name="medium").update(runners=6)
    response = demo_editor.post(
        reverse("scenario_refresh", args=[demo_scenario.pk]), {"version": "1"}
    )
    assert response.status_code == 302
    demo_scenario.refresh_from_db()
    assert demo_scenario.version == 2
    latest = demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).context["results"]
    assert _inventory(latest, "medium") == 6
    version = demo_scenario.versions.get(number=2)
    assert version.changes == ["Data: Pool medium: 6 runners now, 3 then."]
    # version 1 still shows what it showed
    old = demo_editor.get(reverse("scenario_version", args=[demo_scenario.pk, 1]))
    assert old.context["results"].ask == "Add 3 medium, 2 small runners ($450/month)"
    assert _inventory(old.context["results"], "medium") == 3


def _inventory(results, pool: str) -> int:
    return next(p.inventory_runners for p in results.analysis.plan.pools if p.name == pool)


def test_each_save_is_a_version_with_its_own_time_author_and_changes(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    _save_runners(demo_editor, demo_scenario, 5)
    demo_scenario.refresh_from_db()
    first, second = demo_scenario.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.saved_at > first.saved_at
    assert demo_scenario.updated_at == second.saved_at
    assert second.changes == ["medium runners: 5 (was the team's value)."]
    page = demo_editor.get(reverse("scenario_versions", args=[demo_scenario.pk]))
    text = page.content.decode()
    assert "medium runners: 5 (was the team&#x27;s value)." in text
    assert "First version." in text
    assert "Restore as version 3" in text


def test_an_earlier_version_is_viewable_exportable_and_restorable(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    _save_runners(demo_editor, demo_scenario, 5)
    old = demo_editor.get(reverse("scenario_version", args=[demo_scenario.pk, 1]))
    assert old.status_code == 200
    assert "You are looking at version 1" in old.content.decode()
    assert old.context["results"].analysis.pools[1].runners == 3
    pdf = demo_editor.get(reverse("scenario_version_pdf", args=[demo_scenario.pk, 1]))
    assert pdf.status_code == 200
    assert "-v1.pdf" in pdf["Content-Disposition"]
    response = demo_editor.post(
        reverse("scenario_restore", args=[demo_scenario.pk, 1]), {"version": "2"}
    )
    assert response.status_code == 302
    demo_scenario.refresh_from_db()
    restored = demo_scenario.versions.get(number=3)
    assert restored.changes == ["Restored version 1."]
    assert restored.inputs == demo_scenario.versions.get(number=1).inputs
    assert demo_scenario.inputs == restored.inputs


def test_a_stale_restore_changes_nothing(demo_scenario: Scenario, demo_editor: Client) -> None:
    _save_runners(demo_editor, demo_scenario, 5)
    response = demo_editor.post(
        reverse("scenario_restore", args=[demo_scenario.pk, 1]), {"version": "1"}
    )
    assert response.status_code == 302
    assert ScenarioVersion.objects.filter(scenario=demo_scenario).count() == 2


def test_viewers_see_versions_but_cannot_restore(
    demo_scenario: Scenario, demo_editor: Client, demo_viewer: Client
) -> None:
    _save_runners(demo_editor, demo_scenario, 5)
    assert demo_viewer.get(reverse("scenario_versions", args=[demo_scenario.pk])).status_code == 200
    restore = reverse("scenario_restore", args=[demo_scenario.pk, 1])
    assert demo_viewer.post(restore, {"version": "2"}).status_code == 403
    refresh = reverse("scenario_refresh", args=[demo_scenario.pk])
    assert demo_viewer.post(refresh, {"version": "2"}).status_code == 403


def test_another_teams_versions_are_a_404(demo_scenario: Scenario, outsider: Client) -> None:
    for name, args in [
        ("scenario_versions", [demo_scenario.pk]),
        ("scenario_version", [demo_scenario.pk, 1]),
        ("scenario_version_pdf", [demo_scenario.pk, 1]),
    ]:
        assert outsider.get(reverse(name, args=args)).status_code == 404
    assert outsider.post(reverse("scenario_restore", args=[demo_scenario.pk, 1])).status_code == 404
    assert outsider.post(reverse("scenario_refresh", args=[demo_scenario.pk])).status_code == 404


def test_an_unknown_version_is_a_404(demo_scenario: Scenario, demo_viewer: Client) -> None:
    assert (
        demo_viewer.get(reverse("scenario_version", args=[demo_scenario.pk, 9])).status_code == 404
    )


def test_a_version_that_includes_failed_runs_says_so(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    saved = analyse_saved(demo_scenario)
    assert saved.editable is not None
    data = form_data(saved.editable, saved.today.graph, saved.today.pools)
    data.update(
        {
            "include_failed_runs": "on",
            "save-name": demo_scenario.name,
            "save-note": demo_scenario.note,
            "save-version": demo_scenario.version,
        }
    )
    demo_editor.post(reverse("scenario", args=[demo_scenario.pk]), data)
    latest = demo_scenario.versions.get(number=2)
    assert latest.changes == ["Failed, cancelled and timed-out runs included: yes (was no)."]
