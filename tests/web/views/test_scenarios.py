from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decider.adapter.inputs import engine_pools, engine_workflow
from decider.engine import inputs as engine_inputs
from decider.engine.formatting import duration
from decider.engine.presets import apply_preset
from decider.importers.store import store_workflows
from decider.importers.workflow_yaml import parse_workflow
from decider.models import Repository, Scenario, Team, Workflow
from decider.web.forms.scenario import form_data
from tests.factories import JobRunFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


def parallel_form(workflow: Workflow, **changes: object) -> dict[str, object]:
    graph, pools = engine_workflow(workflow), engine_pools(workflow.repository.team)
    data = form_data(apply_preset(graph, engine_inputs.Scenario(), "parallel"), graph, pools)
    data.update(changes)
    return data


def test_the_demo_scenario_tells_the_seeds_story(
    demo_workflow: Workflow, demo_editor: Client
) -> None:
    row = Scenario.objects.get(workflow=demo_workflow, name="Parallel production builds")
    response = demo_editor.get(reverse("scenario", args=[row.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    for figure in ("16 min 52 s", "8 min 44 s", "8 min 8 s", "34 min 17 s"):
        assert figure in text
    results = response.context["results"]
    current, proposed = results.analysis.current, results.analysis.proposed
    assert (current.peak_runners["total"], proposed.peak_runners["total"]) == (5, 8)
    assert (proposed.peak_runners["small"], proposed.peak_runners["medium"]) == (4, 4)
    assert results.framework.pool == "medium"
    assert "applies" in text


def test_a_new_scenario_starts_from_a_preset(demo_workflow: Workflow, demo_viewer: Client) -> None:
    response = demo_viewer.get(
        reverse("scenario_new", args=[demo_workflow.pk]) + "?preset=parallel"
    )
    assert response.status_code == 200
    assert response.context["results"].analysis.proposed.wall_clock_s == 524
    assert b"Save scenario" not in response.content  # viewers play, but do not save


@pytest.mark.parametrize("name", ["scenario_new", "workflow_scenarios"])
def test_another_teams_workflow_is_a_404(
    demo_workflow: Workflow, outsider: Client, name: str
) -> None:
    assert outsider.get(reverse(name, args=[demo_workflow.pk])).status_code == 404


@pytest.mark.parametrize("name", ["scenario_calculate", "scenario_verdict", "scenario_create"])
def test_posting_to_another_teams_workflow_is_a_404(
    demo_workflow: Workflow, outsider: Client, name: str
):
    assert (
        outsider.post(
            reverse(name, args=[demo_workflow.pk]), parallel_form(demo_workflow)
        ).status_code
        == 404
    )


def test_htmx_recalculation_returns_only_the_results_panel(
    demo_workflow: Workflow, demo_viewer: Client
):
    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, runners_1="1"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text and 'id="results"' in text
    assert 'hx-trigger="load"' in text  # the verdict follows in its own request
    assert response.context["results"].analysis.proposed.constrained.wall_clock_s == 1057


def test_invalid_input_keeps_the_last_results_and_marks_the_field(
    demo_workflow: Workflow, demo_viewer: Client
):
    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, runners_0="-1", utilization_1="150"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    text = response.content.decode()
    assert 'id="results"' not in text
    assert "greater than or equal to 0" in text and "less than or equal to 100" in text
    assert 'id="err-runners_0" hx-swap-oob="true">Ensure' in text


def test_an_added_need_that_makes_a_cycle_is_named(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(
            demo_workflow,
            add_needs="build-test-image-api: publish-api\npublish-api: lint-and-unit-api",
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Reswap"] == "none"
    assert "cycle: build-test-image-api -&gt; publish-api" in response.content.decode()


def test_without_javascript_recalculation_renders_the_whole_page(
    demo_workflow: Workflow, demo_viewer: Client
):
    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]), parallel_form(demo_workflow)
    )
    assert response.status_code == 200
    assert b"<html" in response.content
    assert response.context["results"].decision is not None
    bad = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, runners_0="x"),
    )
    assert bad.status_code == 200
    assert b"Enter a whole number" in bad.content


def test_the_verdict_request_returns_the_decision_panel(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    response = demo_viewer.post(
        reverse("scenario_verdict", args=[demo_workflow.pk]),
        parallel_form(demo_workflow),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="decision"' in text and "<html" not in text
    assert "The ask" in text
    # The pipeline's whole wait for runners is not set against the per-job target.
    decision = response.context["results"].analysis.decision
    sim = decision.simulation
    assert sim is not None
    delay = duration(sim.proposed_p90_queue_delay_s)
    assert (
        f"Waiting for runners makes the proposed pipeline {delay} longer (p90) than on "
        "unlimited runners" in text
    )
    assert f"queue wait</a> per job of at most {duration(sim.target_queue_wait_s)}." in text


def test_an_editor_saves_a_scenario_as_validated_engine_inputs(
    demo_workflow: Workflow, demo_editor: Client
):
    data = parallel_form(demo_workflow, **{"save-name": "My <b>plan</b>", "save-note": "why"})
    response = demo_editor.post(reverse("scenario_create", args=[demo_workflow.pk]), data)
    row = Scenario.objects.get(name="My <b>plan</b>")
    assert response.status_code == 302
    assert response["Location"] == reverse("scenario", args=[row.pk])
    graph = engine_workflow(demo_workflow)
    saved = engine_inputs.Scenario.model_validate(row.inputs, context={"workflow": graph})
    assert {(e.job, e.need) for e in saved.remove_needs} == {(6, 0), (7, 1), (8, 2)}
    assert row.job_keys == [job.key for job in graph.jobs]
    assert row.created_by is not None and row.version == 1
    page = demo_editor.get(reverse("scenario", args=[row.pk])).content.decode()
    assert "My &lt;b&gt;plan&lt;/b&gt;" in page and "My <b>plan" not in page


def test_a_viewer_cannot_save(demo_workflow: Workflow, demo_viewer: Client) -> None:
    data = parallel_form(demo_workflow, **{"save-name": "nope"})
    assert (
        demo_viewer.post(reverse("scenario_create", args=[demo_workflow.pk]), data).status_code
        == 403
    )
    row = Scenario.objects.get(workflow=demo_workflow)
    data["save-version"] = row.version
    assert demo_viewer.post(reverse("scenario", args=[row.pk]), data).status_code == 403
    assert demo_viewer.post(reverse("scenario_delete", args=[row.pk])).status_code == 403
    assert demo_viewer.post(reverse("scenario_duplicate", args=[row.pk])).status_code == 403
    assert Scenario.objects.count() == 1


def test_saving_a_new_version_and_refusing_a_stale_one(
    demo_workflow: Workflow, demo_editor: Client
) -> None:
    row = Scenario.objects.get(workflow=demo_workflow)
    url = reverse("scenario", args=[row.pk])
    first = parallel_form(demo_workflow, runners_1="5", **{"save-name": "v2", "save-version": 1})
    assert demo_editor.post(url, first).status_code == 302
    row.refresh_from_db()
    assert (row.version, row.name, row.inputs["runners"]) == (2, "v2", {"medium": 5})

    stale = parallel_form(demo_workflow, runners_1="9", **{"save-name": "mine", "save-version": 1})
    response = demo_editor.post(url, stale)
    assert response.status_code == 409
    text = response.content.decode()
    assert "saved version 2 of this scenario while you were editing" in text
    assert 'name="runners_1" value="9"' in text  # their inputs are still on screen
    row.refresh_from_db()
    assert (row.version, row.name, row.inputs["runners"]) == (2, "v2", {"medium": 5})


def test_another_teams_scenario_is_a_404_everywhere(
    demo_workflow: Workflow, outsider: Client
) -> None:
    row = Scenario.objects.get(workflow=demo_workflow)
    assert outsider.get(reverse("scenario", args=[row.pk])).status_code == 404
    assert outsider.post(reverse("scenario", args=[row.pk]), {}).status_code == 404
    assert outsider.post(reverse("scenario_delete", args=[row.pk])).status_code == 404
    assert outsider.post(reverse("scenario_duplicate", args=[row.pk])).status_code == 404
    compare = reverse("scenario_compare") + f"?id={row.pk}&id={row.pk + 1000}"
    assert outsider.get(compare).status_code == 404
    assert (
        outsider.get(
            reverse("team_scenarios", args=[demo_workflow.repository.team.slug])
        ).status_code
        == 404
    )


def test_duplicate_and_delete(demo_workflow: Workflow, demo_editor: Client) -> None:
    row = Scenario.objects.get(workflow=demo_workflow)
    response = demo_editor.post(reverse("scenario_duplicate", args=[row.pk]))
    copy = Scenario.objects.exclude(pk=row.pk).get()
    assert response["Location"] == reverse("scenario", args=[copy.pk])
    assert copy.inputs == row.inputs and copy.name.endswith("(copy)")
    demo_editor.post(reverse("scenario_delete", args=[copy.pk]))
    assert list(Scenario.objects.all()) == [row]


def test_lists_per_workflow_and_per_team(demo_workflow: Workflow, demo_viewer: Client) -> None:
    ScenarioFactory(workflow=demo_workflow, name="Second idea")
    for url in (
        reverse("workflow_scenarios", args=[demo_workflow.pk]),
        reverse("team_scenarios", args=[demo_workflow.repository.team.slug]),
    ):
        text = demo_viewer.get(url).content.decode()
        assert "Parallel production builds" in text and "Second idea" in text


def test_comparing_two_scenarios_marks_the_best_values(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    first = Scenario.objects.get(workflow=demo_workflow)
    second = ScenarioFactory(workflow=demo_workflow, name="Current graph", inputs={}, job_keys=[])
    response = demo_viewer.get(reverse("scenario_compare") + f"?id={first.pk}&id={second.pk}")
    assert response.status_code == 200
    table = response.context["table"]
    proposed = next(row for row in table.rows if row.label == "Proposed wall clock")
    assert proposed.values == [524, 1012]
    assert proposed.best == {0}
    assert "best" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?id=1", "?id=1&id=2&id=3&id=4&id=5", "?id=a&id=b"])
def test_comparing_needs_two_to_four_scenarios(
    demo_workflow: Workflow, demo_viewer: Client, query: str
) -> None:
    response = demo_viewer.get(reverse("scenario_compare") + query)
    assert response.status_code == 400


def test_a_scenario_follows_its_jobs_when_the_workflow_is_reordered(
    demo_workflow: Workflow, demo_editor: Client
):
    row = Scenario.objects.get(workflow=demo_workflow)
    # A re-import that declares the jobs in another order shifts the engine's ids.
    demo_workflow.jobs.filter(key="build-test-image-api").update(order=99)
    response = demo_editor.get(reverse("scenario", args=[row.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.analysis.proposed.wall_clock_s == 524
    assert results.analysis.current.wall_clock_s == 1012


def test_a_recalculation_without_javascript_keeps_the_saved_scenario(
    demo_workflow: Workflow, demo_editor: Client
):
    row = Scenario.objects.get(workflow=demo_workflow)
    data = parallel_form(demo_workflow, runners_1="5", scenario=str(row.pk))
    response = demo_editor.post(reverse("scenario_calculate", args=[demo_workflow.pk]), data)
    assert response.context["scenario_row"] == row
    assert f"Save version {row.version + 1}" in response.content.decode()


def test_a_recalculation_cannot_name_another_teams_scenario(
    demo_workflow: Workflow, demo_editor: Client
):
    theirs = ScenarioFactory(team=Team.objects.create(name="T", slug="t"))
    data = parallel_form(demo_workflow, scenario=str(theirs.pk))
    assert (
        demo_editor.post(reverse("scenario_calculate", args=[demo_workflow.pk]), data).status_code
        == 404
    )


def test_deleting_asks_first(
    demo_workflow: Workflow, demo_editor: Client, demo_viewer: Client
) -> None:
    row = Scenario.objects.get(workflow=demo_workflow)
    url = reverse("scenario_delete", args=[row.pk])
    response = demo_editor.get(url)
    assert response.status_code == 200
    assert "cannot be undone" in response.content.decode()
    assert Scenario.objects.filter(pk=row.pk).exists()
    assert demo_viewer.get(url).status_code == 403


def test_a_saved_scenario_shows_its_engine_inputs_exactly_as_saved(
    demo_workflow: Workflow, demo_viewer: Client
):
    row = Scenario.objects.get(workflow=demo_workflow)
    text = demo_viewer.get(reverse("scenario", args=[row.pk])).content.decode()
    assert "Engine inputs as saved in version 1" in text
    assert "&quot;remove_needs&quot;: [" in text
    assert "6 = build-production-api" in text


def test_a_scenario_whose_job_is_gone_drops_those_edits_and_says_so(
    demo_workflow: Workflow, demo_editor: Client
):
    row = Scenario.objects.get(workflow=demo_workflow)
    demo_workflow.jobs.filter(key="build-production-worker").delete()
    response = demo_editor.get(reverse("scenario", args=[row.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Job &#x27;build-production-worker&#x27; is no longer in the workflow" in text
    assert response.context["results"].analysis.proposed.wall_clock_s == 524


def test_a_saved_scenario_that_no_longer_validates_opens_on_the_current_graph(
    demo_workflow: Workflow, demo_editor: Client
) -> None:
    row = Scenario.objects.get(workflow=demo_workflow)
    row.inputs = {**row.inputs, "statistic": "fastest"}
    row.save()
    response = demo_editor.get(reverse("scenario", args=[row.pk]))
    assert response.status_code == 200
    assert "This scenario no longer fits its workflow" in response.content.decode()
    assert response.context["results"].analysis.proposed.wall_clock_s == 1012


def include_checkbox(page: str) -> str:
    """The attributes of the include-failed-runs checkbox."""
    return page.split('name="include_failed_runs"')[1].split(">")[0]


def failed_publish_runs(workflow: Workflow) -> int:
    """Two failed runs of publish-api (unmeasured in the seed); its engine job id."""
    publish = workflow.jobs.get(key="publish-api")
    JobRunFactory(job=publish, conclusion="failure", duration_s=90)
    JobRunFactory(job=publish, conclusion="failure", duration_s=120)
    return next(job.id for job in engine_workflow(workflow).jobs if job.key == "publish-api")


def test_the_job_table_shows_the_runs_used_and_why_a_job_is_unmeasured(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    publish = failed_publish_runs(demo_workflow)

    response = demo_viewer.get(reverse("scenario_new", args=[demo_workflow.pk]))

    text = response.content.decode()
    assert "Include failed, cancelled and timed-out runs" in text
    assert "checked" not in include_checkbox(text)
    assert f'id="runs-{publish}">2 runs, all failed</span>' in text
    assert 'id="runs-0">3 runs used</span>' in text
    assert f'name="estimate_{publish}"' in text  # no successful run: it may be estimated
    analysis = response.context["results"].analysis
    assert analysis.jobs[publish].duration_s is None
    assert analysis.current.wall_clock_s == 1012  # the seed's figures do not move


def test_including_failed_runs_measures_the_job_and_updates_its_runs_live(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    publish = failed_publish_runs(demo_workflow)

    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, include_failed_runs="on"),
        HTTP_HX_REQUEST="true",
    )

    text = response.content.decode()
    assert f'id="runs-{publish}" hx-swap-oob="true">2 runs used</span>' in text
    analysis = response.context["results"].analysis
    assert analysis.jobs[publish].duration_s == 120  # the latest of its runs
    assert publish not in analysis.unmeasured


def test_invalid_input_still_updates_the_runs_used(
    demo_workflow: Workflow, demo_viewer: Client
) -> None:
    publish = failed_publish_runs(demo_workflow)

    response = demo_viewer.post(
        reverse("scenario_calculate", args=[demo_workflow.pk]),
        parallel_form(demo_workflow, runners_0="-1", include_failed_runs="on"),
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Reswap"] == "none"
    assert f'id="runs-{publish}" hx-swap-oob="true">2 runs used</span>' in (
        response.content.decode()
    )


def test_a_saved_scenario_keeps_its_choice_to_include_failed_runs(
    demo_workflow: Workflow, demo_editor: Client
) -> None:
    data = parallel_form(demo_workflow, include_failed_runs="on", **{"save-name": "with failures"})
    demo_editor.post(reverse("scenario_create", args=[demo_workflow.pk]), data)
    row = Scenario.objects.get(name="with failures")
    assert row.inputs["include_failed_runs"] is True

    page = demo_editor.get(reverse("scenario", args=[row.pk])).content.decode()
    assert "checked" in include_checkbox(page)


def test_a_saved_scenario_of_a_workflow_without_jobs_says_there_is_nothing_to_size(
    team: Team, editor_client: Client
) -> None:
    row = ScenarioFactory(workflow__repository__team=team, inputs={"pipelines_per_hour": 2})
    assert not row.workflow.jobs.exists()
    for name in ("scenario", "scenario_pdf"):
        response = editor_client.get(reverse(name, args=[row.pk]))
        assert response.status_code == 200
    page = editor_client.get(reverse("scenario", args=[row.pk]))
    assert "this workflow has no jobs" in page.content.decode()
    verdict = editor_client.post(reverse("scenario_verdict", args=[row.workflow.pk]), {})
    assert verdict.status_code == 200


CONDITIONAL = (
    "name: release\non: [push, pull_request]\njobs:\n"
    "  test:\n    runs-on: [self-hosted, small]\n"
    "  publish:\n    needs: test\n    if: github.event_name == 'push'\n"
    "    runs-on: [self-hosted, small]\n"
    "  e2e:\n    needs: test\n    if: contains(github.event.pull_request.labels.*.name, 'e2e')\n"
    "    runs-on: [self-hosted, small]\n"
)


def conditional_workflow(team: Team) -> Workflow:
    repository = Repository.objects.create(team=team, name="acme/release")
    (report,) = store_workflows(repository, [parse_workflow("release.yml", CONDITIONAL)])
    return report.workflow


def test_the_trigger_chosen_in_the_form_skips_and_flags_jobs(
    demo_team: Team, demo_viewer: Client
) -> None:
    workflow = conditional_workflow(demo_team)
    graph, pools = engine_workflow(workflow), engine_pools(demo_team)
    data = form_data(engine_inputs.Scenario(trigger="pull_request"), graph, pools)

    response = demo_viewer.post(
        reverse("scenario_calculate", args=[workflow.pk]), data, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    analysis = response.context["results"].analysis
    assert analysis.trigger == "pull_request"
    assert [job.key for job in analysis.jobs if job.skipped] == ["publish"]
    assert [job.key for job in analysis.jobs if job.condition_undecided] == ["e2e"]
    text = response.content.decode()
    assert "For a pull request, 1 of 3 jobs do not run" in text
    assert "counted as running: e2e" in text


def test_every_job_runs_when_no_trigger_is_chosen(demo_team: Team, demo_viewer: Client) -> None:
    workflow = conditional_workflow(demo_team)
    graph, pools = engine_workflow(workflow), engine_pools(demo_team)

    response = demo_viewer.post(
        reverse("scenario_calculate", args=[workflow.pk]),
        form_data(engine_inputs.Scenario(), graph, pools),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert not any(job.skipped for job in response.context["results"].analysis.jobs)


def test_an_unknown_trigger_is_a_form_error_not_a_500(demo_team: Team, demo_viewer: Client) -> None:
    workflow = conditional_workflow(demo_team)
    graph, pools = engine_workflow(workflow), engine_pools(demo_team)
    data = form_data(engine_inputs.Scenario(), graph, pools)
    data["trigger"] = "release"

    response = demo_viewer.post(
        reverse("scenario_calculate", args=[workflow.pk]), data, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
