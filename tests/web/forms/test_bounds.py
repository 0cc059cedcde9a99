"""The what-if form refuses numbers beyond engine/limits.py at the field, and says the limit."""

import pytest

from decider.engine.inputs import Scenario
from decider.web.forms.scenario import ScenarioForm, form_data
from tests.engine.seed import seed_pools, seed_workflow


def _form(**changes: object) -> ScenarioForm:
    workflow, pools = seed_workflow(), seed_pools()
    data = form_data(Scenario(), workflow, pools)
    data.update(changes)
    return ScenarioForm(data, workflow=workflow, pools=pools)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("runners_1", "1000000000", "less than or equal to 1000"),
        ("price_1", "1e300", "less than or equal to 100000"),
        ("pipelines_at_once", "1000000", "less than or equal to 50"),
        ("pipelines_per_hour", "1000000000", "less than or equal to 1000"),
        ("pipelines_per_month", "1e12", "less than or equal to 1000000"),
        ("people_waiting", "1e9", "less than or equal to 1000"),
        ("loaded_usd_per_hour", "1e300", "less than or equal to 10000"),
        ("target_queue_wait_s", "1e300", "less than or equal to 259200"),
        ("override_3", "1e300", "use seconds"),
        ("override_3", "999999999", "at most 259,200 seconds (72 h)"),
        ("override_3", "+5000%", "grow by at most 1000%"),
        ("override_3", ", ".join(["-1%"] * 11), "at most 10 steps"),
    ],
)
def test_numbers_beyond_the_limits_are_refused_at_the_field(
    field: str, value: str, message: str
) -> None:
    mode = {"pipelines_at_once": "at_once", "pipelines_per_hour": "per_hour"}.get(field, "one")
    form = _form(**{field: value, "concurrency": mode})

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_limits_are_in_the_help_texts() -> None:
    form = _form()

    assert form.fields["runners_1"].help_text == "0 to 1,000 runners."
    assert form.fields["pipelines_at_once"].help_text == "1 to 50 pipelines."
    assert form.fields["pipelines_per_hour"].help_text == "Up to 1,000 pipelines per hour."
    assert "72 h" in form.fields["target_queue_wait_s"].help_text
