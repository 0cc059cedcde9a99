"""A workflow's monitor: what its runs measured since a version was adopted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from decider.adapter.alerts import rule_states
from decider.adapter.monitor import monitor
from decider.adapter.monitor_queries import Scope
from decider.adapter.predicted_actual import cached_predicted_actual
from decider.web import access
from decider.web.forms.monitor import MonitorFilterForm
from decider.web.request import HtmxHttpRequest


@login_required
@require_GET
def workflow_monitor(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    form = MonitorFilterForm(request.GET or None)
    figures = monitor(workflow, form.filters())
    comparison = None
    if figures.current is not None:
        scope = Scope(
            workflow.pk,
            figures.start,
            figures.end,
            branch=figures.filters.branch,
            event=figures.filters.trigger,
        )
        comparison = cached_predicted_actual(figures.current, scope, timezone.now())
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "form": form,
        "monitor": figures,
        "comparison": comparison,
        "alert_table": rule_states(workflow),
        "can_edit": access.is_editor(request, workflow.repository.team),
        # The follow-up PDF reads the same runs as the page, so its figures are the page's.
        "followup_query": urlencode(
            {
                "branch": str(figures.filters.branch),
                "trigger": str(figures.filters.trigger),
                "days": str(figures.filters.days),
            }
        ),
    }
    return render(request, "decider/monitor.html", context)
