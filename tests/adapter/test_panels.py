"""The result panels that the scenario page and its PDF both include (templates/panels/)."""

from __future__ import annotations

from django.template.loader import render_to_string

from decider.adapter.results import build_results
from decider.engine import inputs as engine
from decider.engine.analysis import analyze
from decider.engine.presets import apply_preset
from tests.adapter.test_results import demo_results
from tests.engine.seed import seed_pools, seed_workflow


def _squeezed(html: str) -> str:
    return " ".join(html.split())


def _panel(name: str, **context: object) -> str:
    return _squeezed(render_to_string(f"panels/{name}", context))


def test_the_metric_rows_write_each_figure_with_its_unit() -> None:
    rows = {row.label: row for row in demo_results().metrics}
    assert (rows["Wall clock"].current_text, rows["Wall clock"].proposed_text) == (
        "16 min 52 s",
        "8 min 44 s",
    )
    assert rows["Compute (busy runner time)"].current_text == "34 min 17 s"
    assert rows["Peak runners, total"].proposed_text == "8 runners"


def test_the_metrics_panel_shows_the_figures_the_changes_and_the_critical_paths() -> None:
    html = _panel("_metrics.html", results=demo_results())
    assert '<td class="num">16 min 52 s</td> <td class="num">8 min 44 s</td>' in html
    assert "-8 min 8 s (-48.2%)" in html
    assert "+3 runners (+60.0%)" in html
    assert "now:</span> API Test Image" in html


def test_the_demand_panel_writes_free_runners_busy_share_and_the_plans_runners() -> None:
    html = _panel("_demand.html", results=demo_results())
    assert '1.2 <span class="muted">(60% busy)</span>' in html
    # The plan's runner count per pool, with its change on the team's inventory.
    assert """<td class="num">6 <span class="muted figure">(+2 on today's 4)</span></td>""" in html
    assert """<td class="num">6 <span class="muted figure">(+3 on today's 3)</span></td>""" in html


def test_the_cache_panel_reads_each_pair_in_words_once() -> None:
    results = demo_results()
    assert [reading for _, reading in results.cache_rows()] == [
        "the builds are independent: running them in parallel loses no cache"
    ] * 3
    html = _panel("_cache.html", results=results)
    assert "1.01 (+0.8%)" in html and "1.53 (+53.1%)" in html
    assert "takes +0.8% vs" not in html  # the engine's sentence would repeat the row


def test_the_costs_panel_points_to_the_money_inputs_on_the_page_only() -> None:
    results = demo_results()
    page = _panel("_costs.html", results=results)
    pdf = _panel("_costs.html", results=results, for_pdf=True)
    assert "(under Money)" in page and "(under Money)" not in pdf
    for html in (page, pdf):
        assert "$450 per month" in html
        assert "the mural-api analysis's $50-150 per runner: $250 to $750" in html


def test_the_costs_panel_writes_hours_money_and_days_once_money_is_given() -> None:
    workflow = seed_workflow()
    scenario = apply_preset(
        workflow,
        engine.Scenario(pipelines_per_month=2000, loaded_usd_per_hour=120),
        "parallel",
    )
    results = build_results(analyze(workflow, seed_pools(), scenario))
    money = results.analysis.plan.money
    html = _panel("_costs.html", results=results, for_pdf=True)
    assert money.hours_saved_per_month is not None and money.value_usd_per_month is not None
    assert f"{money.hours_saved_per_month:.1f} h" in html
    assert f"${money.value_usd_per_month:,.0f} <span" in html
    assert "(at $120 per loaded hour)" in html
    assert money.payback == "days" and money.payback_days is not None
    assert f"{money.payback_days:.1f} days of savings" in html
