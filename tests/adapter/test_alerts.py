"""Alerts on generated histories with a known change on 2026-11-02 (tests.adapter.
test_monitor_queries): queue wait rises on medium only, and a history whose wall clock
regresses. The rules fire for exactly that pool or rule, from the expected day, with the
expected figures; events and emails happen once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from decider.adapter.alert_mail import send_due_emails
from decider.adapter.alert_tasks import check_workflow_alerts
from decider.adapter.alerts import check_workflow, ensure_default_rules, rule_states
from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from decider.models import (
    Adoption,
    AlertEvent,
    AlertRule,
    Membership,
    RunnerPool,
    Scenario,
    Team,
    Workflow,
)
from tests.adapter.test_monitor_queries import AFTER, BEFORE
from tests.factories import (
    JobFactory,
    MembershipFactory,
    RepositoryFactory,
    RunnerPoolFactory,
    UserFactory,
    WorkflowFactory,
)

pytestmark = pytest.mark.django_db

LIVE_ON = date(2026, 11, 2)
LAST_DAY = date(2026, 11, 15)  # the history's last day: 14 days from LIVE_ON
NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)  # yesterday is LAST_DAY
# After: the test job ends 200 s later; the wall clock (the build ends last) is 1212 s.
SLOWER = [
    PlannedJob("test", ready_s=0, start_s=12, end_s=900),
    PlannedJob("build", ready_s=900, start_s=960, end_s=1212),
]


def _workflow(team: Team, after: list[PlannedJob] = AFTER, medium_runners: int = 2) -> Workflow:
    RunnerPoolFactory(team=team, name="small", labels=["self-hosted", "small"], runners=4)
    RunnerPoolFactory(
        team=team, name="medium", labels=["self-hosted", "medium"], runners=medium_runners
    )
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team), name="build")
    JobFactory(workflow=workflow, key="test", runs_on=["self-hosted", "small"])
    JobFactory(workflow=workflow, key="build", runs_on=["self-hosted", "medium"])
    generate_history(
        workflow,
        HistoryShape(before=BEFORE, after=after, live_on=LIVE_ON, days_before=14, days_after=14),
    )
    return workflow


def _adopt(workflow: Workflow, inputs: dict[str, object] | None = None) -> Adoption:
    user = UserFactory()
    row = Scenario.objects.create_for(user, workflow, name="P", inputs=inputs or {}, job_keys=[])
    return Adoption.adopt(
        row.versions.get(),
        workflow,
        user,
        live_on=LIVE_ON,
        approved_by="Dana",
        budget_usd_per_month=600,
    )


def _rule(workflow: Workflow, kind: str, pool: str | None = None, **fields: object) -> AlertRule:
    pool_row = RunnerPool.objects.get(team=workflow.repository.team, name=pool) if pool else None
    return AlertRule.objects.create(workflow=workflow, kind=kind, pool=pool_row, **fields)


def _editor_with_email(team: Team, email: str = "ed@example.com") -> None:
    user = UserFactory(username="alert-editor")
    user.email = email
    user.save()
    MembershipFactory(team=team, user=user, role=Membership.Role.EDITOR)


def test_queue_wait_fires_on_medium_only_from_the_third_day_after_the_change(
    team: Team,
) -> None:
    workflow = _workflow(team)
    medium = _rule(workflow, "queue_wait", "medium", wait_target_s=120, days=3)
    small = _rule(workflow, "queue_wait", "small", wait_target_s=120, days=3)
    opened = check_workflow(workflow, NOW)
    assert [event.rule_id for event in opened] == [medium.pk]
    event = AlertEvent.objects.get()
    assert event.over_since == LIVE_ON  # medium's p90 wait went from 60 s to 240 s that day
    assert event.fired_on == date(2026, 11, 4)
    assert event.threshold == 120
    assert event.latest_day == LAST_DAY
    assert event.latest_value == pytest.approx(240)
    assert [row["day"] for row in event.figures] == [
        (LIVE_ON + timedelta(days=i)).isoformat() for i in range(14)
    ]
    assert {round(row["value"], 6) for row in event.figures} == {240}
    small.refresh_from_db()
    assert small.last_check["over_since"] is None
    assert {round(day["value"], 6) for day in small.last_check["days"] if day["value"]} == {12}


def test_queue_wait_follows_the_adopted_versions_target_when_none_is_typed(team: Team) -> None:
    workflow = _workflow(team)
    _adopt(workflow, {"target_queue_wait_s": 30})
    _rule(workflow, "queue_wait", "medium", days=3)
    check_workflow(workflow, NOW)
    event = AlertEvent.objects.get()
    # 60 s before the change is over 30 s as well: the run began before the change.
    assert event.threshold == 30
    assert event.over_since == date(2026, 10, 19)
    (state,) = rule_states(workflow).rows
    assert state.state == "firing"
    assert "over 30 s (the adopted version's target)" in state.sentence


def test_a_queue_wait_rule_without_a_target_or_an_adoption_says_so(team: Team) -> None:
    workflow = _workflow(team)
    _rule(workflow, "queue_wait", "medium", days=3)
    assert check_workflow(workflow, NOW) == []
    (state,) = rule_states(workflow).rows
    assert state.state == "cannot"
    assert "No version is adopted" in state.summary


def test_wall_clock_fires_when_it_regresses_past_the_pre_change_level(team: Team) -> None:
    workflow = _workflow(team, after=SLOWER)
    _adopt(workflow)
    _rule(workflow, "wall_clock", tolerance=0.10, days=3)
    check_workflow(workflow, NOW)
    event = AlertEvent.objects.get()
    # The pre-change p50 is 1012 s; +10% is 1113.2 s; every day since the change is 1212 s.
    assert event.threshold == pytest.approx(1113.2)
    assert event.over_since == LIVE_ON
    assert event.fired_on == date(2026, 11, 4)
    assert {round(row["value"], 6) for row in event.figures} == {1212}


def test_wall_clock_does_not_fire_when_it_improved(team: Team) -> None:
    workflow = _workflow(team)  # 1012 s before, 524 s after
    _adopt(workflow)
    rule = _rule(workflow, "wall_clock", tolerance=0.0, days=1)
    assert check_workflow(workflow, NOW) == []
    rule.refresh_from_db()
    assert rule.last_check["threshold"] == pytest.approx(1012)
    assert rule.last_check["days"][0]["day"] == LIVE_ON.isoformat()  # only days since the change


def test_utilization_fires_on_the_pool_over_the_level_only(team: Team) -> None:
    # One medium runner: 9 builds of 252 s a day is 2.625%; small: 9 x 512 s on 4 is 1.33%.
    workflow = _workflow(team, medium_runners=1)
    _rule(workflow, "utilization", "medium", utilization_level=0.02, days=2)
    _rule(workflow, "utilization", "small", utilization_level=0.02, days=2)
    (event,) = check_workflow(workflow, NOW)
    assert event.rule.pool.name == "medium"
    assert event.over_since == date(2026, 10, 19)  # the history's first day
    assert event.fired_on == date(2026, 10, 20)
    assert event.latest_value == pytest.approx(9 * 252 / 86400)


def test_no_data_never_fires_and_the_alert_clears(team: Team) -> None:
    workflow = _workflow(team)
    rule = _rule(workflow, "queue_wait", "medium", wait_target_s=120, days=3)
    check_workflow(workflow, NOW)
    later = NOW + timedelta(days=2)  # the last whole day (11-17) has no run at all
    (resolved,) = check_workflow(workflow, later)
    assert resolved.resolved_on == date(2026, 11, 17)
    assert AlertEvent.objects.firing().count() == 0
    (state,) = rule_states(workflow).rows
    assert state.state == "quiet"
    assert "nothing measured on 2026-11-17" in state.summary
    rule.refresh_from_db()
    assert rule.last_check["days"][-1] == {"day": "2026-11-17", "value": None, "over": False}


def test_the_email_is_sent_once_when_it_starts_and_once_when_it_clears(
    team: Team, settings
) -> None:
    settings.SITE_URL = "https://decider.example.com/"
    _editor_with_email(team)
    MembershipFactory(team=team, user=UserFactory(username="no-email"), role="editor")
    workflow = _workflow(team)
    rule = _rule(workflow, "queue_wait", "medium", wait_target_s=120, days=3)
    check_workflow(workflow, NOW)
    send_due_emails(NOW)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ed@example.com"]
    assert "p90 queue wait on medium" in message.subject
    assert "over 2 min every day since 2026-11-02" in message.body
    assert "  2026-11-15  4 min" in message.body
    assert f"https://decider.example.com/workflows/{workflow.pk}/monitor/" in message.body
    # Checked again, and again the next hour: still firing, no new email.
    check_workflow(workflow, NOW)
    check_workflow(workflow, NOW + timedelta(hours=1))
    send_due_emails(NOW)
    assert len(mail.outbox) == 1
    assert AlertEvent.objects.count() == 1
    rule.wait_target_s = 300
    rule.save()
    check_workflow(workflow, NOW)
    send_due_emails(NOW)
    assert len(mail.outbox) == 2
    assert "cleared" in mail.outbox[1].subject
    assert "on 2026-11-15 it was 4 min" in mail.outbox[1].body
    send_due_emails(NOW)
    assert len(mail.outbox) == 2


def test_a_failed_send_is_tried_again(team: Team, settings, monkeypatch) -> None:
    _editor_with_email(team)
    workflow = _workflow(team)
    _rule(workflow, "queue_wait", "medium", wait_target_s=120, days=3)
    check_workflow(workflow, NOW)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    send_due_emails(NOW)
    assert AlertEvent.objects.get().fired_mailed_at is None
    monkeypatch.undo()
    send_due_emails(NOW)
    assert len(mail.outbox) == 1


def test_default_rules_cover_the_pools_the_jobs_run_on(team: Team) -> None:
    workflow = _workflow(team)
    RunnerPoolFactory(team=team, name="gpu", labels=["self-hosted", "gpu"])
    rules = ensure_default_rules(workflow)
    assert sorted((rule.kind, rule.pool.name if rule.pool else "") for rule in rules) == [
        ("queue_wait", "medium"),
        ("queue_wait", "small"),
        ("utilization", "medium"),
        ("utilization", "small"),
        ("wall_clock", ""),
    ]
    assert ensure_default_rules(workflow) == []  # only once: then the rules are the editors'


def test_a_store_of_runs_enqueues_one_check_and_a_stale_check_leaves_it_to_the_later(
    team: Team, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    workflow = _workflow(team)
    _rule(workflow, "queue_wait", "medium", wait_target_s=120, days=3)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.data_changed()
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="check_workflow_alerts")
    assert queued.args_kwargs["args"] == [workflow.pk, workflow.data_version]
    assert check_workflow_alerts.call(workflow.pk, workflow.data_version - 1).startswith(
        "changed again"
    )
    assert AlertEvent.objects.count() == 0
    assert check_workflow_alerts.call(workflow.pk, workflow.data_version) == "checked"
    # Checked today: the history ended on 11-15, so nothing measured yesterday, nothing fires.
    assert AlertRule.objects.get().checked_at is not None


def test_a_workflow_without_rules_enqueues_nothing(
    team: Team, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    workflow = _workflow(team)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.data_changed()
    assert not DBTaskResult.objects.exists()


def test_the_hourly_check_starts_once_and_enqueues_its_next_run(team: Team) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from decider.adapter.alert_tasks import check_all_alerts_hourly, ensure_hourly_check

    assert ensure_hourly_check()
    assert not ensure_hourly_check()  # one is waiting already
    DBTaskResult.objects.all().delete()
    _rule(_workflow(team), "queue_wait", "medium", wait_target_s=120, days=3)
    assert check_all_alerts_hourly.call() == "1 workflows checked"
    (next_run,) = DBTaskResult.objects.all()
    assert next_run.run_after > timezone.now() + timedelta(minutes=59)
