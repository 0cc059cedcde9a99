from __future__ import annotations

import pytest
from django.urls import reverse

from decider.models import Job, Repository
from tests.conftest import client_for
from tests.factories import (
    JobFactory,
    MembershipFactory,
    RepositoryFactory,
    RunnerPoolFactory,
    TeamFactory,
    WorkflowFactory,
)

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_only_the_users_teams(editor_client, team, other_team) -> None:
    RepositoryFactory(team=team, name="acme/mine")
    RepositoryFactory(team=other_team, name="acme/theirs")
    RunnerPoolFactory(team=other_team, name="their-pool")
    response = editor_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"acme/mine" in response.content
    assert b"acme/theirs" not in response.content
    assert b"their-pool" not in response.content


def test_an_editor_adds_a_repository_only_to_their_own_teams(editor_client, team, other_team):
    url = reverse("repository_create")
    response = editor_client.post(url, {"team": team.pk, "name": "acme/new"})
    assert response.status_code == 302
    assert Repository.objects.filter(team=team, name="acme/new").exists()
    response = editor_client.post(url, {"team": other_team.pk, "name": "acme/sneaky"})
    assert response.status_code == 200
    assert not Repository.objects.filter(name="acme/sneaky").exists()


def test_a_viewer_cannot_add_a_repository(viewer_client, team) -> None:
    response = viewer_client.post(reverse("repository_create"), {"team": team.pk, "name": "a/b"})
    assert response.status_code == 403


def test_jobs_of_another_team_are_never_listed(editor_client, team, other_team) -> None:
    JobFactory(
        workflow=WorkflowFactory(repository=RepositoryFactory(team=other_team)), name="secret-job"
    )
    response = editor_client.get(reverse("dashboard"))
    assert b"secret-job" not in response.content
    assert Job.objects.count() == 1


def test_an_invalid_repository_keeps_the_dashboard_whole(editor, editor_client, team) -> None:
    repository = RepositoryFactory(team=team, name="acme/mine")
    WorkflowFactory(repository=repository)
    WorkflowFactory(repository=repository)
    lonely = TeamFactory(name="Lonely", slug="lonely")
    MembershipFactory(team=lonely, user=editor, role="editor")
    response = editor_client.post(reverse("repository_create"), {"team": team.pk, "name": "no"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Use owner/name" in text
    assert "2 workflows" in text
    assert "No repositories yet." in text  # the lonely team's list
    assert Repository.objects.filter(team=team).count() == 1


def test_a_viewer_of_a_team_can_add_nothing_to_it_even_where_others_edit(viewer, team) -> None:
    MembershipFactory(team=team, role="editor")
    MembershipFactory(team=team, role="editor")
    client = client_for(viewer)
    response = client.post(reverse("repository_create"), {"team": team.pk, "name": "acme/x"})
    assert response.status_code == 403
    assert not Repository.objects.filter(name="acme/x").exists()


def test_a_team_with_many_editors_is_offered_once_and_accepts_a_repository(
    editor, editor_client, team
) -> None:
    MembershipFactory(team=team, role="editor")
    MembershipFactory(team=team, role="viewer")
    form = editor_client.get(reverse("dashboard")).context["repository_form"]
    assert list(form.fields["team"].queryset) == [team]
    response = editor_client.post(reverse("repository_create"), {"team": team.pk, "name": "a/b"})
    assert response.status_code == 302
    assert Repository.objects.filter(team=team, name="a/b").exists()


def test_being_an_editor_elsewhere_does_not_open_a_team_one_only_views(
    viewer, team, other_team
) -> None:
    MembershipFactory(team=other_team, user=viewer, role="editor")
    client = client_for(viewer)
    response = client.post(reverse("repository_create"), {"team": team.pk, "name": "acme/y"})
    assert response.status_code == 200  # the team is not a choice: the form refuses it
    assert not Repository.objects.filter(name="acme/y").exists()


def test_an_editor_of_one_team_finds_it_chosen_in_the_add_a_repository_form(
    editor, editor_client, team
) -> None:
    page = editor_client.get(reverse("dashboard")).content.decode()
    assert f'<option value="{team.pk}" selected>' in page
    assert "---------" not in page and "Select an option" not in page
    second = TeamFactory(name="Second")
    MembershipFactory(team=second, user=editor, role="editor")
    page = editor_client.get(reverse("dashboard")).content.decode()
    assert f'<option value="{team.pk}" selected>' not in page  # two teams: the editor picks one
