"""2-4 saved scenarios side by side."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from decider.adapter.comparison import comparison_table
from decider.adapter.saved import ScenarioNoLongerFits, analyse_saved_rows
from decider.models import Scenario
from decider.web import access
from decider.web.forms.compare import UNKNOWN, CompareForm
from decider.web.request import AuthenticatedHttpRequest


def compare_form(request: AuthenticatedHttpRequest) -> CompareForm:
    """The ids asked for, checked against the user's scenarios; another team's is a 404."""
    form = CompareForm(request.GET, scenarios=access.scenarios(request))
    if not form.is_valid() and form.has_error("id", UNKNOWN):
        raise Http404(form.refusal)
    return form


def _way_back(request: AuthenticatedHttpRequest) -> str:
    """Where a refused comparison sends the user back to: the scenario list they came from
    (or, when they came from elsewhere, the list of the first scenario they chose), with the
    scenarios they had ticked still ticked."""
    ids = [value for value in request.GET.getlist("id") if value.isdigit()]
    came_from = request.headers.get("referer", "")
    if came_from and url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = urlsplit(came_from).path
    else:
        first = access.scenarios(request).filter(pk__in=ids).select_related("team").first()
        back = _list_of(first) if first else "/"
    known = access.scenarios(request).filter(pk__in=ids).values_list("pk", flat=True)
    return f"{back}?{urlencode({'id': sorted(known)}, doseq=True)}" if known else back


def _list_of(row: Scenario) -> str:
    """The scenario list a scenario is found in: its workflow's, or its team's once the
    workflow was deleted."""
    if row.workflow_id is None:
        return reverse("team_scenarios", args=[row.team.slug])
    return reverse("workflow_scenarios", args=[row.workflow_id])


def _refused(request: AuthenticatedHttpRequest, error: str) -> HttpResponse:
    context = {"error": error, "back": _way_back(request)}
    return render(request, "decider/compare.html", context, status=400)


@login_required
@require_GET
def scenario_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = compare_form(request)
    if not form.is_valid():
        return _refused(request, form.refusal)
    try:
        analyses = analyse_saved_rows(form.cleaned_data["id"])
    except ScenarioNoLongerFits as error:
        return _refused(request, str(error))
    context = {"table": comparison_table(analyses), "compare_query": request.GET.urlencode()}
    return render(request, "decider/compare.html", context)
