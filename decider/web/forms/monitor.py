"""The monitor's filters: a GET form, so a filtered view is a link to share."""

from __future__ import annotations

from django import forms

from decider.adapter.monitor import DEFAULT_WINDOW_DAYS, WINDOW_CHOICES, Filters
from decider.engine.vocabulary import TRIGGERS


class MonitorFilterForm(forms.Form):
    branch = forms.CharField(
        required=False, max_length=300, help_text="Runs of this branch only; empty: every branch."
    )
    trigger = forms.ChoiceField(
        required=False, choices=[("", "Every trigger"), *TRIGGERS], label="Trigger"
    )
    days = forms.TypedChoiceField(
        label="Window",
        coerce=int,
        choices=[(days, f"Last {days} days") for days in WINDOW_CHOICES],
        initial=DEFAULT_WINDOW_DAYS,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Pick one of the windows listed."},
    )

    period = forms.ChoiceField(
        required=False,
        choices=[("day", "Day by day"), ("week", "Week by week")],
        label="Trends",
        error_messages={"invalid_choice": "Pick day by day or week by week."},
    )

    def filters(self) -> Filters:
        """The valid filters; a refused one falls back to its default (the form shows why)."""
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            branch=(data.get("branch") or "").strip(),
            trigger=data.get("trigger") or "",
            days=data.get("days") or DEFAULT_WINDOW_DAYS,
            period="week" if data.get("period") == "week" else "day",
        )
