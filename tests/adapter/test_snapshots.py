"""Snapshots carry each run's conclusion; those saved before conclusions were kept still load
and recompute the figures they showed (their runs count as successful, as all runs did)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from decider.adapter.saved import analyse_saved
from decider.adapter.snapshots import (
    Snapshot,
    data_changes,
    take_snapshot,
    whatif_from_snapshot,
)
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.models import JobRun, Scenario, Workflow, WorkflowRun
from tests.factories import JobRunFactory

pytestmark = pytest.mark.django_db


def inline_snapshot(whatif: WhatIf) -> dict[str, Any]:
    """Format 1, as versions saved before issue 10 stored it: each run inside its job."""
    return Snapshot(workflow=whatif.graph, pools=whatif.pools).model_dump(mode="json")


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

    then = whatif_from_snapshot(snapshot)
    assert then.graph.jobs[publish_id(then.graph)].samples[0].conclusion == "failure"


def test_a_snapshot_from_before_conclusions_loads_its_runs_as_successful(
    demo_workflow: Workflow,
) -> None:
    JobRunFactory(job=demo_workflow.jobs.get(key="publish-api"), conclusion="failure")
    old = without_conclusions(inline_snapshot(WhatIf.of(demo_workflow)))

    then = whatif_from_snapshot(old)

    assert {sample.conclusion for job in then.graph.jobs for sample in job.samples} == {None}


def test_an_old_version_recomputes_the_figures_it_showed_and_names_what_changed(
    demo_scenario: Scenario,
) -> None:
    """Saved when a failed run of publish-api still counted as a measurement (60 s): its
    figures keep that run; today's data leaves it out, and the version says so."""
    workflow = demo_scenario.workflow
    JobRunFactory(job=workflow.jobs.get(key="publish-api"), conclusion="failure", duration_s=60)
    demo_scenario.snapshot = without_conclusions(inline_snapshot(WhatIf.of(workflow)))
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


def test_the_compact_format_gives_back_every_run_exactly(demo_workflow: Workflow) -> None:
    """Format 2 keeps the four values the engine reads of each run, to the microsecond and
    the last bit of the duration, empties included."""
    job = demo_workflow.jobs.get(key="publish-api")
    JobRunFactory(job=job, conclusion="timed_out", duration_s=0.1 + 0.2)
    JobRunFactory(
        job=job,
        conclusion="",
        duration_s=1e-6,
        created_at=None,
        started_at=datetime(2026, 3, 2, tzinfo=UTC),
        run=None,
    )
    timed_out = JobRun.objects.get(job=job, conclusion="timed_out")
    WorkflowRun.objects.filter(pk=timed_out.run_id).update(
        created_at=datetime(2026, 3, 1, 12, 0, 0, 123457, tzinfo=UTC)
    )
    demo_workflow.data_changed()
    today = WhatIf.of(demo_workflow)

    then = whatif_from_snapshot(take_snapshot(today))

    assert then.graph == today.graph
    assert then.pools == today.pools
    samples = {round(s.duration_s, 9): s for j in then.graph.jobs for s in j.samples}
    assert samples[0.3].created_at == datetime(2026, 3, 1, 12, 0, 0, 123457, tzinfo=UTC)
    assert samples[0.3].duration_s == 0.1 + 0.2
    assert samples[0.000001].created_at is None and samples[0.000001].run_id is None


def test_a_compact_snapshot_and_a_format_1_one_give_the_same_figures(
    demo_scenario: Scenario,
) -> None:
    workflow = demo_scenario.workflow
    today = WhatIf.of(workflow)
    demo_scenario.snapshot = inline_snapshot(today)
    old = analyse_saved(demo_scenario).results.analysis
    demo_scenario.snapshot = take_snapshot(today)
    new = analyse_saved(demo_scenario).results.analysis
    assert new.model_dump() == old.model_dump()


def test_a_compact_snapshot_is_a_fraction_of_the_runs_as_objects(demo_workflow: Workflow) -> None:
    job = demo_workflow.jobs.get(key="build-production-api")
    for index in range(2_000):
        JobRunFactory(job=job, duration_s=300 + index % 97, conclusion="success")
    today = WhatIf.of(demo_workflow)
    compact = len(json.dumps(take_snapshot(today)))
    inline = len(json.dumps(inline_snapshot(today)))
    assert compact * 5 < inline
