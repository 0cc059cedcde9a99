from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decider.models import RunnerPool
from tests.factories import RunnerPoolFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["pools", "pools_upload"])
def test_another_teams_pools_are_a_404(editor_client, other_team, url_name) -> None:
    method = editor_client.get if url_name == "pools" else editor_client.post
    assert method(reverse(url_name, args=[other_team.slug])).status_code == 404


def test_another_teams_pool_cannot_be_edited_through_my_team(editor_client, team, other_team):
    pool = RunnerPoolFactory(team=other_team)
    assert editor_client.get(reverse("pool_edit", args=[team.slug, pool.pk])).status_code == 404
    assert (
        editor_client.get(reverse("pool_edit", args=[other_team.slug, pool.pk])).status_code == 404
    )


def test_an_editor_adds_and_edits_a_pool(editor_client, team) -> None:
    response = editor_client.post(
        reverse("pools", args=[team.slug]),
        {
            "name": "medium",
            "labels": "self-hosted linux medium",
            "runners": 3,
            "monthly_cost_usd_per_runner": "100",
            "baseline_utilization": "60",
        },
    )
    assert response.status_code == 302
    pool = RunnerPool.objects.get(team=team, name="medium")
    assert pool.labels == ["self-hosted", "linux", "medium"]
    assert pool.baseline_utilization == 0.6  # typed in percent, stored as a share
    response = editor_client.post(
        reverse("pool_edit", args=[team.slug, pool.pk]),
        {
            "name": "medium",
            "labels": "self-hosted linux medium",
            "runners": 5,
            "monthly_cost_usd_per_runner": "100",
            "baseline_utilization": "60",
        },
    )
    assert response.status_code == 302
    pool.refresh_from_db()
    assert pool.runners == 5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("runners", "-1", b"greater than or equal to 0"),
        ("baseline_utilization", "150", b"Give a percentage from 0 to 100 (60 means 60% busy)."),
        ("baseline_utilization", "-5", b"Give a percentage from 0 to 100."),
        ("labels", "   ", b"This field is required"),
    ],
)
def test_an_invalid_pool_is_refused_at_the_field(editor_client, team, field, value, message):
    data = {
        "name": "medium",
        "labels": "self-hosted linux medium",
        "runners": 3,
        "monthly_cost_usd_per_runner": "100",
        "baseline_utilization": "60",
        field: value,
    }
    response = editor_client.post(reverse("pools", args=[team.slug]), data)
    assert response.status_code == 200
    assert message in response.content
    assert not RunnerPool.objects.exists()


def test_the_pools_page_and_the_edit_form_show_utilization_in_percent(editor_client, team):
    pool = RunnerPoolFactory(team=team, baseline_utilization=0.35)
    listed = editor_client.get(reverse("pools", args=[team.slug])).content.decode()
    assert '<td class="num">35%</td>' in listed
    form = editor_client.get(reverse("pool_edit", args=[team.slug, pool.pk])).content.decode()
    assert 'name="baseline_utilization" value="35.0"' in form
    assert "Baseline utilization (%)" in form


def test_a_viewer_cannot_change_pools(viewer_client, team) -> None:
    pool = RunnerPoolFactory(team=team, runners=4)
    data = {
        "name": pool.name,
        "labels": "a b",
        "runners": 9,
        "monthly_cost_usd_per_runner": "1",
        "baseline_utilization": "0",
    }
    assert viewer_client.post(reverse("pools", args=[team.slug]), data).status_code == 403
    assert (
        viewer_client.post(reverse("pool_edit", args=[team.slug, pool.pk]), data).status_code == 403
    )
    csv = SimpleUploadedFile(
        "pools.csv", b"name,labels,runners,monthly_cost_usd_per_runner,baseline_utilization\n"
    )
    assert (
        viewer_client.post(reverse("pools_upload", args=[team.slug]), {"file": csv}).status_code
        == 403
    )
    pool.refresh_from_db()
    assert pool.runners == 4


def test_pools_import_from_csv_and_refusals_name_the_row(editor_client, team, seed_file) -> None:
    url = reverse("pools_upload", args=[team.slug])
    response = editor_client.post(
        url, {"file": SimpleUploadedFile("runner-pools.csv", seed_file("runner-pools.csv"))}
    )
    assert response.status_code == 302
    assert sorted(RunnerPool.objects.values_list("name", flat=True)) == [
        "cpu-optimized",
        "medium",
        "small",
    ]
    bad = (
        b"name,labels,runners,monthly_cost_usd_per_runner,baseline_utilization\nbig,a b,2,10,1.7\n"
    )
    response = editor_client.post(url, {"file": SimpleUploadedFile("pools.csv", bad)})
    assert response.status_code == 200
    assert b"row 2" in response.content
    assert not RunnerPool.objects.filter(name="big").exists()


def test_deleting_a_pool_asks_first_and_says_what_stays(demo_scenario, demo_editor) -> None:
    team = demo_scenario.team
    pool = team.pools.get(name="medium")
    url = reverse("pool_delete", args=[team.slug, pool.pk])
    page = demo_editor.get(url).content.decode()
    assert "Delete pool medium?" in page
    assert "3 runners" in page and "What stays" in page
    assert RunnerPool.objects.filter(pk=pool.pk).exists()  # a GET deletes nothing


def test_a_deleted_pool_leaves_saved_scenarios_viewable_and_exportable(
    demo_scenario, demo_editor
) -> None:
    team = demo_scenario.team
    pool = team.pools.get(name="medium")
    before = demo_editor.get(reverse("scenario", args=[demo_scenario.pk]))
    response = demo_editor.post(reverse("pool_delete", args=[team.slug, pool.pk]))
    assert response.status_code == 302
    assert not RunnerPool.objects.filter(pk=pool.pk).exists()
    page = demo_editor.get(reverse("scenario", args=[demo_scenario.pk]))
    assert page.status_code == 200
    now, then = page.context["results"], before.context["results"]
    assert (now.headline, now.ask, now.metrics) == (then.headline, then.ask, then.metrics)
    pdf = demo_editor.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_only_editors_of_the_team_delete_a_pool(demo_scenario, demo_viewer, outsider) -> None:
    team = demo_scenario.team
    pool = team.pools.get(name="small")
    url = reverse("pool_delete", args=[team.slug, pool.pk])
    assert demo_viewer.get(url).status_code == 403
    assert demo_viewer.post(url).status_code == 403
    assert outsider.post(url).status_code == 404
    assert RunnerPool.objects.filter(pk=pool.pk).exists()
