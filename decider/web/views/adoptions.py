"""Adopting a saved scenario version: the change it describes went live."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from decider.adapter.alert_tasks import check_now
from decider.adapter.alerts import ensure_default_rules
from decider.adapter.monitor_warming import keep_adopted_milestone, warm_later
from decider.models import Adoption
from decider.web import access
from decider.web.forms.adoption import AdoptionForm
from decider.web.request import HtmxHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def version_adopt(request: HtmxHttpRequest, scenario_id: int, number: int) -> HttpResponse:
    """GET: the form; POST: record the adoption, ending the workflow's current one."""
    row = access.scenario_or_404(request, scenario_id)
    version = access.version_or_404(row, number)
    access.require_editor(request, row.team)
    workflow = row.workflow
    current = Adoption.objects.filter(workflow=workflow).current().first() if workflow else None
    form = AdoptionForm(request.POST if request.method == "POST" else None)
    if workflow is not None and form.is_valid():
        with transaction.atomic():
            Adoption.adopt(version, workflow, request.user, **form.cleaned_data)
            # The monitor's kept days measure the new milestone; the worker then warms it.
            keep_adopted_milestone(workflow)
            warm_later(workflow)
        ensure_default_rules(workflow)
        check_now(workflow)
        messages.success(
            request,
            f"Adopted version {version.number} of “{row.name}”, live on "
            f"{form.cleaned_data['live_on']:%Y-%m-%d}.",
        )
        return redirect("workflow_monitor", workflow_id=workflow.pk)
    context = {"scenario_row": row, "version": version, "form": form, "current": current}
    return render(request, "decider/adopt.html", context)
