"""The worker computes the monitor's first view ahead after a change of an adopted workflow's
runs, so the page answers it from the cache (with the predicted-against-actual table inline)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from decider.adapter.monitor_warming import warm_monitor
from decider.models import Scenario, Workflow
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def _queued() -> list[list[int]]:
    rows = DBTaskResult.objects.filter(task_path__endswith="warm_monitor")
    return sorted(row.args_kwargs["args"] for row in rows)


def test_a_change_of_an_adopted_workflow_queues_one_warming_and_a_stale_one_steps_aside(
    django_capture_on_commit_callbacks,
) -> None:
    scenario = load_demo(monitor_history=True)
    workflow = scenario.workflow
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.data_changed()
        workflow.data_changed()
    assert _queued() == [
        [workflow.pk, workflow.data_version - 1],
        [workflow.pk, workflow.data_version],
    ]
    assert warm_monitor.call(workflow.pk, workflow.data_version - 1).startswith("changed again")
    assert warm_monitor.call(workflow.pk, workflow.data_version) == "warmed"
    assert warm_monitor.call(0, 1) == "the workflow is gone"


def test_a_workflow_never_adopted_queues_no_warming(
    demo_workflow: Workflow, django_capture_on_commit_callbacks
) -> None:
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        demo_workflow.data_changed()
    assert _queued() == []


def test_after_warming_the_page_reads_no_run_and_shows_the_table(member_of_demo: Client) -> None:
    scenario = Scenario.objects.get(versions__adoptions__isnull=False)
    workflow = scenario.workflow
    cache.clear()
    assert warm_monitor.call(workflow.pk, workflow.data_version) == "warmed"
    with CaptureQueriesContext(connection) as queries:
        page = member_of_demo.get(reverse("workflow_monitor", args=[workflow.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Predicted against actual, since" in text
    assert 'id="predicted-actual" hx-get' not in text
    # Only the fingerprint's count of runs touches the runs tables: no aggregate of job runs.
    job_run_reads = [q["sql"] for q in queries.captured_queries if "decider_jobrun" in q["sql"]]
    assert job_run_reads == []


@pytest.fixture
def member_of_demo(db: None) -> Client:
    scenario = load_demo(monitor_history=True)
    client = Client()
    client.force_login(scenario.created_by)
    return client


def test_the_demo_asks_the_worker_to_warm_its_adopted_workflow(
    db: None, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scenario = load_demo(monitor_history=True)
    workflow = scenario.workflow
    assert [workflow.pk, workflow.data_version] in _queued()
    workflow.refresh_from_db()
    assert workflow.milestone_job_ids  # the adopted version's milestone is kept
