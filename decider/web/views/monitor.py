"""A workflow's monitor: what its runs measured since a version was adopted.

The page answers from the database's aggregates. Its predicted-against-actual table re-runs
the adopted version's model at the measured load (a second or more of CPU), so when that is
not remembered yet the page carries a placeholder that htmx fills from
`workflow_monitor_comparison`; without JavaScript the placeholder's link opens the whole page
with the table computed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from decider.adapter.alerts import rule_states
from decider.adapter.monitor import Monitor, monitor
from decider.adapter.predicted_actual import (
    cached_predicted_actual,
    remembered_predicted_actual,
)
from decider.web import access
from decider.web.forms.monitor import MonitorFilterForm
from decider.web.request import HtmxHttpRequest
from decider.web.views.errors import is_htmx


def _runs_query(figures: Monitor) -> str:
    """The filters that choose the runs (and the period, for the page the table's link opens
    without JavaScript), for the follow-up PDF's and the table's links: both read the same
    runs as the page, so their figures are the page's."""
    return urlencode(
        {
            "branch": str(figures.filters.branch),
            "trigger": str(figures.filters.trigger),
            "days": str(figures.filters.days),
            "period": str(figures.filters.period),
        }
    )


def _page(request: HtmxHttpRequest, workflow_id: int, *, compute: bool) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    form = MonitorFilterForm(request.GET or None)
    figures = monitor(workflow, form.filters())
    comparison, comparison_pending = None, False
    if figures.current is not None:
        now = timezone.now()
        if compute:
            comparison = cached_predicted_actual(
                figures.current, figures.scope, now, figures.fingerprint
            )
        else:
            known, comparison = remembered_predicted_actual(
                figures.current, figures.scope, now, figures.fingerprint
            )
            comparison_pending = not known
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "form": form,
        "monitor": figures,
        "comparison": comparison,
        "comparison_pending": comparison_pending,
        "adopted": figures.current,
        "alert_table": rule_states(workflow),
        "can_edit": access.is_editor(request, workflow.repository.team),
        "runs_query": _runs_query(figures),
    }
    return render(request, "decider/monitor.html", context)


@login_required
@require_GET
def workflow_monitor(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    return _page(request, workflow_id, compute=False)


@login_required
@require_GET
def workflow_monitor_comparison(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    """The predicted-against-actual section alone for htmx; the whole page otherwise."""
    if not is_htmx(request):
        response = _page(request, workflow_id, compute=True)
        patch_vary_headers(response, ["HX-Request"])  # one URL, two answers
        return response
    workflow = access.workflow_or_404(request, workflow_id)
    figures = monitor(workflow, MonitorFilterForm(request.GET or None).filters())
    comparison = None
    if figures.current is not None:
        comparison = cached_predicted_actual(
            figures.current, figures.scope, timezone.now(), figures.fingerprint
        )
    context = {"comparison": comparison, "adopted": figures.current, "monitor": figures}
    response = render(request, "decider/_monitor_comparison.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
