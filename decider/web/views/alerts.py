"""A workflow's alert rules: the list with their state, adding, changing and deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from decider.adapter.alert_tasks import check_now
from decider.adapter.alerts import ensure_default_rules, rule_states, version_wait_target
from decider.models import Adoption, AlertRule, Workflow
from decider.web import access
from decider.web.forms.alerts import AlertRuleForm
from decider.web.request import AuthenticatedHttpRequest


def _version_target(workflow: Workflow) -> float | None:
    current = Adoption.objects.filter(workflow=workflow).current().select_related("version")
    return version_wait_target(current.first())


def _render_rules(
    request: AuthenticatedHttpRequest, workflow: Workflow, form: AlertRuleForm | None = None
) -> HttpResponse:
    target = _version_target(workflow)
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "alert_table": rule_states(workflow),
        "can_edit": access.is_editor(request, workflow.repository.team),
        "form": form or AlertRuleForm(workflow=workflow, version_target_s=target),
    }
    return render(request, "decider/alerts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workflow_alerts(request: AuthenticatedHttpRequest, workflow_id: int) -> HttpResponse:
    """GET: the rules and their state; POST (editors): add a rule and check it at once."""
    workflow = access.workflow_or_404(request, workflow_id)
    if request.method == "GET":
        return _render_rules(request, workflow)
    access.require_editor(request, workflow.repository.team)
    form = AlertRuleForm(
        request.POST, workflow=workflow, version_target_s=_version_target(workflow)
    )
    if not form.is_valid():
        return _render_rules(request, workflow, form)
    rule = form.save()
    check_now(workflow)
    messages.success(request, f"Added the rule: {rule}.")
    return redirect("workflow_alerts", workflow_id=workflow.pk)


@login_required
@require_POST
def alert_rules_defaults(request: AuthenticatedHttpRequest, workflow_id: int) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    access.require_editor(request, workflow.repository.team)
    added = ensure_default_rules(workflow)
    check_now(workflow)
    # Views keep to the adapter's words (tests/test_architecture.py), hence no count().
    if not added:
        messages.success(request, "No rule added.")
    else:
        messages.success(request, f"Added the default rules ({len(added)}).")
    return redirect("workflow_alerts", workflow_id=workflow.pk)


@login_required
@require_http_methods(["GET", "POST"])
def alert_rule_edit(
    request: AuthenticatedHttpRequest, workflow_id: int, rule_id: int
) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    rule = get_object_or_404(
        AlertRule.objects.select_related("pool"), workflow=workflow, pk=rule_id
    )
    if request.method == "POST":
        access.require_editor(request, workflow.repository.team)
    form = AlertRuleForm(
        request.POST or None,
        instance=rule,
        workflow=workflow,
        version_target_s=_version_target(workflow),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        check_now(workflow)
        messages.success(request, f"Saved the rule: {rule}.")
        return redirect("workflow_alerts", workflow_id=workflow.pk)
    context = {
        "workflow": workflow,
        "repository": workflow.repository,
        "rule": rule,
        "form": form,
        "can_edit": access.is_editor(request, workflow.repository.team),
    }
    return render(request, "decider/alert_rule_edit.html", context)


@login_required
@require_POST
def alert_rule_delete(
    request: AuthenticatedHttpRequest, workflow_id: int, rule_id: int
) -> HttpResponse:
    workflow = access.workflow_or_404(request, workflow_id)
    rule = get_object_or_404(AlertRule, workflow=workflow, pk=rule_id)
    access.require_editor(request, workflow.repository.team)
    rule.delete()
    messages.success(request, f"Deleted the rule: {rule}. Its alerts go with it.")
    return redirect("workflow_alerts", workflow_id=workflow.pk)
