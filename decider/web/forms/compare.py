"""Which saved scenarios to compare: 2 to 4 of the ones the user may see, in the order given."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from decider.models import Scenario

MIN_COMPARED, MAX_COMPARED = 2, 4
UNKNOWN = "unknown"  # the error code for an id outside the user's scenarios


class CompareForm(forms.Form):
    id = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, scenarios: QuerySet[Scenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scenarios = scenarios

    def clean_id(self) -> list[Scenario]:
        values = [str(value) for value in dict.fromkeys(self.cleaned_data["id"] or [])]
        if not MIN_COMPARED <= len(values) <= MAX_COMPARED:
            raise forms.ValidationError(
                f"Choose {MIN_COMPARED} to {MAX_COMPARED} scenarios to compare."
            )
        if not all(value.isdigit() for value in values):
            raise forms.ValidationError("Scenario ids are numbers.")
        ids = [int(value) for value in values]
        found = self.scenarios.select_related(
            "workflow__repository__team", "team", "created_by", "updated_by"
        ).in_bulk(ids)
        missing = [str(scenario_id) for scenario_id in ids if scenario_id not in found]
        if missing:
            # Another team's scenario looks exactly like one that does not exist.
            raise forms.ValidationError(f"No scenario with id {', '.join(missing)}.", code=UNKNOWN)
        return [found[scenario_id] for scenario_id in ids]

    @property
    def refusal(self) -> str:
        return " ".join(str(error) for error in self.errors.get("id", []))
