"""A saved scenario against today's workflow: one way for the page, comparison and PDF."""

from __future__ import annotations

import pytest

from decider.adapter import running
from decider.adapter.saved import LEGACY_NOTICE, ScenarioNoLongerFits, analyse_saved
from decider.adapter.whatif import WhatIf
from decider.models import Scenario

pytestmark = pytest.mark.django_db


def test_the_demo_scenario_gives_the_founding_figures(demo_scenario: Scenario) -> None:
    saved = analyse_saved(demo_scenario)
    analysis = saved.results.analysis
    assert (analysis.current.wall_clock_s, analysis.proposed.wall_clock_s) == (1012, 524)
    assert analysis.proposed.milestone_wall_clock_s == 488
    assert saved.results.decision is not None
    assert saved.changes == []
    assert saved.row == demo_scenario
    assert saved.from_snapshot and saved.is_latest and saved.number == 1


def test_a_scenario_that_no_longer_validates_raises_one_plain_error(demo_scenario) -> None:
    demo_scenario.inputs = {**demo_scenario.inputs, "statistic": "fastest"}
    with pytest.raises(ScenarioNoLongerFits) as raised:
        analyse_saved(demo_scenario)
    message = str(raised.value)
    assert message.startswith("“Parallel production builds” no longer fits its workflow: ")
    assert "'latest'" in message  # what the statistic may be
    assert "pydantic" not in message and "http" not in message
    assert raised.value.row == demo_scenario


def test_a_job_gone_from_todays_workflow_is_named_and_the_figures_stay(demo_scenario) -> None:
    demo_scenario.workflow.jobs.filter(key="build-production-worker").delete()
    saved = analyse_saved(demo_scenario)
    assert saved.changes == ["Job 'build-production-worker' is no longer in the workflow."]
    assert saved.results.analysis.proposed.wall_clock_s == 524
    assert saved.editable is not None  # its edits to the gone job dropped for the form
    assert len(saved.editable.remove_needs) == len(saved.scenario.remove_needs) - 1


def test_a_version_saved_before_snapshots_uses_todays_data_and_says_so(demo_scenario) -> None:
    demo_scenario.snapshot = None
    demo_scenario.workflow.jobs.filter(key="build-production-worker").delete()
    saved = analyse_saved(demo_scenario)
    assert saved.changes == [
        LEGACY_NOTICE,
        "Job 'build-production-worker' is no longer in the workflow: the scenario's edits to "
        "it were dropped.",
    ]
    assert not saved.from_snapshot
    assert saved.results.analysis.proposed.wall_clock_s == 524


def test_a_saved_version_keeps_its_figures_when_the_pools_change(demo_scenario) -> None:
    before = analyse_saved(demo_scenario).results
    demo_scenario.team.pools.filter(name="medium").update(runners=6)
    after = analyse_saved(demo_scenario)
    assert after.results.ask == before.ask == "Add 3 medium, 2 small runners ($450/month)"
    assert after.results.analysis.model_dump() == before.analysis.model_dump()
    assert after.changes == ["Pool medium: 6 runners now, 3 then."]


def test_jobs_are_followed_by_key_when_a_reimport_reorders_them(demo_scenario) -> None:
    workflow = demo_scenario.workflow
    workflow.jobs.filter(key="build-test-image-api").update(order=99)
    saved = analyse_saved(demo_scenario)
    assert saved.editable is not None
    keys = {job.id: job.key for job in saved.today.graph.jobs}
    removed = {(keys[edge.job], keys[edge.need]) for edge in saved.editable.remove_needs}
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


def test_a_version_saved_from_the_live_what_if_is_answered_from_its_cached_verdict(
    demo_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after a save, its page (and its comparison, its PDF) shows the figures the live
    what-if just simulated for the same inputs on the same runs: no second simulation."""
    today = WhatIf.of(demo_scenario.workflow)
    editable = analyse_saved(demo_scenario).editable
    assert editable is not None
    live = today.results(editable, verdict=True)
    simulations = []
    monkeypatch.setattr(
        running, "analyze", lambda *args, **kwargs: simulations.append(args) or None
    )

    saved = analyse_saved(demo_scenario)

    assert simulations == []
    assert saved.results.analysis == live.analysis


def test_a_snapshot_without_the_runs_key_still_simulates_its_own_runs(
    demo_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions saved before snapshots kept the runs' key are keyed on their runs' content."""
    assert demo_scenario.snapshot is not None
    del demo_scenario.snapshot["runs_key"]
    expected = analyse_saved(demo_scenario).results.analysis
    calls = []
    original = running.analyze
    monkeypatch.setattr(
        running, "analyze", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs)
    )
    running.cache.clear()

    assert analyse_saved(demo_scenario).results.analysis == expected
    assert calls == [1]
