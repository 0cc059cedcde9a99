"""tailscale's test workflow (a real public file), imported as a new user would, with a runs CSV
written for it and a 6-runner ubuntu-24.04 pool: the graph is unchanged, so the answer is how
many runners that pool needs for today's graph, at what price, and what they buy."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decider.models import Workflow
from tests.factories import RepositoryFactory

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real" / "workflows"
WORKFLOW = REAL / "tailscale__tailscale__test.yml"
RUNS = Path(__file__).resolve().parents[2] / "data" / "tailscale-test-runs.csv"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not WORKFLOW.exists(), reason="the shared real workflows are not here"),
]


def _verdict_panel(client, workflow: Workflow):
    """The decision panel as the what-if page asks for it: the page's own form, posted."""
    page = client.get(reverse("scenario_new", args=[workflow.pk]))
    data = {}
    for field in page.context["form"]:
        value = field.value()
        if value not in (None, "", []):
            data[field.html_name] = value
    return client.post(
        reverse("scenario_verdict", args=[workflow.pk]), data, headers={"HX-Request": "true"}
    )


def test_todays_graph_gets_a_runner_count_for_its_pool_with_its_price(editor_client, team):
    repository = RepositoryFactory(team=team)
    upload = SimpleUploadedFile("test.yml", WORKFLOW.read_bytes())
    assert (
        editor_client.post(
            reverse("workflow_upload", args=[repository.pk]), {"files": [upload]}
        ).status_code
        == 302
    )
    workflow = Workflow.objects.get(repository=repository)
    runs = SimpleUploadedFile("runs.csv", RUNS.read_bytes())
    assert (
        editor_client.post(
            reverse("runs_upload", args=[repository.pk]), {"files": [runs], "workflow": workflow.pk}
        ).status_code
        == 302
    )
    pool = {
        "name": "ubuntu",
        "labels": "ubuntu-24.04",
        "runners": 6,
        "monthly_cost_usd_per_runner": 80,
        "baseline_utilization": 0,
    }
    assert editor_client.post(reverse("pools", args=[team.slug]), pool).status_code == 302

    response = _verdict_panel(editor_client, workflow)
    assert response.status_code == 200
    plan = response.context["results"].analysis.plan
    (ubuntu,) = plan.pools
    assert plan.graph == "today"
    # One pipeline starts 41 ubuntu jobs at once after gomod-cache: 37 runners keep each
    # job's p90 wait within the 60 s target; 6 leave most of them queueing.
    assert (ubuntu.inventory_runners, ubuntu.recommended_runners) == (6, 37)
    assert plan.money.added_runners == {"ubuntu": 31}
    assert plan.money.added_usd_per_month == 31 * 80
    assert plan.today is not None and plan.planned is not None
    assert plan.runners_buy_s == pytest.approx(
        plan.today.mean_wall_clock_s - plan.planned.mean_wall_clock_s
    )
    assert plan.runners_buy_s > 1000
    html = response.content.decode()
    assert "Add 31 ubuntu runners ($2,480/month)" in html
    assert "Keep today&#x27;s graph" in html or "Keep today's graph" in html
