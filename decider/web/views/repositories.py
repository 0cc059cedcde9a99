"""A repository's page: its workflows, their jobs and measured runs, and the uploads.

Uploads parse first (nothing written), then store in one transaction; refusals are shown
next to the form that sent them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from decider.adapter.overview import workflow_overview
from decider.adapter.saved import listed_scenarios
from decider.importers.job_runs import parse_runs
from decider.importers.problems import ImportRefused, Problem
from decider.importers.store import (
    WorkflowChoiceError,
    store_runs,
    store_workflows,
    workflow_for_runs,
)
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import Repository
from decider.web import access
from decider.web.forms.uploads import RunsUploadForm, WorkflowUploadForm, read_uploads
from decider.web.request import AuthenticatedHttpRequest

RECENT_SCENARIOS = 3


def _render_repository(
    request: AuthenticatedHttpRequest,
    repository: Repository,
    *,
    workflow_form: WorkflowUploadForm | None = None,
    runs_form: RunsUploadForm | None = None,
    workflow_problems: list[Problem] | None = None,
    runs_problems: list[Problem] | None = None,
) -> HttpResponse:
    workflows = repository.workflows.all()
    overviews = [workflow_overview(workflow) for workflow in workflows]
    # The latest few saved scenarios per workflow with their key figures; the full list is a
    # link away.
    recent = [
        listed_scenarios(list(workflow.scenarios.all()[:RECENT_SCENARIOS]), RECENT_SCENARIOS)
        for workflow in workflows
    ]
    context = {
        "repository": repository,
        "can_edit": access.is_editor(request, repository.team),
        "overviews": overviews,
        "sections": list(zip(overviews, recent, strict=True)),
        "workflow_form": workflow_form or WorkflowUploadForm(),
        "runs_form": runs_form or RunsUploadForm(workflows=workflows),
        "workflow_problems": workflow_problems or [],
        "runs_problems": runs_problems or [],
    }
    return render(request, "decider/repository.html", context)


@login_required
@require_GET
def repository_detail(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    return _render_repository(request, access.repository_or_404(request, repository_id))


@login_required
@require_POST
def workflow_upload(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    form = WorkflowUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_repository(request, repository, workflow_form=form)
    try:
        records = parse_workflow_files(
            read_uploads(form.cleaned_data["files"]), repository=repository.name
        )
    except ImportRefused as refused:
        return _render_repository(
            request, repository, workflow_form=form, workflow_problems=refused.problems
        )
    for report in store_workflows(repository, records):
        messages.success(request, report.summary())
        for warning in report.warnings:
            messages.warning(request, f"{report.workflow.path}: {warning}")
    return redirect("repository", repository_id=repository.pk)


@login_required
@require_POST
def runs_upload(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    form = RunsUploadForm(request.POST, request.FILES, workflows=repository.workflows.all())
    if not form.is_valid():
        return _render_repository(request, repository, runs_form=form)
    try:
        run_import = parse_runs(read_uploads(form.cleaned_data["files"]))
        workflow = form.cleaned_data["workflow"] or workflow_for_runs(repository, run_import)
    except ImportRefused as refused:
        return _render_repository(
            request, repository, runs_form=form, runs_problems=refused.problems
        )
    except WorkflowChoiceError as error:
        form.add_error("workflow", str(error))
        return _render_repository(request, repository, runs_form=form)
    report = store_runs(workflow, run_import)
    messages.success(request, report.summary())
    for warning in report.warnings:
        messages.warning(request, warning)
    return redirect("repository", repository_id=repository.pk)
