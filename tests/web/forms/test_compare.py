"""The compare form: 2-4 of the user's scenarios, in the order asked for."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from decider.models import Scenario
from decider.web.forms.compare import UNKNOWN, CompareForm
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def _form(ids: list[object], scenarios) -> CompareForm:
    query = QueryDict(mutable=True)
    query.setlist("id", [str(value) for value in ids])
    return CompareForm(query, scenarios=scenarios)


def test_it_returns_the_scenarios_in_the_order_asked_for_once_each() -> None:
    first, second, third = ScenarioFactory(), ScenarioFactory(), ScenarioFactory()
    form = _form([third.pk, first.pk, third.pk, second.pk], Scenario.objects.all())
    assert form.is_valid()
    assert form.cleaned_data["id"] == [third, first, second]


@pytest.mark.parametrize("count", [0, 1, 5])
def test_it_needs_two_to_four(count: int) -> None:
    rows = [ScenarioFactory() for _ in range(count)]
    form = _form([row.pk for row in rows], Scenario.objects.all())
    assert not form.is_valid()
    assert form.refusal == "Choose 2 to 4 scenarios to compare."


def test_ids_are_numbers() -> None:
    form = _form(["a", "b"], Scenario.objects.all())
    assert not form.is_valid()
    assert form.refusal == "Scenario ids are numbers."


def test_a_scenario_outside_the_given_ones_is_unknown_and_named() -> None:
    mine, theirs = ScenarioFactory(), ScenarioFactory()
    form = _form([mine.pk, theirs.pk], Scenario.objects.filter(pk=mine.pk))
    assert not form.is_valid()
    assert form.has_error("id", UNKNOWN)
    assert form.refusal == f"No scenario with id {theirs.pk}."
