"""Pages: dashboard, repository (workflows, jobs, uploads), runner pools.

Every object is looked up through the user's memberships: another team's object is a 404,
and a viewer's write is a 403. Uploads parse first (nothing written), then store in one
transaction; refusals are shown next to the form that sent them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decider import access
from decider.forms import (
    PoolsUploadForm,
    RepositoryForm,
    RunnerPoolForm,
    RunsUploadForm,
    WorkflowUploadForm,
    read_uploads,
)
from decider.importers.job_runs import parse_runs
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.problems import ImportRefused, Problem
from decider.importers.store import (
    WorkflowChoiceError,
    store_pools,
    store_runs,
    store_workflows,
    workflow_for_runs,
)
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import Repository, RunnerPool, Team
from decider.scenarios import workflow_overview


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    teams = access.teams(request).prefetch_related("pools")
    repositories = (
        Repository.objects.filter(team__in=teams)
        .select_related("team")
        .annotate(workflow_count=Count("workflows"))
    )
    form = RepositoryForm(teams=access.editor_teams(request))
    context = {"teams": teams, "repositories": repositories, "repository_form": form}
    return render(request, "decider/dashboard.html", context)


@login_required
@require_POST
def repository_create(request: HttpRequest) -> HttpResponse:
    form = RepositoryForm(request.POST, teams=access.editor_teams(request))
    if not access.editor_teams(request).exists():
        raise PermissionDenied("Viewers cannot add repositories.")
    if not form.is_valid():
        teams = access.teams(request)
        repositories = Repository.objects.filter(team__in=teams).select_related("team")
        context = {"teams": teams, "repositories": repositories, "repository_form": form}
        return render(request, "decider/dashboard.html", context)
    repository = Repository.objects.create(
        team=form.cleaned_data["team"], name=form.cleaned_data["name"]
    )
    messages.success(request, f"Added {repository.name}. Import its workflow next.")
    return redirect("repository", repository_id=repository.pk)


def _render_repository(
    request: HttpRequest,
    repository: Repository,
    *,
    workflow_form: WorkflowUploadForm | None = None,
    runs_form: RunsUploadForm | None = None,
    workflow_problems: list[Problem] | None = None,
    runs_problems: list[Problem] | None = None,
) -> HttpResponse:
    workflows = repository.workflows.all()
    context = {
        "repository": repository,
        "can_edit": access.is_editor(request, repository.team),
        "overviews": [workflow_overview(workflow) for workflow in workflows],
        "workflow_form": workflow_form or WorkflowUploadForm(),
        "runs_form": runs_form or RunsUploadForm(workflows=workflows),
        "workflow_problems": workflow_problems or [],
        "runs_problems": runs_problems or [],
    }
    return render(request, "decider/repository.html", context)


@login_required
@require_GET
def repository_detail(request: HttpRequest, repository_id: int) -> HttpResponse:
    return _render_repository(request, access.repository_or_404(request, repository_id))


@login_required
@require_POST
def workflow_upload(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    form = WorkflowUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_repository(request, repository, workflow_form=form)
    try:
        records = parse_workflow_files(read_uploads(form.cleaned_data["files"]))
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
def runs_upload(request: HttpRequest, repository_id: int) -> HttpResponse:
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


def _render_pools(
    request: HttpRequest,
    team: Team,
    *,
    pool_form: RunnerPoolForm | None = None,
    upload_form: PoolsUploadForm | None = None,
    upload_problems: list[Problem] | None = None,
) -> HttpResponse:
    context = {
        "team": team,
        "pools": team.pools.all(),
        "can_edit": access.is_editor(request, team),
        "pool_form": pool_form or RunnerPoolForm(team=team),
        "upload_form": upload_form or PoolsUploadForm(),
        "upload_problems": upload_problems or [],
    }
    return render(request, "decider/pools.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pools(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    if request.method == "GET":
        return _render_pools(request, team)
    access.require_editor(request, team)
    form = RunnerPoolForm(request.POST, team=team)
    if not form.is_valid():
        return _render_pools(request, team, pool_form=form)
    pool = form.save(commit=False)
    pool.team = team
    pool.save()
    messages.success(request, f"Added pool {pool.name}.")
    return redirect("pools", team_slug=team.slug)


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request: HttpRequest, team_slug: str, pool_id: int) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    pool = get_object_or_404(RunnerPool, team=team, pk=pool_id)
    if request.method == "POST":
        access.require_editor(request, team)
    form = RunnerPoolForm(request.POST or None, instance=pool, team=team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved pool {pool.name}.")
        return redirect("pools", team_slug=team.slug)
    can_edit = access.is_editor(request, team)
    context = {"team": team, "pool": pool, "form": form, "can_edit": can_edit}
    return render(request, "decider/pool_edit.html", context)


@login_required
@require_POST
def pools_upload(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    access.require_editor(request, team)
    form = PoolsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_pools(request, team, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        records = parse_pools_csv(upload.name or "pools.csv", upload.read())
    except ImportRefused as refused:
        return _render_pools(request, team, upload_form=form, upload_problems=refused.problems)
    messages.success(request, store_pools(team, records).summary())
    return redirect("pools", team_slug=team.slug)
