"""Pages make as many queries for ten items as for one: nothing is read once per item."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decider.models import Scenario, Team
from tests.conftest import client_for
from tests.factories import (
    JobFactory,
    JobRunFactory,
    MembershipFactory,
    RepositoryFactory,
    ScenarioFactory,
    TeamFactory,
    UserFactory,
    WorkflowFactory,
)

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def same_queries(count: Callable[[], int], add_item: Callable[[], None]) -> tuple[int, int]:
    """Queries of a page, then again after adding items (cached data warmed both times)."""
    count()
    before = count()
    for _ in range(3):
        add_item()
    count()
    return before, count()


def test_the_dashboard_and_menu_do_not_read_each_team_on_its_own() -> None:
    user = UserFactory()
    client = client_for(user)

    def add_team() -> None:
        team = TeamFactory()
        MembershipFactory(team=team, user=user, role="viewer")
        RepositoryFactory(team=team)
        ScenarioFactory(workflow=WorkflowFactory(repository=RepositoryFactory(team=team)))

    add_team()
    before, after = same_queries(lambda: queries(client, reverse("dashboard")), add_team)
    assert after == before


def test_the_repository_page_does_not_read_each_workflow_on_its_own(team: Team, editor) -> None:
    repository = RepositoryFactory(team=team)
    client = client_for(editor)

    def add_workflow() -> None:
        workflow = WorkflowFactory(repository=repository)
        build = JobFactory(workflow=workflow, key="build", order=0)
        test = JobFactory(workflow=workflow, key="test", order=1)
        test.needs.add(build)
        JobRunFactory.create_batch(2, job=build)
        JobRunFactory(job=test)
        ScenarioFactory(workflow=workflow)

    add_workflow()
    url = reverse("repository", args=[repository.pk])
    before, after = same_queries(lambda: queries(client, url), add_workflow)
    assert after == before


def test_the_comparison_reads_a_workflow_once_whatever_the_columns(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    def copy() -> Scenario:
        return Scenario.objects.create(
            team=demo_scenario.team,
            workflow=demo_scenario.workflow,
            name="copy",
            inputs=demo_scenario.inputs,
            job_keys=demo_scenario.job_keys,
            snapshot=demo_scenario.snapshot,
        )

    two = [demo_scenario.pk, copy().pk]
    four = [*two, copy().pk, copy().pk]

    def url(ids: list[int]) -> str:
        return reverse("scenario_compare") + "?" + "&".join(f"id={i}" for i in ids)

    queries(demo_editor, url(four))  # warm the verdict cache
    assert queries(demo_editor, url(four)) == queries(demo_editor, url(two))


def test_the_comparison_pdf_reads_a_workflow_once_whatever_the_columns(
    demo_scenario: Scenario, demo_editor: Client
) -> None:
    copies = [
        Scenario.objects.create(
            team=demo_scenario.team,
            workflow=demo_scenario.workflow,
            name=f"copy {n}",
            inputs=demo_scenario.inputs,
            job_keys=demo_scenario.job_keys,
            snapshot=demo_scenario.snapshot,
        ).pk
        for n in range(3)
    ]
    two, four = [demo_scenario.pk, copies[0]], [demo_scenario.pk, *copies]

    def url(ids: list[int]) -> str:
        return reverse("scenario_compare_pdf") + "?" + "&".join(f"id={i}" for i in ids)

    queries(demo_editor, url(four))  # warm the verdict cache
    assert queries(demo_editor, url(four)) == queries(demo_editor, url(two))
