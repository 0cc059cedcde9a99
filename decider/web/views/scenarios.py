"""The what-if pages: a live scenario form, saved and versioned scenarios, their lists.

The live form posts to `scenario_calculate` on every change; the fast panels come back at
once and the verdict (a seeded simulation) follows in a second request, so typing never
waits for a simulation. Without JavaScript the same form submits and renders everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decider.adapter.measured import signed_defaults
from decider.adapter.results import ScenarioResults
from decider.adapter.saved import (
    SavedAnalysis,
    ScenarioNoLongerFits,
    analyse_saved,
    listed_scenarios,
)
from decider.adapter.versions import new_version
from decider.adapter.whatif import WhatIf, preset_list
from decider.models import Scenario, ScenarioVersion, Workflow
from decider.web import access
from decider.web.forms.scenario import ScenarioForm, ScenarioSaveForm, form_data
from decider.web.request import HtmxHttpRequest

if TYPE_CHECKING:
    from decider.engine.inputs import Scenario as EngineScenario

PAGE = "decider/scenario.html"
# A list analyses this many of its most recently saved scenarios for their key figures: the
# first visit simulates each (later ones hit the cache), so a long list stays quick.
LISTED_WITH_FIGURES = 10


def _forms(request: HtmxHttpRequest, whatif: WhatIf) -> tuple[ScenarioForm, ScenarioSaveForm]:
    form = ScenarioForm(
        request.POST, workflow=whatif.graph, pools=whatif.pools, prices=whatif.prices
    )
    return form, ScenarioSaveForm(request.POST, prefix="save")


def _form_for(whatif: WhatIf, scenario: EngineScenario) -> ScenarioForm:
    """The form filled in as a browser would post it back."""
    data = form_data(scenario, whatif.graph, whatif.pools)
    data["measured"] = signed_defaults(whatif.measured)
    return ScenarioForm(
        data,
        workflow=whatif.graph,
        pools=whatif.pools,
        measured=whatif.measured,
        prices=whatif.prices,
    )


def _valid_results(form: ScenarioForm, whatif: WhatIf) -> ScenarioResults | None:
    return whatif.results(form.cleaned_data["scenario"], verdict=True) if form.is_valid() else None


def _page(
    request: HtmxHttpRequest,
    workflow: Workflow,
    form: ScenarioForm,
    save_form: ScenarioSaveForm,
    *,
    results: ScenarioResults | None,
    scenario_row: Scenario | None = None,
    status: int = 200,
    warnings: list[str] | None = None,
    shown_version: SavedAnalysis | None = None,
) -> HttpResponse:
    context = {
        "shown_version": shown_version,
        "workflow": workflow,
        "repository": workflow.repository,
        "form": form,
        "save_form": save_form,
        "results": results,
        "scenario_row": scenario_row,
        "can_edit": access.is_editor(request, workflow.repository.team),
        "presets": preset_list(),
        "warnings": warnings or [],
    }
    return render(request, PAGE, context, status=status)


@login_required
@require_GET
def scenario_new(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    whatif = WhatIf.of(workflow)
    scenario, name = whatif.starting_point(request.GET.get("preset", ""))
    save_form = ScenarioSaveForm(initial={"name": name}, prefix="save")
    results = whatif.results(scenario, verdict=True)
    return _page(request, workflow, _form_for(whatif, scenario), save_form, results=results)


@login_required
@require_POST
def scenario_calculate(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    """Recalculate from the posted inputs; read-only, so viewers may play too."""
    workflow = access.workflow_or_404(request, workflow_id)
    whatif = WhatIf.of(workflow)
    form, save_form = _forms(request, whatif)
    if request.htmx:
        if not form.is_valid():
            # Keep the last good results on screen; only the error slots and the runs each
            # job's duration uses change.
            response = render(request, f"{PAGE}#form_feedback", {"form": form})
            response["HX-Reswap"] = "none"
            return response
        fast = whatif.results(form.cleaned_data["scenario"], verdict=False)
        context = {"form": form, "results": fast, "workflow": workflow, "deferred": True}
        return render(request, f"{PAGE}#live", context)
    row = _edited_scenario(request, workflow)
    results = _valid_results(form, whatif)
    return _page(request, workflow, form, save_form, results=results, scenario_row=row)


def _edited_scenario(request: HtmxHttpRequest, workflow: Workflow) -> Scenario | None:
    """The saved scenario a no-JavaScript recalculation came from, so it can still be saved
    as its next version."""
    scenario_id = request.POST.get("scenario", "")
    if not scenario_id.isdigit():
        return None
    row = access.scenario_or_404(request, int(scenario_id))
    return row if row.workflow_id == workflow.pk else None


@login_required
@require_POST
def scenario_verdict(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    """The decision panel: verdict, ask, framework and costs, from the simulation."""
    workflow = access.workflow_or_404(request, workflow_id)
    whatif = WhatIf.of(workflow)
    form = ScenarioForm(
        request.POST, workflow=whatif.graph, pools=whatif.pools, prices=whatif.prices
    )
    if not form.is_valid():
        return render(request, f"{PAGE}#decision", {"results": None, "invalid": True})
    results = whatif.results(form.cleaned_data["scenario"], verdict=True)
    return render(request, f"{PAGE}#decision", {"results": results, "workflow": workflow})


@login_required
@require_POST
def scenario_create(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    access.require_editor(request, workflow.repository.team)
    whatif = WhatIf.of(workflow)
    form, save_form = _forms(request, whatif)
    if not (form.is_valid() and save_form.is_valid()):
        results = _valid_results(form, whatif)
        return _page(request, workflow, form, save_form, results=results)
    content = new_version(None, form.cleaned_data["scenario"], whatif)
    row = Scenario.objects.create_for(
        request.user,
        workflow,
        name=save_form.cleaned_data["name"],
        note=save_form.cleaned_data["note"],
        inputs=content.inputs,
        job_keys=content.job_keys,
        snapshot=content.snapshot,
    )
    messages.success(request, f"Saved scenario “{row.name}”.")
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HtmxHttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    if request.method == "POST":
        return _save_version(request, row)
    return _saved_page(request, row, None)


@login_required
@require_GET
def scenario_version(request: HtmxHttpRequest, scenario_id: int, number: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    if number == row.version:
        return redirect("scenario", scenario_id=row.pk)
    return _saved_page(request, row, access.version_or_404(row, number))


def _saved_page(
    request: HtmxHttpRequest, row: Scenario, version: ScenarioVersion | None
) -> HttpResponse:
    """A saved version's figures as saved; its form on today's data, ready to edit."""
    if row.workflow is None:
        return _deleted_workflow_page(request, row, version)
    save_form = ScenarioSaveForm(
        initial={"name": row.name, "note": row.note, "version": row.version}, prefix="save"
    )
    try:
        saved = analyse_saved(row, version)
    except ScenarioNoLongerFits as error:
        messages.error(
            request,
            f"This scenario no longer fits its workflow: {error.problems}. It opens on the "
            "current graph; set it up again and save.",
        )
        whatif = WhatIf.of(row.workflow)
        scenario, _ = whatif.starting_point()
        results = whatif.results(scenario, verdict=True)
        form = _form_for(whatif, scenario)
        return _page(request, row.workflow, form, save_form, results=results, scenario_row=row)
    warnings = []
    if saved.editable is None:
        warnings.append(
            "These inputs no longer fit today's workflow or pools; the form starts from the "
            "current graph."
        )
    today = saved.today or WhatIf.of(row.workflow)
    editable = saved.editable or today.starting_point()[0]
    return _page(
        request,
        row.workflow,
        _form_for(today, editable),
        save_form,
        results=saved.results,
        scenario_row=row,
        shown_version=saved,
        warnings=warnings,
    )


def _deleted_workflow_page(
    request: HtmxHttpRequest, row: Scenario, version: ScenarioVersion | None
) -> HttpResponse:
    """A scenario whose workflow was deleted: its figures from its snapshot, no form."""
    context: dict[str, object] = {
        "scenario_row": row,
        "team": row.team,
        "can_edit": access.is_editor(request, row.team),
        "results": None,
        "warnings": [],
    }
    try:
        saved = analyse_saved(row, version)
    except ScenarioNoLongerFits as error:
        context["warnings"] = [str(error)]
    else:
        context |= {"shown_version": saved, "results": saved.results}
    return render(request, PAGE, context)


def _deleted_workflow_refused(request: HtmxHttpRequest, row: Scenario) -> HttpResponse:
    """Scenarios of a deleted workflow keep their figures; nothing can be computed anew."""
    messages.error(
        request,
        f"{row.deleted_workflow_notice} It cannot be edited, duplicated or recalculated: "
        "there is no workflow left to compute with.",
    )
    return redirect("scenario", scenario_id=row.pk)


def _save_version(request: HtmxHttpRequest, row: Scenario) -> HttpResponse:
    """The save names the version it edited; a newer one refuses it (409, inputs kept)."""
    access.require_editor(request, row.team)
    if row.workflow is None:
        return _deleted_workflow_refused(request, row)
    whatif = WhatIf.of(row.workflow)
    form, save_form = _forms(request, whatif)
    if not (form.is_valid() and save_form.is_valid()):
        return _page(request, row.workflow, form, save_form, results=None, scenario_row=row)
    name, note = save_form.cleaned_data["name"], save_form.cleaned_data["note"]
    content = new_version(row, form.cleaned_data["scenario"], whatif, name=name, note=note)
    saved = row.save_version(
        request.user,
        edited_version=save_form.cleaned_data["version"],
        name=name,
        note=note,
        **content.as_fields(),
    )
    if not saved:
        save_form.add_error(
            None,
            f"{row.updated_by or 'Someone'} saved version {row.version} of this scenario while you "
            "were editing. Your inputs are still here: save them as a new scenario, or open the "
            "latest version and apply your changes to it.",
        )
        results = _valid_results(form, whatif)
        return _page(
            request, row.workflow, form, save_form, results=results, scenario_row=row, status=409
        )
    messages.success(request, f"Saved scenario “{row.name}”.")
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_POST
def scenario_duplicate(request: HtmxHttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    if row.workflow is None:
        return _deleted_workflow_refused(request, row)
    copy = Scenario.objects.create_for(
        request.user,
        row.workflow,
        name=f"{row.name} (copy)",
        note=row.note,
        inputs=row.inputs,
        job_keys=row.job_keys,
        snapshot=row.snapshot,
    )
    messages.success(request, f"Duplicated as “{copy.name}”.")
    return redirect("scenario", scenario_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_delete(request: HtmxHttpRequest, scenario_id: int) -> HttpResponse:
    """GET asks for confirmation (a page, so it works without JavaScript); POST deletes."""
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    if request.method == "GET":
        return render(request, "decider/scenario_delete.html", {"scenario": row})
    workflow_id = row.workflow_id
    row.delete()
    messages.success(request, f"Deleted scenario “{row.name}”.")
    if workflow_id is None:
        return redirect("team_scenarios", team_slug=row.team.slug)
    return redirect("workflow_scenarios", workflow_id=workflow_id)


@login_required
@require_GET
def workflow_scenarios(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    rows = list(
        access.scenarios(request)
        .filter(workflow=workflow)
        .select_related("workflow__repository", "created_by", "updated_by")
    )
    context = {
        "workflow": workflow,
        "scenarios": listed_scenarios(rows, LISTED_WITH_FIGURES),
        "figures_limit": LISTED_WITH_FIGURES,
        "chosen": request.GET.getlist("id"),
        "presets": preset_list(),
        "can_edit": access.is_editor(request, workflow.repository.team),
    }
    return render(request, "decider/scenario_list.html", context)


@login_required
@require_GET
def team_scenarios(request: HtmxHttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    rows = list(team.scenarios.select_related("workflow__repository", "created_by", "updated_by"))
    context = {
        "team": team,
        "scenarios": listed_scenarios(rows, LISTED_WITH_FIGURES),
        "figures_limit": LISTED_WITH_FIGURES,
        "chosen": request.GET.getlist("id"),
        "can_edit": access.is_editor(request, team),
    }
    return render(request, "decider/scenario_list.html", context)


@login_required
@require_GET
def scenario_versions(request: HtmxHttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    versions = row.versions.select_related("saved_by")
    context = {
        "scenario": row,
        "versions": versions,
        "can_edit": access.is_editor(request, row.team),
    }
    return render(request, "decider/scenario_versions.html", context)


def _expected_version(request: HtmxHttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _conflict(request: HtmxHttpRequest, row: Scenario) -> HttpResponse:
    messages.error(
        request,
        f"{row.updated_by or 'Someone'} saved version {row.version} meanwhile; nothing was "
        "changed. Look at it, then try again.",
    )
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_POST
def scenario_restore(request: HtmxHttpRequest, scenario_id: int, number: int) -> HttpResponse:
    """An earlier version, inputs and snapshot alike, saved again as the newest version."""
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    old = access.version_or_404(row, number)
    restored = row.save_version(
        request.user,
        edited_version=_expected_version(request),
        name=old.name,
        note=old.note,
        inputs=old.inputs,
        job_keys=old.job_keys,
        snapshot=old.snapshot,
        changes=[f"Restored version {old.number}."],
    )
    if not restored:
        return _conflict(request, row)
    messages.success(request, f"Restored version {old.number} as version {row.version}.")
    return redirect("scenario", scenario_id=row.pk)


@login_required
@require_POST
def scenario_refresh(request: HtmxHttpRequest, scenario_id: int) -> HttpResponse:
    """The latest version's inputs recomputed on today's data, as a new version."""
    row = access.scenario_or_404(request, scenario_id)
    access.require_editor(request, row.team)
    if row.workflow is None:
        return _deleted_workflow_refused(request, row)
    try:
        saved = analyse_saved(row)
    except ScenarioNoLongerFits as error:
        messages.error(request, str(error))
        return redirect("scenario", scenario_id=row.pk)
    if saved.editable is None or saved.today is None:
        messages.error(request, "These inputs no longer fit today's workflow or pools.")
        return redirect("scenario", scenario_id=row.pk)
    content = new_version(row, saved.editable, saved.today, name=row.name, note=row.note)
    refreshed = row.save_version(
        request.user,
        edited_version=_expected_version(request),
        name=row.name,
        note=row.note,
        **content.as_fields(),
    )
    if not refreshed:
        return _conflict(request, row)
    messages.success(request, f"Recalculated with today's data as version {row.version}.")
    return redirect("scenario", scenario_id=row.pk)
