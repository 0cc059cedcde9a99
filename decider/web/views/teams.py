"""Teams from the UI: anyone signed in creates one (and edits it); its editors add members,
change their roles and remove them, never leaving the team without an editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from decider.models import Membership, Team
from decider.web import access
from decider.web.forms.teams import MemberForm, RoleForm, TeamForm
from decider.web.request import AuthenticatedHttpRequest

LAST_EDITOR = "A team needs at least one editor: make someone else an editor first."


def _is_last_editor(membership: Membership) -> bool:
    editors = membership.team.memberships.filter(role=Membership.Role.EDITOR)
    return membership.role == Membership.Role.EDITOR and editors.count() == 1


def _members_page(
    request: AuthenticatedHttpRequest, team: Team, form: MemberForm | None = None
) -> HttpResponse:
    context = {
        "team": team,
        "memberships": team.memberships.select_related("user").order_by("user__username"),
        "can_edit": access.is_editor(request, team),
        "form": form or MemberForm(team=team),
        "roles": Membership.Role.choices,
    }
    return render(request, "decider/team_members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            with transaction.atomic():
                team = Team.objects.create(name=name, slug=slugify(name))
                Membership.objects.create(team=team, user=request.user, role="editor")
        except IntegrityError:  # the same name created meanwhile
            form.add_error("name", "A team of that name exists; pick another name.")
        else:
            messages.success(request, f"Created {team.name}; you are its editor.")
            return redirect("team_members", team_slug=team.slug)
    return render(request, "decider/team_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_members(request: AuthenticatedHttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    if request.method == "GET":
        return _members_page(request, team)
    access.require_editor(request, team)
    form = MemberForm(request.POST, team=team)
    if not form.is_valid():
        return _members_page(request, team, form)
    user = form.cleaned_data["username"]
    Membership.objects.get_or_create(
        team=team, user=user, defaults={"role": form.cleaned_data["role"]}
    )
    messages.success(request, f"Added {user.username} to {team.name}.")
    return redirect("team_members", team_slug=team.slug)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, team_slug: str, member_id: int) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    access.require_editor(request, team)
    membership = get_object_or_404(team.memberships.select_related("user"), pk=member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose viewer or editor.")
    elif form.cleaned_data["role"] == "viewer" and _is_last_editor(membership):
        messages.error(request, LAST_EDITOR)
    else:
        membership.role = form.cleaned_data["role"]
        membership.save(update_fields=["role"])
        role = membership.get_role_display().lower()
        messages.success(request, f"{membership.user.username} is now a {role}.")
    return redirect("team_members", team_slug=team.slug)


@login_required
@require_POST
def member_remove(
    request: AuthenticatedHttpRequest, team_slug: str, member_id: int
) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    access.require_editor(request, team)
    membership = get_object_or_404(team.memberships.select_related("user"), pk=member_id)
    if _is_last_editor(membership):
        messages.error(request, LAST_EDITOR)
        return redirect("team_members", team_slug=team.slug)
    membership.delete()
    messages.success(request, f"Removed {membership.user.username} from {team.name}.")
    if membership.user_id == request.user.pk:
        return redirect("dashboard")
    return redirect("team_members", team_slug=team.slug)
