"""Forms that scale: a what-if form posts about two fields per job, whatever its edges, and
htmx requests the server refuses get one plain sentence for the panel."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from decider.adapter.inputs import engine_pools, engine_workflow
from decider.engine import inputs as engine_inputs
from decider.models import Job, Membership, Scenario, Team, Workflow
from decider.web.forms.scenario import form_data
from tests.conftest import client_with_role
from tests.factories import JobFactory, RunnerPoolFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def big_workflow(team: Team, jobs: int = 500, fan_in: int = 8) -> Workflow:
    """`jobs` jobs, each needing up to `fan_in` of the jobs before it (about 4,000 edges)."""
    if not team.pools.filter(name="small").exists():
        RunnerPoolFactory(team=team, name="small", runners=20)
    workflow = WorkflowFactory(repository__team=team, name="big")
    rows = [JobFactory(workflow=workflow, key=f"job-{n}", order=n) for n in range(jobs)]
    through = Job.needs.through
    through.objects.bulk_create(
        through(from_job=row, to_job=rows[need])
        for n, row in enumerate(rows)
        for need in range(max(0, n - fan_in), n)
    )
    return workflow


def posted_fields(data: dict[str, object]) -> int:
    """What Django counts against DATA_UPLOAD_MAX_NUMBER_FIELDS: every value of every key."""
    return sum(len(value) if isinstance(value, list) else 1 for value in data.values())


def test_a_500_job_workflow_with_4000_edges_recalculates_and_saves(team: Team) -> None:
    workflow = big_workflow(team)
    editor = client_with_role(team, Membership.Role.EDITOR)
    graph, pools = engine_workflow(workflow), engine_pools(team)
    assert sum(len(job.needs) for job in graph.jobs) == 3964
    data = form_data(engine_inputs.Scenario(), graph, pools)
    data["remove_needs"] = "job-10: job-2\njob-10 : job-3\n\njob-499:job-498"
    # Two per job (override, estimate: none is measured) and a handful more; no edge adds one.
    assert posted_fields(data) < 2 * 500 + 30

    calculated = editor.post(
        reverse("scenario_calculate", args=[workflow.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert calculated.status_code == 200
    assert 'id="results"' in calculated.content.decode()

    saved = editor.post(
        reverse("scenario_create", args=[workflow.pk]), {**data, "save-name": "Fewer needs"}
    )
    assert saved.status_code == 302
    row = Scenario.objects.get(name="Fewer needs")
    keys = {job.id: job.key for job in graph.jobs}
    removed = {(keys[edge["job"]], keys[edge["need"]]) for edge in row.inputs["remove_needs"]}
    assert removed == {("job-10", "job-2"), ("job-10", "job-3"), ("job-499", "job-498")}

    page = editor.get(reverse("scenario", args=[row.pk])).content.decode()
    assert 'data-line="job-10: job-2">' in page  # unticked: no "checked"
    assert 'data-line="job-10: job-4" checked>' in page
    assert "job-10: job-2\njob-10: job-3\njob-499: job-498</textarea>" in page


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("job-10 job-2", "Line 1: write job-key: need-key."),
        ("job-10: nowhere", "Line 1: no job 'nowhere'."),
        ("job-10: job-11", "job-10 does not need job-11: nothing to remove."),
    ],
)
def test_a_bad_line_to_remove_is_refused_at_the_field(team: Team, line: str, message: str) -> None:
    workflow = big_workflow(team, jobs=20)
    viewer = client_with_role(team, Membership.Role.VIEWER)
    graph, pools = engine_workflow(workflow), engine_pools(team)
    data = {**form_data(engine_inputs.Scenario(), graph, pools), "remove_needs": line}

    response = viewer.post(
        reverse("scenario_calculate", args=[workflow.pk]), data, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert message in html.unescape(response.content.decode())


def test_a_matrix_key_with_a_colon_can_be_removed(team: Team) -> None:
    workflow = WorkflowFactory(repository__team=team)
    build = JobFactory(workflow=workflow, key="build (node:18)", order=0)
    test = JobFactory(workflow=workflow, key="test (node:18)", order=1)
    test.needs.add(build)
    viewer = client_with_role(team, Membership.Role.VIEWER)
    graph = engine_workflow(workflow)
    data = {
        **form_data(engine_inputs.Scenario(), graph, []),
        "remove_needs": "test (node:18): build (node:18)",
    }
    response = viewer.post(reverse("scenario_calculate", args=[workflow.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["scenario"].remove_needs == [
        engine_inputs.Edge(job=1, need=0)
    ]


def test_too_many_fields_is_a_plain_sentence_for_htmx(demo_workflow, demo_viewer) -> None:
    url = reverse("scenario_calculate", args=[demo_workflow.pk])
    flood = {f"field_{n}": "x" for n in range(10_001)}
    response = demo_viewer.post(url, flood, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "The server could not read this request. Reload the page and try again."
    )


def test_htmx_errors_are_plain_sentences_and_pages_stay_pages(
    demo_workflow: Workflow, demo_viewer: Client, outsider: Client
) -> None:
    scenario_url = reverse("scenario_create", args=[demo_workflow.pk])
    forbidden = demo_viewer.post(scenario_url, {}, HTTP_HX_REQUEST="true")
    assert forbidden.status_code == 403
    assert (
        forbidden.content.decode() == "You may not make this change: only the team's editors may."
    )

    missing = outsider.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]), {}, HTTP_HX_REQUEST="true"
    )
    assert missing.status_code == 404
    assert missing["Content-Type"] == "text/plain; charset=utf-8"
    assert missing.content.decode().startswith("Not found")

    page = outsider.post(reverse("scenario_calculate", args=[demo_workflow.pk]), {})
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_an_expired_csrf_token_is_a_plain_sentence_for_htmx(demo_workflow, demo_viewer) -> None:
    demo_viewer.handler.enforce_csrf_checks = True
    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]), {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert response.content.decode() == (
        "Your session's form token has expired. Reload the page and try again."
    )
