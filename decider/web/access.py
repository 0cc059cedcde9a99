"""Who may see and change what. Every view looks objects up through these helpers.

A user sees only their teams' rows (another team's object is a 404, never a 403 that would
confirm it exists); only editors write (a viewer's write is a 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from decider.models import Membership, Repository, Scenario, ScenarioVersion, Team, Workflow
from decider.web.request import AuthenticatedHttpRequest


def teams(request: AuthenticatedHttpRequest) -> QuerySet[Team]:
    return Team.objects.for_user(request.user)


def editor_teams(request: AuthenticatedHttpRequest) -> QuerySet[Team]:
    return Team.objects.edited_by(request.user)


def is_editor(request: AuthenticatedHttpRequest, team: Team) -> bool:
    return team.memberships.filter(user=request.user, role=Membership.Role.EDITOR).exists()


def require_editor(request: AuthenticatedHttpRequest, team: Team) -> None:
    if not is_editor(request, team):
        raise PermissionDenied("Viewers cannot change this team's data.")


def team_or_404(request: AuthenticatedHttpRequest, slug: str) -> Team:
    return get_object_or_404(teams(request), slug=slug)


def repository_or_404(request: AuthenticatedHttpRequest, repository_id: int) -> Repository:
    return get_object_or_404(
        Repository.objects.filter(team__in=teams(request)).select_related("team"),
        pk=repository_id,
    )


def workflow_or_404(request: AuthenticatedHttpRequest, workflow_id: int) -> Workflow:
    return get_object_or_404(
        Workflow.objects.filter(repository__team__in=teams(request)).select_related(
            "repository__team"
        ),
        pk=workflow_id,
    )


def scenarios(request: AuthenticatedHttpRequest) -> QuerySet[Scenario]:
    return Scenario.objects.filter(team__in=teams(request))


def scenario_or_404(request: AuthenticatedHttpRequest, scenario_id: int) -> Scenario:
    return get_object_or_404(
        scenarios(request).select_related("workflow__repository__team", "created_by", "updated_by"),
        pk=scenario_id,
    )


def version_or_404(scenario: Scenario, number: int) -> ScenarioVersion:
    """A version of a scenario already looked up through the user's teams."""
    return get_object_or_404(scenario.versions.select_related("saved_by"), number=number)
