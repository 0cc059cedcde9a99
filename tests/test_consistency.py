"""One plan, one set of figures (issue 9; DESIGN.md semantics 13): the scenario page, its ask,
the cost-benefit panel, the comparison, `analyze --json` and the PDF all carry the figures of
the same plan, for the demo scenario, every preset and generated inputs."""

from __future__ import annotations

import html
import io
import json

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from decider.adapter.comparison import comparison_table
from decider.adapter.results import ask, build_results
from decider.adapter.saved import analyse_saved
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import Analysis, analyze
from decider.engine.formatting import duration, signed_usd, usd
from decider.engine.presets import APPLY, apply_preset
from decider.models import Scenario
from decider.reports.pdf import render_scenario_pdf
from tests.engine.seed import seed_pools, seed_workflow


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return _squeezed("".join(page.extract_text() for page in reader.pages))


def _money_figures(analysis: Analysis) -> list[str]:
    money = analysis.plan.money
    figures = [f"{signed_usd(money.added_usd_per_month)} per month"]
    if money.saved_s_per_pipeline is not None:
        figures.append(duration(money.saved_s_per_pipeline))
    if money.net_usd_per_month is not None:
        figures.append(signed_usd(money.net_usd_per_month))
    return figures


def _assert_one_plan(analysis: Analysis) -> None:
    """The engine's own readers of the plan: the verdict and the ask."""
    plan = analysis.plan
    if analysis.decision is not None:
        assert analysis.decision.added_usd_per_month == plan.money.added_usd_per_month
        assert analysis.decision.additions == {
            name: n for name, n in plan.money.added_runners.items() if n > 0
        }
        if analysis.decision.simulation is not None and plan.planned and plan.today:
            simulated = analysis.decision.simulation
            assert simulated.proposed_p90_wall_clock_s == plan.planned.p90_wall_clock_s
            assert simulated.current_p90_wall_clock_s == plan.today.p90_wall_clock_s
    assert plan.money.added_usd_per_month == sum(pool.change_usd_per_month for pool in plan.pools)
    text = ask(analysis)
    if plan.money.added_runners and plan.no_verdict is None:
        assert usd(abs(plan.money.added_usd_per_month)) in text
    html = _squeezed(render_to_string("panels/_costs.html", {"results": build_results(analysis)}))
    if plan.no_verdict is None:
        for figure in _money_figures(analysis):
            assert _squeezed(figure) in html


@pytest.mark.django_db
def test_the_page_comparison_json_and_pdf_carry_the_demo_plans_figures(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    demo_scenario.inputs = {
        **demo_scenario.inputs,
        "pipelines_per_month": 900,
        "pipelines_per_hour": 2,
        "loaded_usd_per_hour": 100,
        "growth_pct_per_month": 10,
    }
    demo_scenario.snapshot = None  # recomputed from today's data with the money inputs
    demo_scenario.save()
    analysis = analyse_saved(demo_scenario).results.analysis
    _assert_one_plan(analysis)
    plan = analysis.plan
    figures = [_squeezed(f) for f in _money_figures(analysis)] + [_squeezed(ask(analysis))]
    # Each sized pool's runner chart marks the plan's count, its price and its wait.
    charted = [pool for pool in plan.pools if pool.marginal]
    assert charted and plan.planned is not None
    for pool in charted:
        figures.append(_squeezed(f"{usd(pool.recommended_usd_per_month)}/month"))
        figures.append(_squeezed(duration(plan.planned.p90_wait_s[pool.name])))

    # Which assumption matters: its sentence and every swing's figures.
    assert analysis.sensitivity is not None and analysis.sensitivity.swings
    figures.append(_squeezed(analysis.sensitivity.summary))
    for swing in analysis.sensitivity.swings:
        figures += [_squeezed(swing.range_text), _squeezed(signed_usd(swing.net_at_high_usd))]

    # When growth breaks it: its sentence and the last month's runners and price.
    assert analysis.growth is not None and analysis.growth.months
    figures.append(_squeezed(analysis.growth.summary))
    figures.append(_squeezed(usd(analysis.growth.months[-1].usd_per_month)))

    # The options: the summary, each pool's recommendation and every option's price and wall
    # clock, as the table writes them.
    options = analysis.options
    assert options is not None and options.missing is None and options.pools
    figures.append(_squeezed(options.summary))
    for pool in options.pools:
        figures.append(_squeezed(pool.recommendation))
        for option in pool.options:
            figures.append(_squeezed(option.name))
            if option.usd_per_month is not None:
                figures.append(_squeezed(usd(option.usd_per_month)))
            if option.p90_wall_clock_s is not None:
                figures.append(_squeezed(duration(option.p90_wall_clock_s)))

    page = _squeezed(
        html.unescape(
            demo_editor.get(reverse("scenario", args=[demo_scenario.pk])).content.decode()
        )
    )
    pdf = _pdf_text(render_scenario_pdf(demo_scenario))
    for figure in figures:
        assert figure in page
        assert figure in pdf
    # Page 1 of the PDF names the idle saving the best case and gives the plan's loaded one.
    assert plan.money.saved_s_per_pipeline is not None
    assert _squeezed("One pipeline alone on idle runners (the best case)") in pdf
    loaded = duration(plan.money.saved_s_per_pipeline)
    assert _squeezed(f"the plan saves {loaded} per pipeline on average") in pdf

    out = io.StringIO()
    call_command("analyze", "--scenario", str(demo_scenario.pk), "--json", stdout=out)
    reported = json.loads(out.getvalue())
    assert reported["plan"] == plan.model_dump(mode="json")
    assert reported["sensitivity"] == analysis.sensitivity.model_dump(mode="json")
    assert reported["growth"] == analysis.growth.model_dump(mode="json")
    assert reported["options"] == options.model_dump(mode="json")

    copy = demo_editor.post(reverse("scenario_duplicate", args=[demo_scenario.pk]))
    assert copy.status_code == 302
    other = Scenario.objects.exclude(pk=demo_scenario.pk).get()
    compared = demo_editor.get(reverse("scenario_compare"), {"id": [demo_scenario.pk, other.pk]})
    assert compared.status_code == 200
    rows = {row.label: row for row in compared.context["table"].rows}
    assert (
        rows["Change in runner cost per month"].texts
        == [signed_usd(plan.money.added_usd_per_month)] * 2
    )
    assert rows["Net benefit per month"].texts == [signed_usd(plan.money.net_usd_per_month)] * 2
    assert rows["The ask"].texts == [ask(analysis)] * 2


@pytest.mark.parametrize("preset", sorted(APPLY))
def test_every_preset_has_one_plan(preset: str) -> None:
    workflow = seed_workflow()
    scenario = engine_inputs.Scenario(pipelines_per_month=600, loaded_usd_per_hour=90)
    scenario = apply_preset(workflow, scenario, preset)
    _assert_one_plan(analyze(workflow, seed_pools(), scenario))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    medium=st.integers(1, 6),
    small=st.integers(1, 6),
    per_hour=st.one_of(st.none(), st.floats(0.5, 6)),
    per_month=st.one_of(st.none(), st.floats(0, 5000)),
    usd_per_hour=st.one_of(st.none(), st.floats(0, 200)),
    target=st.sampled_from([30.0, 60.0, 300.0]),
)
def test_generated_scenarios_have_one_plan(
    medium: int,
    small: int,
    per_hour: float | None,
    per_month: float | None,
    usd_per_hour: float | None,
    target: float,
) -> None:
    workflow = seed_workflow()
    scenario = engine_inputs.Scenario(
        runners={"medium": medium, "small": small},
        pipelines_per_hour=per_hour,
        pipelines_per_month=per_month,
        loaded_usd_per_hour=usd_per_hour,
        target_queue_wait_s=target,
        simulated_pipelines=60,
    )
    scenario = apply_preset(workflow, scenario, "parallel")
    _assert_one_plan(analyze(workflow, seed_pools(), scenario))


@pytest.mark.django_db
def test_the_comparison_says_never_when_a_plan_does_not_pay_back(demo_scenario: Scenario) -> None:
    demo_scenario.inputs = {
        **demo_scenario.inputs,
        "pipelines_per_month": 1,
        "loaded_usd_per_hour": 1,
    }
    demo_scenario.snapshot = None
    demo_scenario.save()
    saved = analyse_saved(demo_scenario)
    assert saved.results.analysis.plan.money.payback == "never"
    rows = {row.label: row for row in comparison_table([saved, saved]).rows}
    assert rows["Payback"].texts == ["never", "never"]
    assert comparison_table([saved, saved]).money_missing == []


@pytest.mark.django_db
def test_the_comparison_says_why_its_money_rows_are_not_available(demo_scenario: Scenario) -> None:
    saved = analyse_saved(demo_scenario)  # the demo gives no pipelines per month or $/hour
    table = comparison_table([saved, saved])
    rows = {row.label: row for row in table.rows}
    assert rows["Net benefit per month"].texts == ["n/a", "n/a"]
    expected = f"{demo_scenario.name}: needs pipelines per month and loaded $/hour"
    assert table.money_missing == [expected, expected]
    html = render_to_string("panels/_comparison.html", {"table": table})
    assert "n/a in the money rows" in html and expected in html
