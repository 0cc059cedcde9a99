"""The words, rows and grid the scenario page, comparison and PDF share (no database)."""

from __future__ import annotations

from decider.adapter.results import build_results
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import analyze
from decider.engine.formatting import peak_in_words
from decider.engine.presets import apply_preset
from tests.engine.seed import job_id, seed_pools, seed_workflow

PRODUCTION_IMAGES = [
    "build-production-api",
    "build-production-worker",
    "build-production-migrations",
    "build-production-eight-ball",
]


def demo_results():
    workflow = seed_workflow()
    scenario = engine_inputs.Scenario(milestone=[job_id(key) for key in PRODUCTION_IMAGES])
    scenario = apply_preset(workflow, scenario, "parallel")
    return build_results(analyze(workflow, seed_pools(), scenario))


def test_the_metric_rows_carry_the_seeds_figures_with_signed_changes() -> None:
    rows = {row.label: row for row in demo_results().metrics}
    assert rows["Wall clock"].change_text == "-8 min 8 s (-48.2%)"
    assert rows["Milestone (chosen jobs done)"].change_text == "-8 min 44 s (-51.8%)"
    assert rows["Compute (busy runner time)"].change_text == "same"
    assert rows["Compute (busy runner time)"].current == 2057
    assert rows["Peak runners, total"].change_text == "+3 runners (+60.0%)"
    assert rows["Peak runners, total"].verdict == "worse"
    assert rows["Wall clock"].verdict == "better"
    assert (rows["Peak runners, medium"].current, rows["Peak runners, medium"].proposed) == (2, 4)


def test_the_headline_states_the_verdict_the_change_and_the_ask() -> None:
    results = demo_results()
    assert results.headline.startswith("Proceed after adding runners: the pipeline goes from ")
    assert "16 min 52 s to 8 min 44 s (48.2% faster)" in results.headline
    assert "the milestone is reached at 8 min 8 s" in results.headline
    assert (
        "compute is unchanged at 34 min 17 s; 8 runners run at once at the peak (now 5)"
        in results.headline
    )
    decision = results.decision
    assert decision is not None and decision.additions
    assert results.ask.startswith("Add ") and results.ask.endswith(
        f"(${decision.added_usd_per_month:,.0f}/month)"
    )


def test_the_framework_grid_marks_the_one_cell_that_applied_and_the_seeds_gap() -> None:
    grid = demo_results().framework_grid()
    applied = [(row.label, i) for row in grid for i, cell in enumerate(row.cells) if cell.applied]
    assert applied == [("< 4", 1)]  # 3 medium runners at 60%: moderate
    gaps = [(row.label, i) for row in grid for i, cell in enumerate(row.cells) if cell.gap]
    assert gaps == [("4-6", 1)]


def test_the_peak_in_words_says_when_the_pools_peak_at_different_moments() -> None:
    results = demo_results()
    assert (
        results.peak_current
        == "at most 5 runners at once: 4 small and 2 medium, at different moments"
    )
    assert peak_in_words({"total": 3, "small": 2, "medium": 1}) == (
        "at most 3 runners at once: 2 small and 1 medium"
    )
    assert peak_in_words({"total": 1, "small": 1}) == "at most 1 runner at once"
