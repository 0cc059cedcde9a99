"""Measured load read from stored job runs, and the what-if's measured defaults.

The history (built here, figures known by construction): two weeks from Monday 2 March 2026
00:00 UTC. Pool `small` has 4 runners. Workflow `other` starts one 30-minute job on `small`
every hour, a minute after it was created on the hour: 336 jobs keeping 336 x 1800 runner-seconds
busy of 4 x 14 days (12.5%). The what-if's workflow `build` runs every two hours (0.5 an hour),
one 10-minute job on `small`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from decider.adapter.measured import measured_defaults, team_load
from decider.adapter.whatif import WhatIf
from decider.models import JobRun, WorkflowRun
from tests.conftest import client_for
from tests.factories import JobFactory, RepositoryFactory, RunnerPoolFactory, WorkflowFactory

START = datetime(2026, 3, 2, tzinfo=UTC)
NOW = datetime(2026, 4, 1, tzinfo=UTC)
HOURS = 14 * 24


def _runs(job: Any, every_hours: int, length_s: float, first_run_id: int) -> None:
    runs = WorkflowRun.objects.bulk_create(
        WorkflowRun(
            workflow=job.workflow,
            github_run_id=first_run_id + hour,
            created_at=START + timedelta(hours=hour),
        )
        for hour in range(0, HOURS, every_hours)
    )
    JobRun.objects.bulk_create(
        JobRun(
            job=job,
            run=run,
            github_job_id=run.github_run_id,
            created_at=run.created_at,
            started_at=run.created_at + timedelta(minutes=1),
            completed_at=run.created_at + timedelta(minutes=1, seconds=length_s),
            duration_s=length_s,
            conclusion="success",
            runner_labels=["self-hosted", "small"],
            runner_name=f"small-{run.github_run_id % 4}",
        )
        for run in runs
    )


@pytest.fixture
def history(team: Any) -> Any:
    RunnerPoolFactory(team=team, name="small", labels=["self-hosted", "small"], runners=4)
    RunnerPoolFactory(team=team, name="medium", labels=["self-hosted", "medium"], runners=2)
    repository = RepositoryFactory(team=team, name="acme/api")
    build = JobFactory(workflow=WorkflowFactory(repository=repository, name="build"), key="test")
    other = JobFactory(workflow=WorkflowFactory(repository=repository, name="other"), key="bg")
    _runs(other, 1, 1800, 10_000)
    _runs(build, 2, 600, 20_000)
    return build.workflow


@pytest.mark.django_db
def test_the_team_load_covers_the_last_14_days_of_data_in_whole_days(history: Any) -> None:
    load = team_load(history.repository.team, now=NOW)
    assert load is not None
    assert (load.measured.window.start, load.measured.window.end) == (
        START,
        START + timedelta(days=14),
    )
    small, medium = sorted(load.measured.pools, key=lambda pool: pool.pool, reverse=True)
    assert (small.jobs, medium.jobs) == (HOURS + HOURS // 2, 0)
    busy = HOURS * 1800 + HOURS // 2 * 600
    assert small.served_utilization == pytest.approx(busy / (4 * 14 * 86400))
    assert small.queue_wait.p50_s == pytest.approx(60)
    assert load.sentence == "Measured over 14 days (2 Mar 2026 to 15 Mar 2026) from 504 jobs"


@pytest.mark.django_db
def test_the_defaults_are_the_other_workflows_load_and_this_workflows_rate(history: Any) -> None:
    defaults = measured_defaults(history.repository.team, history.pk, now=NOW)
    assert defaults.utilization == {"small": 0.125}
    assert defaults.background_job_s == {"small": 1800.0}
    assert defaults.pipelines_per_hour == 0.5
    assert defaults.sources["utilization:small"] == (
        "measured over 14 days (2 Mar 2026 to 15 Mar 2026) from 336 jobs of other workflows"
    )
    assert defaults.sources["pipelines_per_hour"] == (
        "measured over 14 days (2 Mar 2026 to 15 Mar 2026) from 168 runs of this workflow"
    )
    assert defaults.missing == [
        "No measured load for medium: no job of the team's other workflows ran on it in the "
        "last 14 days (2 Mar 2026 to 15 Mar 2026)."
    ]


@pytest.mark.django_db
def test_no_runs_with_times_means_no_measured_default_said_plainly(team: Any) -> None:
    workflow = WorkflowFactory(repository=RepositoryFactory(team=team))
    defaults = measured_defaults(team, workflow.pk)
    assert (defaults.utilization, defaults.pipelines_per_hour) == ({}, None)
    assert defaults.missing == ["No measured load: no job run of the team has times yet."]
    assert team_load(team) is None
    scenario, _ = WhatIf.of(workflow).starting_point()
    assert (scenario.utilization, scenario.pipelines_per_hour, scenario.measured) == ({}, None, [])


@pytest.mark.django_db
def test_the_what_if_opens_on_the_measured_load_and_says_where_it_came_from(
    history: Any, editor: Any, settings: Any
) -> None:
    # The window ends at the data, not today: the history is in the past.
    page = client_for(editor).get(reverse("scenario_new", args=[history.pk])).content.decode()
    assert 'name="utilization_1" value="12.5"' in page  # pools in name order: medium, small
    assert 'name="background_1" value="1800"' in page
    assert 'name="pipelines_per_hour" value="0.5"' in page
    assert "small baseline utilization 12.5%: measured over 14 days" in page
    assert "small background job length 30 min: measured over 14 days" in page
    assert "pipelines per hour 0.5: measured over 14 days" in page
    assert "No measured load for medium" in page


@pytest.mark.django_db
def test_a_measured_default_changed_by_the_user_is_typed(history: Any) -> None:
    from decider.web.forms.scenario import ScenarioForm, form_data

    whatif = WhatIf.of(history)
    scenario, _ = whatif.starting_point()
    assert {value.key for value in scenario.measured} == {
        "utilization:small",
        "background_job_s:small",
        "pipelines_per_hour",
    }
    data = form_data(scenario, whatif.graph, whatif.pools)
    names = [pool.name for pool in whatif.pools]
    data[f"utilization_{names.index('small')}"] = 30
    form = ScenarioForm(data, workflow=whatif.graph, pools=whatif.pools, measured=whatif.measured)
    assert form.is_valid(), form.errors
    kept = form.cleaned_data["scenario"]
    assert {value.key for value in kept.measured} == {
        "background_job_s:small",
        "pipelines_per_hour",
    }
    assert kept.utilization["small"] == pytest.approx(0.3)
    assert kept.background_job_s == {"small": 1800.0}


@pytest.mark.django_db
def test_the_pdf_says_which_load_figures_were_measured_and_which_typed(
    history: Any, editor: Any
) -> None:
    import io

    from pypdf import PdfReader

    from decider.models import Scenario
    from decider.reports.pdf import render_scenario_pdf

    whatif = WhatIf.of(history)
    scenario, _ = whatif.starting_point()
    # The user types medium's load (nothing measured it) and keeps small's as measured; the
    # pipeline rate is changed without going through the form, and still counts as typed.
    scenario = scenario.model_copy(
        update={
            "utilization": {**scenario.utilization, "medium": 0.3},
            "pipelines_per_hour": 2.0,
            "simulated_pipelines": 10,
        }
    )
    row = Scenario.objects.create_for(
        editor,
        history,
        name="measured",
        inputs=scenario.model_dump(mode="json"),
        job_keys=whatif.job_keys(),
    )
    reader = PdfReader(io.BytesIO(render_scenario_pdf(row)))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Load measured small baseline utilization 12.5%: measured over 14 days" in text
    assert "pipelines per hour 0.5: measured" not in text
    assert (
        "Load typed medium baseline utilization 30.0%: typed in the scenario; pipelines per "
        "hour 2: typed" in text
    )


@pytest.mark.django_db
def test_the_repository_page_shows_each_pools_load_and_heatmap(history: Any, viewer: Any) -> None:
    url = reverse("repository", args=[history.repository.pk])
    page = client_for(viewer).get(url).content.decode()
    assert "Measured over 14 days (2 Mar 2026 to 15 Mar 2026) from 504 jobs" in page
    assert page.count('class="chart heatmap"') == 1  # small; medium ran nothing
    assert "Jobs started per hour of the week on small" in page
    # Served utilization of small: (336 x 30 min + 168 x 10 min) / (4 runners x 14 days).
    assert '<td class="num">14.6%</td>' in page
    week = client_for(viewer).get(url, {"days": "7"}).content.decode()
    assert "Measured over 7 days (9 Mar 2026 to 15 Mar 2026)" in week


@pytest.mark.django_db
def test_a_posted_form_knows_its_measured_defaults_from_the_signed_token_only(
    history: Any,
) -> None:
    from decider.adapter.measured import signed_defaults
    from decider.web.forms.scenario import ScenarioForm, form_data

    whatif = WhatIf.of(history)
    scenario, _ = whatif.starting_point()
    data = form_data(scenario, whatif.graph, whatif.pools)
    data["measured"] = signed_defaults(whatif.measured)
    form = ScenarioForm(data, workflow=whatif.graph, pools=whatif.pools)
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["scenario"].measured) == 3
    assert "No measured load for medium" in " ".join(form.measured_notes())
    data["measured"] += "x"  # altered: nothing is measured
    form = ScenarioForm(data, workflow=whatif.graph, pools=whatif.pools)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scenario"].measured == []
