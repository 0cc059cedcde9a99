from __future__ import annotations

import pytest
from django import forms

from decider.engine import inputs as engine_inputs
from decider.engine.presets import apply_preset
from decider.web.forms.scenario import ScenarioForm, form_data, format_overrides, parse_overrides
from tests.engine.seed import seed_pools, seed_workflow


def test_overrides_read_seconds_changes_and_percentages_in_order() -> None:
    steps = parse_overrides("300, -90 s, -20%", job_id=3)
    assert [(s.seconds, s.delta_s, s.percent_change) for s in steps] == [
        (300, None, None),
        (None, -90, None),
        (None, None, -20),
    ]
    assert format_overrides(steps) == "300, -90 s, -20%"
    assert parse_overrides("  ", job_id=3) == []


@pytest.mark.parametrize(("text", "message"), [("fast", "use seconds"), ("-150%", "100%")])
def test_bad_overrides_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(forms.ValidationError, match=message):
        parse_overrides(text, job_id=0)


def test_a_scenario_survives_the_round_trip_through_the_form() -> None:
    workflow, pools = seed_workflow(), seed_pools()
    scenario = apply_preset(workflow, engine_inputs.Scenario(milestone=[6, 7]), "cache_sharing")
    scenario = apply_preset(workflow, scenario, "parallel")
    scenario = scenario.model_copy(
        update={
            "statistic": "median",
            "trigger": "pull_request",
            "runners": {"medium": 5},
            "utilization": {"small": 0.25},
            "usd_per_runner": {"medium": 120.0},
            "estimates": [engine_inputs.Estimate(job=4, seconds=240)],
            "pipelines_per_hour": 3.0,
            "pipelines_per_month": 900.0,
            "loaded_usd_per_hour": 95.0,
        }
    )
    form = ScenarioForm(form_data(scenario, workflow, pools), workflow=workflow, pools=pools)
    assert form.is_valid(), form.errors
    again = form.cleaned_data["scenario"]
    assert again.model_dump(exclude={"presets"}) == scenario.model_dump(exclude={"presets"})
    assert [p.name for p in again.presets] == [p.name for p in scenario.presets]


def test_a_rate_is_required_when_pipelines_arrive_per_hour() -> None:
    workflow, pools = seed_workflow(), seed_pools()
    data = form_data(engine_inputs.Scenario(), workflow, pools) | {"concurrency": "per_hour"}
    form = ScenarioForm(data, workflow=workflow, pools=pools)
    assert not form.is_valid()
    assert "pipelines_per_hour" in form.errors
