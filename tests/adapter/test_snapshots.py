"""Snapshots carry each run's conclusion; those saved before conclusions were kept still load
and recompute the figures they showed (their runs count as successful, as all runs did)."""

from __future__ import annotations

from typing import Any

import pytest

from decider.adapter.saved import analyse_saved
from decider.adapter.snapshots import data_changes, take_snapshot, whatif_from_snapshot
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.models import Scenario, Workflow
from tests.factories import JobRunFactory

pytestmark = pytest.mark.django_db


def without_conclusions(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as versions saved before conclusions were kept stored it (they did not
    keep the runs' key either)."""
    del snapshot["runs_key"]
    for job in snapshot["workflow"]["jobs"]:
        for sample in job["samples"]:
            del sample["conclusion"]
    return snapshot


def publish_id(graph: engine_inputs.Workflow) -> int:
    return next(job.id for job in graph.jobs if job.key == "publish-api")


def test_a_snapshot_carries_each_runs_conclusion(demo_workflow: Workflow) -> None:
    JobRunFactory(job=demo_workflow.jobs.get(key="publish-api"), conclusion="failure")

    snapshot = take_snapshot(WhatIf.of(demo_workflow))

    jobs = {job["key"]: job for job in snapshot["workflow"]["jobs"]}
    assert [sample["conclusion"] for sample in jobs["publish-api"]["samples"]] == ["failure"]
    then = whatif_from_snapshot(snapshot)
    assert then.graph.jobs[publish_id(then.graph)].samples[0].conclusion == "failure"


def test_a_snapshot_from_before_conclusions_loads_its_runs_as_successful(
    demo_workflow: Workflow,
) -> None:
    JobRunFactory(job=demo_workflow.jobs.get(key="publish-api"), conclusion="failure")
    old = without_conclusions(take_snapshot(WhatIf.of(demo_workflow)))

    then = whatif_from_snapshot(old)

    assert {sample.conclusion for job in then.graph.jobs for sample in job.samples} == {None}


def test_an_old_version_recomputes_the_figures_it_showed_and_names_what_changed(
    demo_scenario: Scenario,
) -> None:
    """Saved when a failed run of publish-api still counted as a measurement (60 s): its
    figures keep that run; today's data leaves it out, and the version says so."""
    workflow = demo_scenario.workflow
    JobRunFactory(job=workflow.jobs.get(key="publish-api"), conclusion="failure", duration_s=60)
    demo_scenario.snapshot = without_conclusions(take_snapshot(WhatIf.of(workflow)))
    publish = publish_id(engine_inputs.Workflow.model_validate(demo_scenario.snapshot["workflow"]))

    saved = analyse_saved(demo_scenario)

    analysis = saved.results.analysis
    assert analysis.jobs[publish].duration_s == 60
    assert analysis.jobs[publish].runs.text == "1 run used"
    assert analysis.current.wall_clock_s == 1012 + 60  # publish-api ends the current graph
    assert saved.changes == ["Measured runs changed for publish-api (1 → 0 successful runs)."]
    today = WhatIf.of(workflow).results(saved.scenario, verdict=False).analysis
    assert today.jobs[publish].duration_s is None
    assert today.jobs[publish].runs.unmeasured_reason == "1 run, failed"


def test_a_version_saved_now_recomputes_the_same_figures_from_its_snapshot(
    demo_scenario: Scenario,
) -> None:
    workflow = demo_scenario.workflow
    JobRunFactory(job=workflow.jobs.get(key="publish-api"), conclusion="cancelled", duration_s=60)
    demo_scenario.snapshot = take_snapshot(WhatIf.of(workflow))
    before = analyse_saved(demo_scenario).results.analysis

    workflow.jobs.get(key="publish-api").runs.update(conclusion="success")
    workflow.data_changed()  # an edit in place, not an import: say so
    after = analyse_saved(demo_scenario)

    assert after.results.analysis.model_dump() == before.model_dump()
    assert publish_id(WhatIf.of(workflow).graph) in before.unmeasured
    assert after.changes == ["Measured runs changed for publish-api (0 → 1 successful runs)."]


def test_data_changes_ignore_runs_whose_conclusions_did_not_change(
    demo_workflow: Workflow,
) -> None:
    today = WhatIf.of(demo_workflow)
    assert data_changes(whatif_from_snapshot(take_snapshot(today)), today) == []
