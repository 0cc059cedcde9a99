"""A workflow's monitor: what its runs measured since a version was adopted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from decider.adapter.monitor import monitor
from decider.web import access
from decider.web.forms.monitor import MonitorFilterForm
from decider.web.request import HtmxHttpRequest


@login_required
@require_GET
def workflow_monitor(request: HtmxHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    form = MonitorFilterForm(request.GET or None)
    figures = monitor(workflow, form.filters())
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "form": form,
        "monitor": figures,
    }
    return render(request, "decider/monitor.html", context)
