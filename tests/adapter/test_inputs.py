"""Rows -> engine inputs: the adapter every page, PDF and command starts from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from decider.adapter.inputs import engine_pools, engine_workflow
from tests.factories import (
    JobFactory,
    JobRunFactory,
    RunnerPoolFactory,
    WorkflowFactory,
    WorkflowRunFactory,
)

pytestmark = pytest.mark.django_db


def test_jobs_get_declaration_order_ids_and_their_needs_by_id() -> None:
    workflow = WorkflowFactory()
    publish = JobFactory(workflow=workflow, key="publish", order=2, kind="gate")
    test = JobFactory(workflow=workflow, key="test", order=0, kind="check")
    build = JobFactory(workflow=workflow, key="build", order=1, runs_on=["ubuntu-latest"])
    publish.needs.set([test, build])
    graph = engine_workflow(workflow)
    assert [(job.id, job.key) for job in graph.jobs] == [(0, "test"), (1, "build"), (2, "publish")]
    assert graph.jobs[2].needs == [0, 1]
    assert (graph.jobs[0].kind, graph.jobs[2].kind) == ("check", "gate")
    assert graph.jobs[1].runs_on == ["ubuntu-latest"]
    assert graph.name == workflow.name


def test_measured_runs_become_samples_dated_by_their_workflow_run() -> None:
    workflow = WorkflowFactory()
    measured = JobFactory(workflow=workflow, key="measured", order=0)
    JobFactory(workflow=workflow, key="unmeasured", order=1)
    run = WorkflowRunFactory(
        workflow=workflow, github_run_id=77, created_at=datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    JobRunFactory(job=measured, run=run, duration_s=120)
    graph = engine_workflow(workflow)
    (sample,) = graph.jobs[0].samples
    assert (sample.duration_s, sample.run_id) == (120, 77)
    assert sample.created_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert graph.jobs[1].samples == []


def test_a_job_without_a_display_name_is_named_by_its_key() -> None:
    job = JobFactory(key="lint", name="")
    assert engine_workflow(job.workflow).jobs[0].name == "lint"


def test_pools_carry_the_teams_inventory() -> None:
    pool = RunnerPoolFactory(
        name="medium",
        labels=["self-hosted", "medium"],
        runners=3,
        monthly_cost_usd_per_runner=100,
        baseline_utilization=0.6,
    )
    RunnerPoolFactory(name="someone-elses")
    (engine_pool,) = engine_pools(pool.team)
    assert engine_pool.model_dump() == {
        "name": "medium",
        "labels": ["self-hosted", "medium"],
        "runners": 3,
        "monthly_usd_per_runner": 100.0,
        "baseline_utilization": 0.6,
        "mean_background_job_s": None,
    }
