"""Numbers beyond engine/limits.py are refused at the field, quickly, on every page."""

from __future__ import annotations

import importlib
import time

import pytest
from django.test import Client
from django.urls import reverse

from decider.models import RunnerPool, Workflow
from tests.factories import JobRunFactory
from tests.web.views.test_scenarios import parallel_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"runners_1": "1000000000"},
        {"concurrency": "at_once", "pipelines_at_once": "1000000"},
        {"concurrency": "per_hour", "pipelines_per_hour": "1000000000"},
    ],
)
def test_the_worst_numbers_of_the_issue_are_refused_at_once(
    demo_workflow: Workflow, demo_viewer: Client, changes: dict[str, str]
) -> None:
    started = time.perf_counter()
    for htmx in (True, False):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = demo_viewer.post(
            reverse("scenario_calculate", args=[demo_workflow.pk]),
            parallel_form(demo_workflow, **changes),
            **headers,
        )
        assert response.status_code == 200
        assert "less than or equal to" in response.content.decode()
    verdict = demo_viewer.post(
        reverse("scenario_verdict", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, **changes),
        HTTP_HX_REQUEST="true",
    )
    assert verdict.status_code == 200
    assert time.perf_counter() - started < 5


def test_the_pool_form_refuses_a_hundred_million_runners(editor_client, team) -> None:
    data = {
        "name": "medium",
        "labels": "self-hosted linux medium",
        "runners": 10**8,
        "monthly_cost_usd_per_runner": "100",
        "baseline_utilization": "60",
    }
    response = editor_client.post(reverse("pools", args=[team.slug]), data)

    assert response.status_code == 200
    assert b"less than or equal to 1000" in response.content
    assert b"0 to 1,000 runners." in response.content
    assert not RunnerPool.objects.exists()


def test_pools_stored_before_the_limits_are_capped_by_the_migration(team) -> None:
    from django.apps import apps

    migration = importlib.import_module("decider.migrations.0006_bounds_pool_limits")
    huge = RunnerPool.objects.create(
        team=team,
        name="huge",
        labels=["huge"],
        runners=10**8,
        monthly_cost_usd_per_runner=10**7,
        baseline_utilization=0.5,
    )
    migration.cap_existing_pools(apps, None)
    huge.refresh_from_db()
    assert (huge.runners, huge.monthly_cost_usd_per_runner) == (1000, 100_000)


def test_runs_stored_before_the_limits_do_not_break_the_what_if(demo_workflow, demo_viewer) -> None:
    job = demo_workflow.jobs.get(key="build-test-image-api")
    JobRunFactory(job=job, duration_s=1e300, completed_at=None)

    response = demo_viewer.get(reverse("scenario_new", args=[demo_workflow.pk]))

    assert response.status_code == 200
    assert "e+300" not in response.content.decode()
