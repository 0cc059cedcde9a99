from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from decider.models import Scenario, Team
from tests.factories import (
    JobFactory,
    JobRunFactory,
    MembershipFactory,
    RunnerPoolFactory,
    ScenarioFactory,
    UserFactory,
    WorkflowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"runners": -1},
        {"baseline_utilization": 1.5},
        {"baseline_utilization": -0.1},
        {"monthly_cost_usd_per_runner": -5},
    ],
)
def test_the_database_refuses_impossible_pools(fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RunnerPoolFactory(**fields)


def test_job_keys_are_unique_per_workflow() -> None:
    workflow = WorkflowFactory()
    JobFactory(workflow=workflow, key="build")
    JobFactory(key="build")
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(workflow=workflow, key="build")


def test_a_github_job_is_stored_once_per_job() -> None:
    job_run = JobRunFactory(github_job_id=42)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRunFactory(job=job_run.job, github_job_id=42)


def test_queue_wait_is_unknown_without_a_created_time_not_zero() -> None:
    started = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    job_run = JobRunFactory(created_at=None, started_at=started)
    assert job_run.queue_wait_s is None
    job_run.created_at = started - timedelta(seconds=7)
    assert job_run.queue_wait_s == 7


def test_teams_for_a_user_are_only_their_memberships() -> None:
    user = UserFactory()
    mine = MembershipFactory(user=user).team
    MembershipFactory()
    assert list(Team.objects.for_user(user)) == [mine]


def test_a_pools_monthly_cost_is_runners_times_price() -> None:
    assert RunnerPoolFactory(runners=3, monthly_cost_usd_per_runner=100).monthly_cost_usd == 300


def test_save_version_saves_the_edit_as_the_next_version() -> None:
    row = ScenarioFactory(name="first")
    saved_before = row.updated_at
    editor = UserFactory(username="second-editor")
    assert row.save_version(
        editor,
        edited_version=1,
        name="second",
        note="n",
        inputs={"statistic": "median"},
        job_keys=["a"],
    )
    row.refresh_from_db()
    assert (row.version, row.name, row.note, row.inputs, row.job_keys) == (
        2,
        "second",
        "n",
        {"statistic": "median"},
        ["a"],
    )
    assert row.updated_by == editor
    assert row.updated_at > saved_before


def test_save_version_refuses_an_edit_of_an_older_version_and_changes_nothing() -> None:
    row = ScenarioFactory(name="first")
    stale = Scenario.objects.get(pk=row.pk)
    assert row.save_version(
        UserFactory(), edited_version=1, name="newer", note="", inputs={}, job_keys=[]
    )
    assert not stale.save_version(
        UserFactory(), edited_version=1, name="stale", note="", inputs={}, job_keys=[]
    )
    assert (stale.version, stale.name) == (2, "newer")  # refreshed: shows who won
    assert Scenario.objects.get(pk=row.pk).name == "newer"
