from __future__ import annotations

import pytest
from django.urls import reverse

from decider.models import Job, Repository, Workflow
from tests.factories import JobFactory, RepositoryFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def test_an_editor_deletes_a_workflow_nobody_saved_a_scenario_of(editor_client, team) -> None:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    JobFactory(workflow=workflow)
    url = reverse("workflow_delete", args=[workflow.pk])
    page = editor_client.get(url).content.decode()
    assert "What is deleted: the workflow with its jobs (1) and imported workflow runs (0)" in page
    assert Workflow.objects.filter(pk=workflow.pk).exists()  # a GET deletes nothing
    assert editor_client.post(url).status_code == 302
    assert not Workflow.objects.filter(pk=workflow.pk).exists()
    assert Job.objects.count() == 0


def test_an_editor_deletes_a_repository_without_saved_scenarios(editor_client, team) -> None:
    repository = RepositoryFactory(team=team)
    WorkflowFactory(repository=repository)
    response = editor_client.post(reverse("repository_delete", args=[repository.pk]))
    assert response.status_code == 302
    assert not Repository.objects.filter(pk=repository.pk).exists()


def test_only_editors_of_the_team_delete(demo_scenario, demo_viewer, outsider) -> None:
    workflow = demo_scenario.workflow
    for url in (
        reverse("workflow_delete", args=[workflow.pk]),
        reverse("repository_delete", args=[workflow.repository_id]),
    ):
        assert demo_viewer.get(url).status_code == 403
        assert demo_viewer.post(url).status_code == 403
        assert outsider.post(url).status_code == 404
    assert Workflow.objects.filter(pk=workflow.pk).exists()
