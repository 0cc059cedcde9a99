"""A saved scenario against today's workflow: one way for the page, comparison and PDF."""

from __future__ import annotations

import pytest

from decider.adapter.saved import ScenarioNoLongerFits, analyse_saved
from decider.adapter.whatif import WhatIf
from decider.models import Scenario

pytestmark = pytest.mark.django_db


def test_the_demo_scenario_gives_the_founding_figures(demo_scenario: Scenario) -> None:
    saved = analyse_saved(demo_scenario)
    analysis = saved.results.analysis
    assert (analysis.current.wall_clock_s, analysis.proposed.wall_clock_s) == (1012, 524)
    assert analysis.proposed.milestone_wall_clock_s == 488
    assert saved.results.decision is not None
    assert saved.warnings == []
    assert saved.row == demo_scenario


def test_a_scenario_that_no_longer_validates_raises_one_plain_error(demo_scenario) -> None:
    demo_scenario.inputs = {**demo_scenario.inputs, "statistic": "fastest"}
    with pytest.raises(ScenarioNoLongerFits) as raised:
        analyse_saved(demo_scenario)
    message = str(raised.value)
    assert message.startswith("“Parallel production builds” no longer fits its workflow: ")
    assert "'latest'" in message  # what the statistic may be
    assert "pydantic" not in message and "http" not in message
    assert raised.value.row == demo_scenario


def test_edits_to_a_job_that_is_gone_are_dropped_with_a_warning(demo_scenario) -> None:
    demo_scenario.workflow.jobs.filter(key="build-production-worker").delete()
    saved = analyse_saved(demo_scenario)
    assert saved.warnings == [
        "Job 'build-production-worker' is no longer in the workflow: the scenario's edits to "
        "it were dropped."
    ]
    assert saved.results.analysis.proposed.wall_clock_s == 524


def test_jobs_are_followed_by_key_when_a_reimport_reorders_them(demo_scenario) -> None:
    workflow = demo_scenario.workflow
    workflow.jobs.filter(key="build-test-image-api").update(order=99)
    saved = analyse_saved(demo_scenario)
    keys = {job.id: job.key for job in saved.whatif.graph.jobs}
    removed = {(keys[edge.job], keys[edge.need]) for edge in saved.scenario.remove_needs}
    assert ("build-production-api", "build-test-image-api") in removed
    assert saved.results.analysis.proposed.wall_clock_s == 524


def test_a_whatif_starts_blank_or_from_a_preset(demo_workflow) -> None:
    whatif = WhatIf.of(demo_workflow)
    blank, name = whatif.starting_point()
    assert (blank.remove_needs, name) == ([], "New scenario")
    parallel, title = whatif.starting_point("parallel")
    assert parallel.remove_needs and title == "Build production images in parallel"
    assert whatif.starting_point("no-such-preset")[1] == "New scenario"
    assert whatif.results(parallel, verdict=False).analysis.proposed.wall_clock_s == 524
    assert whatif.results(parallel, verdict=False).decision is None
    assert whatif.job_keys()[0] == whatif.graph.jobs[0].key
