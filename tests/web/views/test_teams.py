from __future__ import annotations

import pytest
from django.urls import reverse

from decider.models import Membership, Team
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anyone_signed_in_creates_a_team_and_becomes_its_editor(editor, editor_client) -> None:
    response = editor_client.post(reverse("team_create"), {"name": "Data Platform"})
    assert response.status_code == 302
    team = Team.objects.get(slug="data-platform")
    assert team.memberships.get().user == editor
    assert team.memberships.get().role == "editor"
    assert response["Location"] == reverse("team_members", args=["data-platform"])


@pytest.mark.parametrize(("name", "message"), [("Platform", "exists"), ("!!!", "letter")])
def test_a_team_name_taken_or_without_letters_is_refused(editor_client, team, name, message):
    response = editor_client.post(reverse("team_create"), {"name": name})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Team.objects.count() == 1


def test_an_editor_adds_a_member_with_a_role(editor_client, team) -> None:
    UserFactory(username="ann")
    url = reverse("team_members", args=[team.slug])
    response = editor_client.post(url, {"username": "ann", "role": "viewer"})
    assert response.status_code == 302
    assert team.memberships.get(user__username="ann").role == "viewer"
    page = editor_client.get(url).content.decode()
    assert "ann" in page


@pytest.mark.parametrize(
    ("username", "message"), [("nobody", "Ask an admin"), ("ed", "already in Platform")]
)
def test_an_unknown_or_present_user_is_refused_at_the_field(
    editor_client, team, username, message
) -> None:
    before = Membership.objects.count()
    response = editor_client.post(
        reverse("team_members", args=[team.slug]), {"username": username, "role": "editor"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Membership.objects.count() == before


def test_an_editor_changes_a_role_and_removes_a_member(editor_client, team) -> None:
    member = MembershipFactory(team=team, role="viewer")
    role_url = reverse("member_role", args=[team.slug, member.pk])
    assert editor_client.post(role_url, {"role": "editor"}).status_code == 302
    member.refresh_from_db()
    assert member.role == "editor"
    remove_url = reverse("member_remove", args=[team.slug, member.pk])
    assert editor_client.post(remove_url).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_last_editor_can_be_neither_demoted_nor_removed(editor, editor_client, team) -> None:
    mine = team.memberships.get(user=editor)
    response = editor_client.post(
        reverse("member_role", args=[team.slug, mine.pk]), {"role": "viewer"}, follow=True
    )
    assert "at least one editor" in response.content.decode()
    response = editor_client.post(reverse("member_remove", args=[team.slug, mine.pk]), follow=True)
    assert "at least one editor" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == "editor"


def test_a_viewer_sees_the_members_but_changes_nothing(viewer, viewer_client, editor, team):
    UserFactory(username="ann")
    assert viewer_client.get(reverse("team_members", args=[team.slug])).status_code == 200
    before = list(Membership.objects.values_list("pk", "role").order_by("pk"))
    mine = team.memberships.get(user=viewer)
    theirs = team.memberships.get(user=editor)
    for url, data in [
        (reverse("team_members", args=[team.slug]), {"username": "ann", "role": "editor"}),
        (reverse("member_role", args=[team.slug, mine.pk]), {"role": "editor"}),
        (reverse("member_remove", args=[team.slug, theirs.pk]), {}),
    ]:
        assert viewer_client.post(url, data).status_code == 403
    assert list(Membership.objects.values_list("pk", "role").order_by("pk")) == before


def test_another_teams_members_are_a_404(editor_client, other_team) -> None:
    member = MembershipFactory(team=other_team, role="editor")
    UserFactory(username="ann")
    assert editor_client.get(reverse("team_members", args=[other_team.slug])).status_code == 404
    posts = [
        (reverse("team_members", args=[other_team.slug]), {"username": "ann", "role": "editor"}),
        (reverse("member_role", args=[other_team.slug, member.pk]), {"role": "viewer"}),
        (reverse("member_remove", args=[other_team.slug, member.pk]), {}),
    ]
    for url, data in posts:
        assert editor_client.post(url, data).status_code == 404
    member.refresh_from_db()
    assert member.role == "editor"


def test_a_member_of_my_team_cannot_be_reached_through_another_team(editor, team, other_team):
    MembershipFactory(team=other_team, user=editor, role="editor")
    member = MembershipFactory(team=team, role="viewer")
    client = client_for(editor)
    url = reverse("member_remove", args=[other_team.slug, member.pk])
    assert client.post(url).status_code == 404
