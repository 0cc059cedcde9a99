"""HTML input: uploads, pools and repositories. The importers parse the files themselves."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from decider.models import RunnerPool, Team, Workflow

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for `<input type=file multiple>`: a list of files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            files = [single_clean(item, initial) for item in data]
        else:
            files = [single_clean(data, initial)]
        for upload in files:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is {upload.size // 1024 // 1024} MB; the limit is 20 MB."
                )
        return files


def read_uploads(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    return [(upload.name or "upload", upload.read()) for upload in files]


class WorkflowUploadForm(forms.Form):
    files = MultipleFileField(
        label="Workflow YAML files",
        help_text="The workflow, plus any local reusable workflows it calls (they are expanded).",
    )


class RunsUploadForm(forms.Form):
    files = MultipleFileField(
        label="Run data",
        help_text=(
            "GitHub REST 'list jobs for a workflow run' JSON (one or more pages), a job or run "
            "object, `gh run view --json jobs` output, saved workflow_job webhook deliveries, "
            "or CSV."
        ),
    )
    workflow = forms.ModelChoiceField(
        queryset=Workflow.objects.none(),
        required=False,
        empty_label="Detect from the data",
    )

    def __init__(self, *args: Any, workflows: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if workflows is not None:
            self.fields["workflow"].queryset = workflows


class PoolsUploadForm(forms.Form):
    file = forms.FileField(
        label="Runner pools CSV",
        help_text=(
            "Columns: name, labels, runners, monthly_cost_usd_per_runner, baseline_utilization."
        ),
    )


class RunnerPoolForm(forms.ModelForm):
    labels = forms.CharField(
        help_text="Space-separated, e.g. 'self-hosted linux medium'. Matching ignores case."
    )
    baseline_utilization = forms.FloatField(
        min_value=0, max_value=1, help_text="0..1: the share of the pool busy with other work."
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

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not REPOSITORY_NAME.match(name):
            raise forms.ValidationError("Use owner/name, e.g. tactivos/mural-api.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        team, name = cleaned.get("team"), cleaned.get("name")
        if team and name and team.repositories.filter(name=name).exists():
            self.add_error("name", f"{team} already has {name}.")
        return cleaned


class ScenarioSaveForm(forms.Form):
    """Name, note and the version being edited (optimistic locking) of a saved scenario."""

    name = forms.CharField(max_length=200)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the scenario a name.")
        return name
