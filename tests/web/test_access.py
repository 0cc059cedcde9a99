"""Every request that writes, tried by a viewer, by a member of another team and by an editor.

A viewer of every team (each with three editors, the case that once leaked write access and
500ed) gets a 403 and nothing is stored; another team's member gets a 404; an editor's same
request does change the data, so the refusals are not an artefact of bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from decider.models import (
    Job,
    JobRun,
    Membership,
    Repository,
    RunnerPool,
    Scenario,
    ScenarioVersion,
    Team,
    Workflow,
    WorkflowRun,
)
from tests.conftest import FIXTURES, client_for
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Write:
    """One writing request: where it goes and what it sends, given the demo's rows."""

    url: Callable[[Scenario], str]
    data: Callable[[Scenario], dict[str, Any]]


def _pool_fields(runners: int) -> dict[str, Any]:
    return {
        "name": "small",
        "labels": "self-hosted linux small",
        "runners": runners,
        "monthly_cost_usd_per_runner": "75",
        "baseline_utilization": "40",
    }


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


WRITES: dict[str, Write] = {
    "add a repository": Write(
        lambda s: reverse("repository_create"),
        lambda s: {"team": s.team.pk, "name": "acme/new"},
    ),
    "import a workflow": Write(
        lambda s: reverse("workflow_upload", args=[s.workflow.repository_id]),
        lambda s: {"files": _upload("other.yml", (FIXTURES / "murally-build.yml").read_bytes())},
    ),
    "import runs": Write(
        lambda s: reverse("runs_upload", args=[s.workflow.repository_id]),
        lambda s: {
            "workflow": s.workflow.pk,
            "files": _upload("runs.csv", b"run_id,job,duration_s\n99,build-test-image-api,500\n"),
        },
    ),
    "add a pool": Write(
        lambda s: reverse("pools", args=[s.team.slug]),
        lambda s: {**_pool_fields(4), "name": "brand-new"},
    ),
    "edit a pool": Write(
        lambda s: reverse("pool_edit", args=[s.team.slug, s.team.pools.get(name="small").pk]),
        lambda s: _pool_fields(40),
    ),
    "import pools": Write(
        lambda s: reverse("pools_upload", args=[s.team.slug]),
        lambda s: {
            "file": _upload(
                "pools.csv",
                b"name,labels,runners,monthly_cost_usd_per_runner,baseline_utilization\n"
                b"huge,self-hosted huge,9,100,0.5\n",
            )
        },
    ),
    "duplicate a scenario": Write(
        lambda s: reverse("scenario_duplicate", args=[s.pk]), lambda s: {}
    ),
    "delete a scenario": Write(lambda s: reverse("scenario_delete", args=[s.pk]), lambda s: {}),
    "restore a version": Write(
        lambda s: reverse("scenario_restore", args=[s.pk, 1]),
        lambda s: {"version": s.version},
    ),
}

# Writes whose valid input is a whole what-if form: the viewer's refusal comes before the form
# is read, so an empty post proves it.
WRITES_OF_A_FORM: dict[str, Write] = {
    "save a new scenario": Write(
        lambda s: reverse("scenario_create", args=[s.workflow_id]), lambda s: {}
    ),
    "save a version": Write(lambda s: reverse("scenario", args=[s.pk]), lambda s: {}),
    "recompute on today's data": Write(
        lambda s: reverse("scenario_refresh", args=[s.pk]), lambda s: {}
    ),
}


def _everything() -> tuple[object, ...]:
    """What any write would change: counts of every row and each pool's size."""
    counts = tuple(
        model.objects.count()
        for model in (
            Team,
            Membership,
            Repository,
            Workflow,
            Job,
            WorkflowRun,
            JobRun,
            RunnerPool,
            Scenario,
            ScenarioVersion,
        )
    )
    return (*counts, tuple(RunnerPool.objects.order_by("pk").values_list("runners", flat=True)))


def _with_three_editors(team: Team) -> Team:
    for _ in range(3 - team.memberships.filter(role=Membership.Role.EDITOR).count()):
        MembershipFactory(team=team, role=Membership.Role.EDITOR)
    return team


def _an_editor_of(team: Team) -> Client:
    client = Client()
    client.force_login(team.memberships.filter(role=Membership.Role.EDITOR).first().user)
    return client


@pytest.fixture
def viewer_of_every_team(demo_team: Team) -> Client:
    """A viewer of the demo team and of a second team, both with three editors."""
    second = TeamFactory(name="Second", slug="second")
    user = UserFactory(username="looker")
    for team in (_with_three_editors(demo_team), _with_three_editors(second)):
        MembershipFactory(team=team, user=user, role=Membership.Role.VIEWER)
    return client_for(user)


@pytest.mark.parametrize("name", [*WRITES, *WRITES_OF_A_FORM])
def test_a_viewer_of_every_team_can_change_nothing(
    name, demo_scenario, viewer_of_every_team
) -> None:
    write = {**WRITES, **WRITES_OF_A_FORM}[name]
    before = _everything()
    response = viewer_of_every_team.post(write.url(demo_scenario), write.data(demo_scenario))
    # Adding a repository offers only editable teams, so the viewer's team is not a choice.
    assert response.status_code in (403, 200) if name == "add a repository" else 403
    assert _everything() == before


@pytest.mark.parametrize("name", [*WRITES, *WRITES_OF_A_FORM])
def test_a_member_of_another_team_cannot_even_find_it(name, demo_scenario, outsider) -> None:
    write = {**WRITES, **WRITES_OF_A_FORM}[name]
    before = _everything()
    response = outsider.post(write.url(demo_scenario), write.data(demo_scenario))
    assert response.status_code in (200, 403, 404)
    if name != "add a repository":  # the form's team choice refuses it at 200
        assert response.status_code == 404
    assert _everything() == before


@pytest.mark.parametrize("name", list(WRITES))
def test_an_editor_of_a_team_with_three_editors_makes_each_change(name, demo_scenario) -> None:
    """The same requests succeed for an editor (no MultipleObjectsReturned, no 500)."""
    team = _with_three_editors(demo_scenario.team)
    client = _an_editor_of(team)
    write = WRITES[name]
    before = _everything()
    response = client.post(write.url(demo_scenario), write.data(demo_scenario))
    assert response.status_code == 302, response.content[:2000]
    assert _everything() != before


def test_a_team_with_three_editors_is_listed_once(demo_scenario) -> None:
    team = _with_three_editors(demo_scenario.team)
    MembershipFactory(team=team, role=Membership.Role.VIEWER)
    client = _an_editor_of(team)
    response = client.get(reverse("dashboard"))
    assert list(response.context["teams"]) == [team]
    assert list(response.context["repository_form"].fields["team"].queryset) == [team]
    assert client.get(reverse("pools", args=[team.slug])).status_code == 200
    assert client.get(reverse("team_scenarios", args=[team.slug])).status_code == 200
