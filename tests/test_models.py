from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from decider.models import Team
from tests.factories import (
    JobFactory,
    JobRunFactory,
    MembershipFactory,
    RunnerPoolFactory,
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
