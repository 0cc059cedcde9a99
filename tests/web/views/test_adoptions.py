"""Adopting a saved scenario version: editors only, one current adoption per workflow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decider.models import Adoption, Scenario, Team
from tests.conftest import client_for
from tests.factories import RepositoryFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

FORM = {"live_on": "2026-11-02", "approved_by": "Dana (VP Eng)", "budget_usd_per_month": "600"}


@pytest.fixture
def scenario(team: Team, editor) -> Scenario:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    return Scenario.objects.create_for(editor, workflow, name="Parallel", inputs={}, job_keys=[])


def _url(scenario: Scenario, number: int = 1) -> str:
    return reverse("version_adopt", args=[scenario.pk, number])


def test_an_editor_adopts_a_version(scenario: Scenario, editor_client: Client, editor) -> None:
    response = editor_client.post(_url(scenario), FORM | {"note": "rolled out Monday"})
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert adoption.version == scenario.versions.get(number=1)
    assert adoption.workflow == scenario.workflow
    assert adoption.live_on == date(2026, 11, 2)
    assert adoption.approved_by == "Dana (VP Eng)"
    assert adoption.budget_usd_per_month == 600
    assert adoption.recorded_by == editor
    assert adoption.ended_at is None


def test_adopting_keeps_the_monitor_days_to_the_versions_milestone(
    team: Team, editor_client: Client, editor, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    from tests.factories import JobFactory

    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    JobFactory(workflow=workflow, key="test")
    build = JobFactory(workflow=workflow, key="build")
    row = Scenario.objects.create_for(
        editor, workflow, name="P", inputs={"milestone": [1]}, job_keys=["test", "build"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(_url(row), FORM).status_code == 302
    workflow.refresh_from_db()
    assert workflow.milestone_job_ids == [build.pk]
    # And the worker is asked to compute the monitor's first view ahead.
    assert DBTaskResult.objects.filter(task_path__endswith="warm_monitor").count() == 1


def test_adopting_another_version_ends_the_current_one_and_keeps_it(
    scenario: Scenario, editor_client: Client, editor
) -> None:
    editor_client.post(_url(scenario), FORM)
    scenario.save_version(
        editor, edited_version=1, name="Parallel", note="", inputs={}, job_keys=[]
    )
    editor_client.post(_url(scenario, 2), FORM | {"live_on": "2026-11-20"})
    first, second = Adoption.objects.order_by("live_on")
    assert first.ended_at is not None and second.ended_at is None
    assert [row.version.number for row in Adoption.objects.current()] == [2]
    page = editor_client.get(reverse("scenario_version", args=[scenario.pk, 1])).content.decode()
    assert "Adopted: live on 2026-11-02" in page and "(replaced on" in page


def test_the_database_refuses_two_current_adoptions(scenario: Scenario, editor) -> None:
    version = scenario.versions.get()
    fields = {"live_on": date(2026, 11, 2), "approved_by": "x", "budget_usd_per_month": 1}
    Adoption.objects.create(workflow=scenario.workflow, version=version, **fields)
    with pytest.raises(IntegrityError):
        Adoption.objects.create(workflow=scenario.workflow, version=version, **fields)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("live_on", "2 Nov", "Give a date as YYYY-MM-DD"),
        ("live_on", "", "This field is required."),
        ("approved_by", "   ", "Say who approved the change."),
        ("budget_usd_per_month", "-5", "A budget cannot be negative."),
        ("budget_usd_per_month", "lots", "Give an amount in $ per month"),
        ("budget_usd_per_month", "1e12", "At most $"),
    ],
)
def test_bad_input_is_refused_in_plain_words(
    scenario: Scenario, editor_client: Client, field: str, value: str, error: str
) -> None:
    response = editor_client.post(_url(scenario), FORM | {field: value})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Adoption.objects.exists()


def test_a_date_in_the_future_is_refused(scenario: Scenario, editor_client: Client) -> None:
    tomorrow = timezone.now().date() + timedelta(days=1)
    response = editor_client.post(_url(scenario), FORM | {"live_on": tomorrow.isoformat()})
    assert "has to have gone live already" in response.content.decode()
    assert not Adoption.objects.exists()


def test_viewers_cannot_adopt(scenario: Scenario, viewer_client: Client) -> None:
    assert viewer_client.post(_url(scenario), FORM).status_code == 403
    assert viewer_client.get(_url(scenario)).status_code == 403
    assert not Adoption.objects.exists()
    page = viewer_client.get(reverse("scenario", args=[scenario.pk]))
    assert "Adopt version" not in page.content.decode()


def test_another_teams_version_is_a_404(scenario: Scenario, other_team: Team) -> None:
    from tests.factories import MembershipFactory, UserFactory

    outsider = MembershipFactory(team=other_team, user=UserFactory(), role="editor").user
    client = client_for(outsider)
    assert client.post(_url(scenario), FORM).status_code == 404
    assert client.post(_url(scenario, 7), FORM).status_code == 404
    assert not Adoption.objects.exists()


def test_the_form_needs_the_csrf_token(scenario: Scenario, editor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(_url(scenario), FORM).status_code == 403
    assert not Adoption.objects.exists()
