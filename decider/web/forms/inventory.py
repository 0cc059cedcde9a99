"""A team's inventory: its repositories and runner pools."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from decider.models import RunnerPool, Team

REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class RunnerPoolForm(forms.ModelForm):
    labels = forms.CharField(
        help_text="Space-separated, e.g. 'self-hosted linux medium'. Matching ignores case."
    )
    # Typed in percent, as every page shows it; stored as a share of one, as the engine reads it.
    baseline_utilization = forms.FloatField(
        label="Baseline utilization (%)",
        min_value=0,
        max_value=100,
        help_text="0-100: the share of the pool's runner time busy with other work.",
        error_messages={
            "min_value": "Give a percentage from 0 to 100.",
            "max_value": "Give a percentage from 0 to 100 (60 means 60%% busy).",
        },
    )

    class Meta:
        model = RunnerPool
        fields = [
            "name",
            "labels",
            "runners",
            "monthly_cost_usd_per_runner",
            "baseline_utilization",
        ]
        labels = {"monthly_cost_usd_per_runner": "$/month per runner"}

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        if self.instance.pk:
            self.initial["labels"] = " ".join(self.instance.labels)
            self.initial["baseline_utilization"] = round(
                self.instance.baseline_utilization * 100, 2
            )

    def clean_baseline_utilization(self) -> float:
        return self.cleaned_data["baseline_utilization"] / 100

    def clean_labels(self) -> list[str]:
        labels = self.cleaned_data["labels"].split()
        if not labels:
            raise forms.ValidationError("Give at least one label.")
        return labels

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = RunnerPool.objects.filter(team=self.team, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"This team already has a pool named {name}.")
        return name


class RepositoryForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    name = forms.CharField(max_length=200, help_text="owner/name, as on GitHub")

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams
        only = list(teams[:2])
        if len(only) == 1:  # one team to choose from: chosen already, no blank choice
            field.empty_label = None
            self.initial.setdefault("team", only[0].pk)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not REPOSITORY_NAME.match(name):
            raise forms.ValidationError("Use owner/name, e.g. tactivos/mural-api.")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        team, name = cleaned.get("team"), cleaned.get("name")
        if team and name and team.repositories.filter(name=name).exists():
            self.add_error("name", f"{team} already has {name}.")
        return cleaned
