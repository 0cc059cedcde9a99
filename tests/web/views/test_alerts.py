"""The alert rules page, the monitor's alerts section and the dashboard's firing alerts:
works, viewers see and cannot change, another team's rules are a 404, bounds refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decider.adapter.alerts import check_workflow
from decider.adapter.generated_history import HistoryShape, generate_history
from decider.models import AlertEvent, AlertRule, RunnerPool, Team, Workflow
from tests.adapter.test_monitor_queries import AFTER, BEFORE
from tests.factories import JobFactory, RepositoryFactory, RunnerPoolFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(team: Team) -> Workflow:
    RunnerPoolFactory(team=team, name="small", labels=["self-hosted", "small"], runners=4)
    RunnerPoolFactory(team=team, name="medium", labels=["self-hosted", "medium"], runners=2)
    row = WorkflowFactory(repository=RepositoryFactory(team=team), name="build")
    JobFactory(workflow=row, key="test", runs_on=["self-hosted", "small"])
    JobFactory(workflow=row, key="build", runs_on=["self-hosted", "medium"])
    live_on = timezone.now().date() - timedelta(days=7)
    generate_history(
        row, HistoryShape(before=BEFORE, after=AFTER, live_on=live_on, days_before=7, days_after=7)
    )
    return row


def _medium(workflow: Workflow) -> RunnerPool:
    return RunnerPool.objects.get(team=workflow.repository.team, name="medium")


def _firing_rule(workflow: Workflow) -> AlertRule:
    rule = AlertRule.objects.create(
        workflow=workflow, kind="queue_wait", pool=_medium(workflow), wait_target_s=120, days=3
    )
    check_workflow(workflow)
    return rule


def _url(workflow: Workflow) -> str:
    return reverse("workflow_alerts", args=[workflow.pk])


def test_an_editor_adds_a_rule_and_sees_it_checked(
    workflow: Workflow, editor_client: Client
) -> None:
    response = editor_client.post(
        _url(workflow),
        {"kind": "queue_wait", "pool": _medium(workflow).pk, "wait_target_s": "120", "days": "3"},
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.wait_target_s, rule.days, rule.utilization_level, rule.tolerance) == (
        120,
        3,
        None,
        None,
    )
    page = editor_client.get(_url(workflow)).content.decode()
    # medium waits 240 s a day since the change, 7 days ago.
    assert "Firing: over 2 min every day since" in page
    assert "(7 days)" in page


def test_percentages_are_typed_in_percent_and_stored_as_shares(
    workflow: Workflow, editor_client: Client
) -> None:
    editor_client.post(
        _url(workflow),
        {"kind": "utilization", "pool": _medium(workflow).pk, "utilization_pct": "85", "days": "2"},
    )
    editor_client.post(_url(workflow), {"kind": "wall_clock", "tolerance_pct": "10", "days": "3"})
    rules = {rule.kind: rule for rule in AlertRule.objects.all()}
    assert rules["utilization"].utilization_level == pytest.approx(0.85)
    assert rules["wall_clock"].tolerance == pytest.approx(0.10)
    assert rules["wall_clock"].pool is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "queue_wait", "wait_target_s": "0"}, "wait_target_s", "at least 1 second"),
        ({"kind": "queue_wait", "wait_target_s": "90000"}, "wait_target_s", "At most 86,400"),
        ({"kind": "queue_wait", "wait_target_s": "nan"}, "wait_target_s", "Give a number"),
        ({"kind": "queue_wait"}, "wait_target_s", "No version is adopted"),
        ({"kind": "utilization", "utilization_pct": "0.5"}, "utilization_pct", "1% to 100%"),
        ({"kind": "utilization", "utilization_pct": "150"}, "utilization_pct", "1% to 100%"),
        ({"kind": "utilization"}, "utilization_pct", "Give a level"),
        ({"kind": "wall_clock", "tolerance_pct": "-1"}, "tolerance_pct", "0% to 200%"),
        ({"kind": "wall_clock", "tolerance_pct": "201"}, "tolerance_pct", "0% to 200%"),
        ({"kind": "queue_wait", "wait_target_s": "60", "days": "0"}, "days", "1 to 28 days"),
        ({"kind": "queue_wait", "wait_target_s": "60", "days": "29"}, "days", "1 to 28 days"),
        ({"kind": "queue_wait", "wait_target_s": "60", "days": "2.5"}, "days", "whole number"),
        ({"kind": "nope"}, "kind", "Select a valid choice"),
    ],
)
def test_it_refuses_numbers_out_of_bounds_with_a_clear_error(
    workflow: Workflow, editor_client: Client, data: dict[str, str], field: str, message: str
) -> None:
    posted = {"pool": str(_medium(workflow).pk), "days": "3"} | data
    response = editor_client.post(_url(workflow), posted)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not AlertRule.objects.exists()


def test_a_pool_rule_needs_a_pool_and_a_second_one_is_refused(
    workflow: Workflow, editor_client: Client
) -> None:
    no_pool = editor_client.post(
        _url(workflow), {"kind": "queue_wait", "wait_target_s": "60", "days": "3"}
    )
    assert "Choose the pool" in no_pool.content.decode()
    data = {"kind": "queue_wait", "pool": _medium(workflow).pk, "wait_target_s": "60", "days": "3"}
    editor_client.post(_url(workflow), data)
    again = editor_client.post(_url(workflow), data)
    assert "already has that rule on medium" in again.content.decode()
    assert AlertRule.objects.count() == 1


def test_an_editor_changes_a_threshold_and_the_alert_clears(
    workflow: Workflow, editor_client: Client
) -> None:
    rule = _firing_rule(workflow)
    assert AlertEvent.objects.firing().count() == 1
    edit = reverse("alert_rule_edit", args=[workflow.pk, rule.pk])
    form = editor_client.get(edit)
    assert "utilization_pct" not in form.context["form"].fields  # only its own threshold
    response = editor_client.post(edit, {"wait_target_s": "600", "days": "3"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.wait_target_s, rule.kind, rule.pool) == (600, "queue_wait", _medium(workflow))
    assert AlertEvent.objects.firing().count() == 0


def test_viewers_see_the_rules_and_cannot_change_them(
    workflow: Workflow, viewer_client: Client
) -> None:
    rule = _firing_rule(workflow)
    page = viewer_client.get(_url(workflow))
    assert page.status_code == 200
    assert "only the team's editors can change them" in page.content.decode()
    edit = reverse("alert_rule_edit", args=[workflow.pk, rule.pk])
    assert viewer_client.get(edit).status_code == 200
    assert viewer_client.post(edit, {"wait_target_s": "600", "days": "3"}).status_code == 403
    assert viewer_client.post(_url(workflow), {"kind": "wall_clock"}).status_code == 403
    delete = reverse("alert_rule_delete", args=[workflow.pk, rule.pk])
    assert viewer_client.post(delete).status_code == 403
    defaults = reverse("alert_rules_defaults", args=[workflow.pk])
    assert viewer_client.post(defaults).status_code == 403
    rule.refresh_from_db()
    assert rule.wait_target_s == 120


def test_another_teams_user_cannot_see_or_edit_the_rules(
    workflow: Workflow, outsider: Client
) -> None:
    rule = _firing_rule(workflow)
    edit = reverse("alert_rule_edit", args=[workflow.pk, rule.pk])
    assert outsider.get(_url(workflow)).status_code == 404
    assert outsider.get(edit).status_code == 404
    assert outsider.post(edit, {"wait_target_s": "600", "days": "3"}).status_code == 404
    delete = reverse("alert_rule_delete", args=[workflow.pk, rule.pk])
    assert outsider.post(delete).status_code == 404
    assert outsider.post(reverse("alert_rules_defaults", args=[workflow.pk])).status_code == 404
    assert "Alerts firing" not in outsider.get(reverse("dashboard")).content.decode()
    rule.refresh_from_db()
    assert rule.wait_target_s == 120


def test_a_rule_of_another_workflow_is_a_404(
    workflow: Workflow, editor_client: Client, team: Team
) -> None:
    rule = _firing_rule(workflow)
    other = WorkflowFactory(repository=workflow.repository, path=".github/workflows/other.yml")
    edit = reverse("alert_rule_edit", args=[other.pk, rule.pk])
    assert editor_client.get(edit).status_code == 404


def test_an_editor_deletes_a_rule_and_adds_the_defaults(
    workflow: Workflow, editor_client: Client
) -> None:
    rule = _firing_rule(workflow)
    editor_client.post(reverse("alert_rule_delete", args=[workflow.pk, rule.pk]))
    assert not AlertRule.objects.exists()
    assert not AlertEvent.objects.exists()
    page = editor_client.get(_url(workflow)).content.decode()
    assert "Add the default rules" in page
    editor_client.post(reverse("alert_rules_defaults", args=[workflow.pk]))
    assert AlertRule.objects.count() == 5


def test_the_dashboard_and_the_monitor_show_a_firing_alert(
    workflow: Workflow, viewer_client: Client
) -> None:
    _firing_rule(workflow)
    dashboard = viewer_client.get(reverse("dashboard")).content.decode()
    assert "Alerts firing" in dashboard
    assert "p90 queue wait on medium has been over 2 min every day since" in dashboard
    monitor_url = reverse("workflow_monitor", args=[workflow.pk])
    assert f'href="{monitor_url}#alerts"' in dashboard
    monitor = viewer_client.get(monitor_url).content.decode()
    assert 'id="alerts"' in monitor
    assert "Firing: over 2 min every day since" in monitor
    assert "see the rules" in monitor


def test_names_are_escaped(workflow: Workflow, viewer_client: Client) -> None:
    rule = AlertRule.objects.create(
        workflow=workflow, kind="queue_wait", pool=_medium(workflow), wait_target_s=120, days=3
    )
    RunnerPool.objects.filter(pk=rule.pool_id).update(name="<b>medium</b>")
    Workflow.objects.filter(pk=workflow.pk).update(name="<script>x</script>")
    check_workflow(Workflow.objects.get(pk=workflow.pk))
    dashboard = viewer_client.get(reverse("dashboard")).content.decode()
    assert "<script>x</script>" not in dashboard
    assert "&lt;b&gt;medium&lt;/b&gt;" in dashboard
