"""The dashboard: the user's teams, their repositories and pools, and adding a repository."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from decider.adapter.alerts import firing_for_teams, firing_sentence
from decider.importers.webhook_deliveries import adopt_waiting_deliveries
from decider.models import Repository
from decider.web import access
from decider.web.forms.inventory import RepositoryForm
from decider.web.request import AuthenticatedHttpRequest


def _dashboard(request: AuthenticatedHttpRequest, repository_form: RepositoryForm) -> HttpResponse:
    """One context for the page and for an "add repository" that needs correcting."""
    repositories = Repository.objects.annotate(workflow_count=Count("workflows"))
    teams = (
        access.teams(request)
        .annotate(scenario_count=Count("scenarios", distinct=True))
        .prefetch_related(
            "pools", Prefetch("repositories", queryset=repositories, to_attr="repository_list")
        )
    )
    context = {
        "teams": teams,
        "repository_form": repository_form,
        "alerts": [
            (event, firing_sentence(event)) for event in firing_for_teams(access.teams(request))
        ],
    }
    return render(request, "decider/dashboard.html", context)


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _dashboard(request, RepositoryForm(teams=access.editor_teams(request)))


@login_required
@require_POST
def repository_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RepositoryForm(request.POST, teams=access.editor_teams(request))
    if not access.editor_teams(request).exists():
        raise PermissionDenied("Viewers cannot add repositories.")
    if not form.is_valid():
        return _dashboard(request, form)
    with transaction.atomic():
        repository = Repository.objects.create(
            team=form.cleaned_data["team"], name=form.cleaned_data["name"]
        )
        adopt_waiting_deliveries(repository)
    messages.success(request, f"Added {repository.name}. Import its workflow next.")
    return redirect("repository", repository_id=repository.pk)
