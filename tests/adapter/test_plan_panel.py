"""The plan panel writes the plan's sizing figures, including when no runner count serves."""

from django.template.loader import render_to_string

from decider.adapter.results import build_results
from decider.engine.analysis import analyze
from decider.engine.inputs import Scenario
from decider.engine.presets import apply_preset
from tests.engine.fakes import AlwaysWaiting
from tests.engine.seed import seed_pools, seed_workflow


def _panel(wait_s: float, **settings: object) -> tuple[str, object]:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario.model_validate(settings), "parallel")
    analysis = analyze(workflow, seed_pools(), scenario, simulator=AlwaysWaiting(wait_s))
    html = render_to_string("panels/_plan.html", {"results": build_results(analysis)})
    return " ".join(html.split()), analysis.plan


def test_a_pool_no_runner_count_serves_says_so() -> None:
    html, _ = _panel(900)
    assert "more than the search reached" in html


def test_runners_today_above_the_need_could_go_with_their_price() -> None:
    html, plan = _panel(0)
    small = next(pool for pool in plan.pools if pool.name == "small")
    # Nothing waits: the lower bound (just above the 1.6 runners 40% background keeps busy) is
    # enough, so 2 of today's 4 small runners could go at $75 each.
    assert (small.could_remove_today, small.could_save_today_usd) == (2, 150)
    assert "2 of today's could go, saving $150 per month" in html


def test_a_search_stopped_by_the_work_budget_says_so() -> None:
    # The fewest pipelines a verdict simulates, rarely: each run is long, none is shortened.
    html, plan = _panel(10_000, pipelines_per_hour=0.0025, simulated_pipelines=40)
    sizings = [pool.sizing_today or pool.sizing_proposed for pool in plan.pools]
    assert any(sizing and sizing.stopped_by_budget for sizing in sizings)
    assert "more than the search reached before the work budget ran out" in html
