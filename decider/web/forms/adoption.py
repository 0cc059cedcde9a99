"""Adopting a saved scenario version: when it went live, who approved it, the budget."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from decider.engine import limits

EARLIEST_LIVE_ON = date(2000, 1, 1)


class AdoptionForm(forms.Form):
    live_on = forms.DateField(
        label="Went live on",
        help_text="The day (UTC) the change reached the default branch, e.g. 2026-11-02.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give a date as YYYY-MM-DD, e.g. 2026-11-02."},
    )
    approved_by = forms.CharField(
        max_length=200,
        help_text="Who approved the change and its budget.",
        error_messages={"required": "Say who approved the change."},
    )
    budget_usd_per_month = forms.DecimalField(
        label="Budget approved ($ per month)",
        min_value=0,
        max_value=limits.MAX_BUDGET_USD_PER_MONTH,
        max_digits=12,
        decimal_places=2,
        help_text="The runner spend approved for the change, in $ per month.",
        error_messages={
            "min_value": "A budget cannot be negative.",
            "max_value": f"At most ${limits.MAX_BUDGET_USD_PER_MONTH:,.0f} per month.",
            "invalid": "Give an amount in $ per month, e.g. 600.",
        },
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_live_on(self) -> date:
        live_on: date = self.cleaned_data["live_on"]
        if live_on > timezone.now().date():
            raise forms.ValidationError(
                "The change has to have gone live already: give today's date or an earlier one."
            )
        if live_on < EARLIEST_LIVE_ON:
            raise forms.ValidationError("Give a date from the year 2000 on.")
        return live_on
