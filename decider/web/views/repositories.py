"""A repository's page: its workflows, their jobs and measured runs, and the uploads.

Uploads parse first (nothing written), then store in one transaction; refusals are shown
next to the form that sent them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decider.adapter.deletions import (
    delete_repository,
    delete_workflow,
    kept_by_deleting,
    kept_sentence,
)
from decider.adapter.measured import WINDOW_CHOICES, team_load, window_days
from decider.adapter.overview import repository_overviews
from decider.adapter.saved import listed_scenarios
from decider.adapter.whatif import WhatIf
from decider.importers.job_runs import open_runs
from decider.importers.problems import ImportRefused, Problem
from decider.importers.store import (
    WorkflowChoiceError,
    store_runs,
    store_workflows,
    workflow_for_runs,
)
from decider.importers.webhook_deliveries import reread_after_import
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import Repository, Scenario, WebhookEndpoint
from decider.web import access
from decider.web.forms.uploads import (
    MAX_REQUEST_UPLOAD_BYTES,
    RunsUploadForm,
    WorkflowUploadForm,
    open_uploads,
    read_uploads,
    too_large_message,
)
from decider.web.request import AuthenticatedHttpRequest
from decider.web.views.github import sync_context

RECENT_SCENARIOS = 3
RECENT_DELIVERIES = 20


def _webhook(request: AuthenticatedHttpRequest, repository: Repository) -> dict[str, object]:
    endpoint = WebhookEndpoint.objects.serving(repository)
    return {
        "endpoint": endpoint,
        "url": request.build_absolute_uri(reverse("github_webhook", args=[endpoint.token]))
        if endpoint
        else "",
        "deliveries": list(repository.webhook_deliveries.all()[:RECENT_DELIVERIES]),
    }


def _render_repository(
    request: AuthenticatedHttpRequest,
    repository: Repository,
    *,
    workflow_form: WorkflowUploadForm | None = None,
    runs_form: RunsUploadForm | None = None,
    workflow_problems: list[Problem] | None = None,
    runs_problems: list[Problem] | None = None,
) -> HttpResponse:
    days = window_days(request.GET.get("days"))
    workflows = list(
        repository.workflows.select_related("repository__team").annotate(
            scenario_count=Count("scenarios")
        )
    )
    analysed = repository_overviews(workflows)
    overviews = [overview for overview, _ in analysed]
    todays: dict[int | None, WhatIf | None] = {
        overview.workflow.pk: whatif for overview, whatif in analysed
    }
    # The latest few saved scenarios per workflow with their key figures; the full list is a
    # link away. One query for every workflow's scenarios.
    scenarios: dict[int | None, list[Scenario]] = {workflow.pk: [] for workflow in workflows}
    for row in Scenario.objects.filter(team=repository.team, workflow__in=workflows).select_related(
        "workflow__repository__team", "created_by", "updated_by"
    ):
        scenarios[row.workflow_id].append(row)
    recent = [
        listed_scenarios(scenarios[workflow.pk][:RECENT_SCENARIOS], RECENT_SCENARIOS, todays)
        for workflow in workflows
    ]
    context = {
        **sync_context(request, repository),
        "overviews": overviews,
        "sections": list(zip(overviews, recent, strict=True)),
        "workflow_form": workflow_form or WorkflowUploadForm(),
        "runs_form": runs_form or RunsUploadForm(workflows=repository.workflows.all()),
        "workflow_problems": workflow_problems or [],
        "runs_problems": runs_problems or [],
        "webhook": _webhook(request, repository),
        "load": team_load(repository.team, days),
        "window_days": days,
        "window_choices": WINDOW_CHOICES,
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
    with transaction.atomic():
        reports = store_workflows(repository, records)
        reread_after_import(repository)
    for report in reports:
        messages.success(request, report.summary())
        for warning in report.warnings:
            messages.warning(request, f"{report.workflow.path}: {warning}")
    return redirect("repository", repository_id=repository.pk)


@login_required
@require_POST
def runs_upload(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    if _declared_length(request) > MAX_REQUEST_UPLOAD_BYTES:
        # Refused before Django reads the body into temporary files.
        problem = Problem(message=too_large_message(_declared_length(request)))
        return _render_repository(request, repository, runs_problems=[problem])
    form = RunsUploadForm(request.POST, request.FILES, workflows=repository.workflows.all())
    if not form.is_valid():
        return _render_repository(request, repository, runs_form=form)
    try:
        upload = open_runs(open_uploads(form.cleaned_data["files"]))
        workflow = form.cleaned_data["workflow"] or workflow_for_runs(
            repository, upload.runs, upload.sample()
        )
        report = store_runs(workflow, upload)
    except ImportRefused as refused:
        return _render_repository(
            request, repository, runs_form=form, runs_problems=refused.problems
        )
    except WorkflowChoiceError as error:
        form.add_error("workflow", str(error))
        return _render_repository(request, repository, runs_form=form)
    messages.success(request, report.summary())
    for warning in report.warnings:
        messages.warning(request, warning)
    return redirect("repository", repository_id=repository.pk)


def _delete_page(request: AuthenticatedHttpRequest, context: dict[str, object]) -> HttpResponse:
    return render(request, "decider/inventory_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workflow_delete(request: AuthenticatedHttpRequest, workflow_id: int) -> HttpResponse:
    """GET asks for confirmation, saying what goes and what stays; POST deletes. Saved
    scenarios of the workflow stay, with the figures they show now (`adapter.deletions`)."""
    workflow = access.workflow_or_404(request, workflow_id)
    team = workflow.repository.team
    access.require_editor(request, team)
    if request.method == "GET":
        context = {
            "what": f"workflow {workflow.name} ({workflow.path})",
            "goes": f"the workflow with its jobs ({workflow.jobs.count()}) and imported "
            f"workflow runs ({workflow.runs.count()}) with their job runs",
            "kept": kept_by_deleting(Scenario.objects.filter(team=team, workflow=workflow)),
            "scenarios_url": reverse("workflow_scenarios", args=[workflow.pk]),
            "back_url": reverse("repository", args=[workflow.repository_id]),
        }
        return _delete_page(request, context)
    kept = delete_workflow(workflow)
    messages.success(request, f"Deleted workflow {workflow.name}.{kept_sentence(kept)}")
    return redirect("repository", repository_id=workflow.repository_id)


@login_required
@require_http_methods(["GET", "POST"])
def repository_delete(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    """Like a workflow: its workflows go, their saved scenarios stay."""
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    if request.method == "GET":
        scenarios = Scenario.objects.filter(team=repository.team, workflow__repository=repository)
        context = {
            "what": f"repository {repository.name}",
            "goes": f"the repository with its workflows ({repository.workflows.count()}), "
            "their jobs and imported runs",
            "kept": kept_by_deleting(scenarios),
            "scenarios_url": reverse("team_scenarios", args=[repository.team.slug]),
            "back_url": reverse("repository", args=[repository.pk]),
        }
        return _delete_page(request, context)
    kept = delete_repository(repository)
    messages.success(request, f"Deleted repository {repository.name}.{kept_sentence(kept)}")
    return redirect("dashboard")


def _declared_length(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
