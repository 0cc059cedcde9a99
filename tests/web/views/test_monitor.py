"""The monitor page: trends with adoptions marked, filters, no data said plainly, scoping."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decider.adapter.generated_history import HistoryShape, generate_history
from decider.models import Adoption, Scenario, Team, Workflow
from tests.adapter.test_monitor_queries import AFTER, BEFORE
from tests.factories import JobFactory, RepositoryFactory, RunnerPoolFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(team: Team) -> Workflow:
    RunnerPoolFactory(team=team, name="small", labels=["self-hosted", "small"], runners=4)
    RunnerPoolFactory(team=team, name="medium", labels=["self-hosted", "medium"], runners=2)
    row = WorkflowFactory(repository=RepositoryFactory(team=team), name="build")
    JobFactory(workflow=row, key="test", runs_on=["self-hosted", "small"])
    JobFactory(workflow=row, key="build", runs_on=["self-hosted", "medium"])
    return row


def _adopted_after_history(workflow: Workflow, editor, *, days: int) -> Adoption:
    """A history of `days` days each side of a change adopted `days` days ago."""
    live_on = timezone.now().date() - timedelta(days=days)
    generate_history(
        workflow,
        HistoryShape(
            before=BEFORE, after=AFTER, live_on=live_on, days_before=days, days_after=days
        ),
    )
    return _adopt(workflow, editor, live_on)


def _adopt(workflow: Workflow, editor, live_on) -> Adoption:  # type: ignore[no-untyped-def]
    scenario = Scenario.objects.create_for(editor, workflow, name="P", inputs={}, job_keys=[])
    return Adoption.adopt(
        scenario.versions.get(),
        workflow,
        editor,
        live_on=live_on,
        approved_by="Dana",
        budget_usd_per_month=600,
    )


def _comparison_url(workflow: Workflow) -> str:
    return reverse("workflow_monitor_comparison", args=[workflow.pk])


def _url(workflow: Workflow) -> str:
    return reverse("workflow_monitor", args=[workflow.pk])


def test_it_says_plainly_when_there_is_no_data(workflow: Workflow, viewer_client: Client) -> None:
    response = viewer_client.get(_url(workflow))
    assert response.status_code == 200
    text = response.content.decode()
    assert "No runs of this workflow were created in this window" in text
    assert "No version of a scenario is adopted for this workflow yet" in text


def test_it_charts_a_history_and_marks_the_adoption(
    workflow: Workflow, viewer_client: Client, editor
) -> None:
    live_on = _adopted_after_history(workflow, editor, days=10).live_on
    response = viewer_client.get(_url(workflow))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count(">v1 live<") == 4  # every chart
    assert f"went live on <strong>{live_on:%Y-%m-%d}</strong>" in text
    assert "16 min 52 s" in text  # 1012 s: the table before the change
    assert "8 min 44 s" in text  # 524 s after it
    weekly = viewer_client.get(_url(workflow), {"period": "week"})
    assert weekly.context["monitor"].shown.period == "week"
    assert weekly.content.decode().count(">v1 live<") == 4
    assert "<script" not in text.split("</head>")[1]


def test_filters_narrow_the_runs_and_bad_ones_are_refused(
    workflow: Workflow, viewer_client: Client
) -> None:
    generate_history(
        workflow,
        HistoryShape(
            before=BEFORE,
            after=AFTER,
            live_on=timezone.now().date() - timedelta(days=3),
            days_before=3,
            days_after=3,
            other_branch="feature/x",
            other_branch_per_day=2,
        ),
    )
    page = viewer_client.get(_url(workflow), {"branch": "feature/x"})
    assert page.context["monitor"].pipelines_measured == 12
    assert viewer_client.get(_url(workflow)).context["monitor"].pipelines_measured == 66
    refused = viewer_client.get(_url(workflow), {"days": "9999", "trigger": "nope"})
    assert refused.status_code == 200
    assert "Pick one of the windows listed." in refused.content.decode()
    assert refused.context["monitor"].pipelines_measured == 66
    nothing = viewer_client.get(_url(workflow), {"branch": "gone"})
    assert "with these filters" in nothing.content.decode()


def test_the_page_answers_before_the_model_is_re_run_and_htmx_fills_the_table(
    workflow: Workflow, viewer_client: Client, editor
) -> None:
    scenario = _adopted_after_history(workflow, editor, days=5).version.scenario
    cache.clear()
    cold = viewer_client.get(_url(workflow), {"branch": "main"})
    assert cold.context["comparison"] is None
    placeholder = re.search(r'id="predicted-actual" hx-get="([^"]+)"', cold.content.decode())
    assert placeholder
    url = html.unescape(placeholder.group(1))
    assert url.startswith(_comparison_url(workflow) + "?") and "branch=main" in url

    fragment = viewer_client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    section = fragment.content.decode()
    assert "<html" not in section and "Predicted against actual, since" in section
    assert fragment.context["comparison"].adoption.version.scenario == scenario
    # Remembered now: the page shows the same section inline, with no placeholder.
    warm = viewer_client.get(_url(workflow), {"branch": "main"})
    assert 'id="predicted-actual" hx-get' not in warm.content.decode()
    assert section.strip() in warm.content.decode()

    cache.clear()
    without_js = viewer_client.get(url)  # the placeholder's link, followed without htmx
    assert without_js.status_code == 200
    assert "<html" in without_js.content.decode()
    assert without_js.context["comparison"] is not None


def test_another_teams_workflow_is_a_404(workflow: Workflow, outsider: Client) -> None:
    assert outsider.get(_url(workflow)).status_code == 404
    assert outsider.get(_comparison_url(workflow)).status_code == 404
    hx = outsider.get(_comparison_url(workflow), headers={"HX-Request": "true"})
    assert hx.status_code == 404


def test_on_the_live_day_the_page_says_when_the_comparison_starts(
    workflow: Workflow, viewer_client: Client, editor
) -> None:
    today = timezone.now().date()
    _adopt(workflow, editor, today)
    cache.clear()
    fragment = viewer_client.get(_comparison_url(workflow), headers={"HX-Request": "true"})
    words = f"it starts once a whole day has passed since the change went live on {today:%Y-%m-%d}."
    assert words in fragment.content.decode()
    page = viewer_client.get(_url(workflow)).content.decode()  # remembered: shown inline
    assert words in page and 'id="predicted-actual" hx-get' not in page
