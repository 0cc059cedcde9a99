"""The what-if pages: a live scenario form, saved and versioned scenarios, comparisons.

The live form posts to `scenario_calculate` on every change; the fast panels come back at
once and the verdict (a seeded Monte Carlo) follows in a second request, so typing never
waits for a simulation. Without JavaScript the same form submits and renders everything.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from decider import access
from decider.engine import inputs as engine
from decider.engine.presets import APPLY, PRESETS, apply_preset
from decider.forms import ScenarioSaveForm
from decider.models import Scenario, Workflow
from decider.scenario_compare import comparison
from decider.scenario_form import ScenarioForm, form_data
from decider.scenario_results import ScenarioResults, build_results
from decider.scenarios import (
    engine_pools,
    engine_workflow,
    run_analysis,
    stored_scenario,
)

PAGE = "decider/scenario.html"


def _inputs(workflow: Workflow) -> tuple[engine.Workflow, list[engine.Pool]]:
    return engine_workflow(workflow), engine_pools(workflow.repository.team)


def _results(
    graph: engine.Workflow, pools: list[engine.Pool], scenario: engine.Scenario, *, verdict: bool
) -> ScenarioResults:
    return build_results(run_analysis(graph, pools, scenario, with_verdict=verdict))


def _page(
    request: HttpRequest,
    workflow: Workflow,
    form: ScenarioForm,
    save_form: ScenarioSaveForm,
    *,
    results: ScenarioResults | None,
    scenario_row: Scenario | None = None,
    status: int = 200,
    warnings: list[str] | None = None,
) -> HttpResponse:
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "form": form,
        "save_form": save_form,
        "results": results,
        "scenario_row": scenario_row,
        "can_edit": access.is_editor(request, workflow.repository.team),
        "presets": PRESETS.values(),
        "warnings": warnings or [],
    }
    return render(request, PAGE, context, status=status)


@login_required
@require_GET
def scenario_new(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    graph, pools = _inputs(workflow)
    scenario = engine.Scenario()
    preset = request.GET.get("preset", "")
    name = "New scenario"
    if preset in APPLY:
        scenario = apply_preset(graph, scenario, preset)
        name = PRESETS[preset].title
    form = ScenarioForm(form_data(scenario, graph, pools), workflow=graph, pools=pools)
    save_form = ScenarioSaveForm(initial={"name": name}, prefix="save")
    results = _results(graph, pools, scenario, verdict=True)
    return _page(request, workflow, form, save_form, results=results)


@login_required
@require_POST
def scenario_calculate(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Recalculate from the posted inputs; read-only, so viewers may play too."""
    workflow = access.workflow_or_404(request, workflow_id)
    graph, pools = _inputs(workflow)
    form = ScenarioForm(request.POST, workflow=graph, pools=pools)
    if request.htmx:
        if not form.is_valid():
            # Keep the last good results on screen; only the error slots change.
            response = render(request, f"{PAGE}#field_errors", {"form": form})
            response["HX-Reswap"] = "none"
            return response
        results = _results(graph, pools, form.cleaned_data["scenario"], verdict=False)
        context = {"form": form, "results": results, "workflow": workflow, "deferred": True}
        return render(request, f"{PAGE}#live", context)
    save_form = ScenarioSaveForm(request.POST, prefix="save")
    row = _edited_scenario(request, workflow)
    results = None
    if form.is_valid():
        results = _results(graph, pools, form.cleaned_data["scenario"], verdict=True)
    return _page(request, workflow, form, save_form, results=results, scenario_row=row)


def _edited_scenario(request: HttpRequest, workflow: Workflow) -> Scenario | None:
    """The saved scenario a no-JavaScript recalculation came from, so it can still be saved
    as its next version."""
    scenario_id = request.POST.get("scenario", "")
    if not scenario_id.isdigit():
        return None
    row = access.scenario_or_404(request, int(scenario_id))
    return row if row.workflow_id == workflow.pk else None


@login_required
@require_POST
def scenario_verdict(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """The decision panel: verdict, ask, framework and costs, from the Monte Carlo."""
    workflow = access.workflow_or_404(request, workflow_id)
    graph, pools = _inputs(workflow)
    form = ScenarioForm(request.POST, workflow=graph, pools=pools)
    if not form.is_valid():
        return render(request, f"{PAGE}#decision", {"results": None, "invalid": True})
    results = _results(graph, pools, form.cleaned_data["scenario"], verdict=True)
    return render(request, f"{PAGE}#decision", {"results": results, "workflow": workflow})


def _save_target(
    request: HttpRequest, workflow: Workflow
) -> tuple[engine.Workflow, list[engine.Pool], ScenarioForm, ScenarioSaveForm]:
    graph, pools = _inputs(workflow)
    form = ScenarioForm(request.POST, workflow=graph, pools=pools)
    save_form = ScenarioSaveForm(request.POST, prefix="save")
    return graph, pools, form, save_form


@login_required
@require_POST
def scenario_create(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    access.require_editor(request, workflow.repository.team)
    graph, pools, form, save_form = _save_target(request, workflow)
    if not (form.is_valid() and save_form.is_valid()):
        results = (
            _results(graph, pools, form.cleaned_data["scenario"], verdict=True)
            if form.is_valid()
            else None
        )
        return _page(request, workflow, form, save_form, results=results)
    row = Scenario.objects.create_for(
        request.user,
        workflow,
        name=save_form.cleaned_data["name"],
        note=save_form.cleaned_data["note"],
        inputs=form.cleaned_data["scenario"].model_dump(mode="json"),
        job_keys=[job.key for job in graph.jobs],
    )
    messages.success(request, f"Saved scenario “{row.name}”.")
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    workflow = row.workflow
    if request.method == "POST":
        return _save_existing(request, row)
    graph, pools = _inputs(workflow)
    try:
        stored = stored_scenario(row.inputs, row.job_keys, graph, pools)
    except ValidationError as error:
        messages.error(request, f"This scenario no longer fits its workflow: {error}")
        stored = None
    scenario = stored.scenario if stored else engine.Scenario()
    form = ScenarioForm(form_data(scenario, graph, pools), workflow=graph, pools=pools)
    save_form = ScenarioSaveForm(
        initial={"name": row.name, "note": row.note, "version": row.version}, prefix="save"
    )
    results = _results(graph, pools, scenario, verdict=True)
    warnings = stored.warnings if stored else []
    return _page(
        request, workflow, form, save_form, results=results, scenario_row=row, warnings=warnings
    )


def _save_existing(request: HttpRequest, row: Scenario) -> HttpResponse:
    """Optimistic locking: the save names the version it edited; a newer one refuses it."""
    access.require_editor(request, row.team)
    graph, pools, form, save_form = _save_target(request, row.workflow)
    if not (form.is_valid() and save_form.is_valid()):
        return _page(request, row.workflow, form, save_form, results=None, scenario_row=row)
    with transaction.atomic():
        updated = Scenario.objects.filter(
            pk=row.pk, version=save_form.cleaned_data["version"]
        ).update(
            name=save_form.cleaned_data["name"],
            note=save_form.cleaned_data["note"],
            inputs=form.cleaned_data["scenario"].model_dump(mode="json"),
            job_keys=[job.key for job in graph.jobs],
            version=F("version") + 1,
            updated_by=request.user,
        )
    if not updated:
        row.refresh_from_db()
        save_form.add_error(
            None,
            f"{row.updated_by or 'Someone'} saved version {row.version} of this scenario while you "
            "were editing. Your inputs are still here: save them as a new scenario, or open the "
            "latest version and apply your changes to it.",
        )
        results = _results(graph, pools, form.cleaned_data["scenario"], verdict=True)
        return _page(
            request, row.workflow, form, save_form, results=results, scenario_row=row, status=409
        )
    messages.success(request, f"Saved scenario “{save_form.cleaned_data['name']}”.")
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_POST
def scenario_duplicate(request: HttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    copy = Scenario.objects.create_for(
        request.user,
        row.workflow,
        name=f"{row.name} (copy)",
        note=row.note,
        inputs=row.inputs,
        job_keys=row.job_keys,
    )
    messages.success(request, f"Duplicated as “{copy.name}”.")
    return redirect("scenario", scenario_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """GET asks for confirmation (a page, so it works without JavaScript); POST deletes."""
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    if request.method == "GET":
        return render(request, "decider/scenario_delete.html", {"scenario": row})
    workflow_id = row.workflow_id
    row.delete()
    messages.success(request, f"Deleted scenario “{row.name}”.")
    return redirect("workflow_scenarios", workflow_id=workflow_id)


@login_required
@require_GET
def workflow_scenarios(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    rows = workflow.scenarios.select_related("created_by", "updated_by")
    context = {
        "workflow": workflow,
        "scenarios": rows,
        "presets": PRESETS.values(),
        "can_edit": access.is_editor(request, workflow.repository.team),
    }
    return render(request, "decider/scenario_list.html", context)


@login_required
@require_GET
def team_scenarios(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    rows = team.scenarios.select_related("workflow__repository", "created_by", "updated_by")
    context = {"team": team, "scenarios": rows, "can_edit": access.is_editor(request, team)}
    return render(request, "decider/scenario_list.html", context)


@login_required
@require_GET
def scenario_compare(request: HttpRequest) -> HttpResponse:
    ids = request.GET.getlist("id")
    table = comparison(request, ids)
    if table.error:
        return render(request, "decider/compare.html", {"error": table.error}, status=400)
    return render(
        request, "decider/compare.html", {"table": table, "compare_query": request.GET.urlencode()}
    )
