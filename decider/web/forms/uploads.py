"""Upload forms for workflows, run data and pools. The importers parse the files themselves."""

from __future__ import annotations

from typing import Any, BinaryIO

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from decider.models import Workflow

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# All files of one upload together: a year of a busy repository's runs as CSV (about 11 MB per
# million job runs) fits; more is several uploads. Checked on the request's length before
# Django spools the files, and on the files themselves.
MAX_REQUEST_UPLOAD_BYTES = 50 * 1024 * 1024


def too_large_message(size: int) -> str:
    return (
        f"These files are {size / 1024 / 1024:.1f} MB together; one upload takes at most "
        f"{MAX_REQUEST_UPLOAD_BYTES // 1024 // 1024} MB. Upload them in several goes "
        "(re-importing the same runs adds nothing)."
    )


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
                    f"{upload.name} is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                    f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB per file. Split it (e.g. one file "
                    "per month) and upload the parts."
                )
        total = sum(upload.size or 0 for upload in files)
        if total > MAX_REQUEST_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(total))
        return files


def read_uploads(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    return [(upload.name or "upload", upload.read()) for upload in files]


def open_uploads(files: list[UploadedFile]) -> list[tuple[str, BinaryIO]]:
    """The files as streams (Django spools large ones to disk), for importers that read as
    they store."""
    return [(upload.name or "upload", upload.file) for upload in files]  # type: ignore[misc]


# The field is named `files` (the name browsers post); Django's form metaclass moves declared
# fields into `base_fields`, so `form.files` is still the uploaded-files dict at run time.


class WorkflowUploadForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label="Workflow YAML files",
        help_text="The workflow, plus any local reusable workflows it calls (they are expanded).",
    )


class RunsUploadForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label="Run data",
        help_text=(
            "GitHub REST 'list jobs for a workflow run' JSON (one or more pages), a job or run "
            "object, `gh run view --json jobs` output, saved workflow_job webhook deliveries, "
            "or CSV with the columns run_id, job, duration_s or job, started_at, completed_at "
            "(optionally created_at, runner_labels, run_id, runner_name). Either CSV may add "
            "conclusion: success, failure, cancelled, timed_out, skipped or another of "
            "GitHub's words; an empty cell counts as success. Durations use successful runs; "
            "the others are counted and shown."
        ),
    )
    workflow = forms.ModelChoiceField(
        queryset=Workflow.objects.none(),
        required=False,
        empty_label="Detect from the data",
    )

    def __init__(
        self, *args: Any, workflows: QuerySet[Workflow] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workflow"]
        assert isinstance(field, forms.ModelChoiceField)
        if workflows is not None:
            field.queryset = workflows


class PoolsUploadForm(forms.Form):
    file = forms.FileField(
        label="Runner pools CSV",
        help_text=(
            "Columns: name, labels, runners, monthly_cost_usd_per_runner, baseline_utilization."
        ),
    )


class PricesUploadForm(forms.Form):
    file = forms.FileField(
        label="Rates CSV",
        help_text=(
            "Columns: size, usd_per_minute, effective_from (YYYY-MM-DD); optionally label, kind "
            "(github_hosted, vendor, platform_charge), vendor, effective_to, source, "
            "on_by_default (yes/no)."
        ),
    )
