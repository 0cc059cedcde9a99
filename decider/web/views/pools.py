"""A team's runner pools: the list, adding and editing one, and a CSV upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from decider.adapter.deletions import delete_pool, kept_by_deleting
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.problems import ImportRefused, Problem
from decider.importers.store import store_pools
from decider.models import RunnerPool, Team
from decider.web import access
from decider.web.forms.inventory import RunnerPoolForm
from decider.web.forms.uploads import PoolsUploadForm
from decider.web.request import AuthenticatedHttpRequest


def _render_pools(
    request: AuthenticatedHttpRequest,
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
def pools(request: AuthenticatedHttpRequest, team_slug: str) -> HttpResponse:
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
def pool_edit(request: AuthenticatedHttpRequest, team_slug: str, pool_id: int) -> HttpResponse:
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
def pools_upload(request: AuthenticatedHttpRequest, team_slug: str) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def pool_delete(request: AuthenticatedHttpRequest, team_slug: str, pool_id: int) -> HttpResponse:
    """GET asks for confirmation, saying what goes and what stays; POST deletes. Saved
    scenarios keep the pools they were computed with in their snapshots; versions saved
    before snapshots get one of today's data first (`adapter.deletions`)."""
    team = access.team_or_404(request, team_slug)
    pool = get_object_or_404(RunnerPool, team=team, pk=pool_id)
    access.require_editor(request, team)
    if request.method == "GET":
        context = {"team": team, "pool": pool, "kept": kept_by_deleting(team.scenarios.all())}
        return render(request, "decider/pool_delete.html", context)
    delete_pool(pool)
    messages.success(request, f"Deleted pool {pool.name}. Saved scenarios keep their figures.")
    return redirect("pools", team_slug=team.slug)
