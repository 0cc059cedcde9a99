"""2-4 saved scenarios side by side."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from decider.adapter.comparison import comparison_table
from decider.adapter.saved import ScenarioNoLongerFits, analyse_saved
from decider.web import access
from decider.web.forms.compare import UNKNOWN, CompareForm
from decider.web.request import AuthenticatedHttpRequest


def compare_form(request: AuthenticatedHttpRequest) -> CompareForm:
    """The ids asked for, checked against the user's scenarios; another team's is a 404."""
    form = CompareForm(request.GET, scenarios=access.scenarios(request))
    if not form.is_valid() and form.has_error("id", UNKNOWN):
        raise Http404(form.refusal)
    return form


@login_required
@require_GET
def scenario_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = compare_form(request)
    if not form.is_valid():
        return render(request, "decider/compare.html", {"error": form.refusal}, status=400)
    try:
        analyses = [analyse_saved(row) for row in form.cleaned_data["id"]]
    except ScenarioNoLongerFits as error:
        return render(request, "decider/compare.html", {"error": str(error)}, status=400)
    context = {"table": comparison_table(analyses), "compare_query": request.GET.urlencode()}
    return render(request, "decider/compare.html", context)
