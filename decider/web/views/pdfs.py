"""PDF downloads of a saved scenario, of a comparison and of an adoption's follow-up: a plain
link, no page waits on it.

Anyone who may see a scenario may export it (viewers too); another team's scenario is a 404.
`?paper=letter` switches from A4. At most `PDF_MAX_CONCURRENT_RENDERS` are laid out at once per
process; more get a 503 with Retry-After and a plain message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from decider.adapter.saved import ScenarioNoLongerFits
from decider.models import Adoption, AdoptionQuerySet, Workflow
from decider.reports.followup_pdf import followup_filename, render_followup_pdf
from decider.reports.pdf import (
    PAPER_SIZES,
    comparison_filename,
    render_comparison_pdf,
    render_scenario_pdf,
    scenario_filename,
)
from decider.web import access
from decider.web.forms.monitor import MonitorFilterForm
from decider.web.request import AuthenticatedHttpRequest
from decider.web.views.compare import compare_form


class _RenderSlots:
    """How many PDFs this process lays out at once. WeasyPrint holds a core for seconds per
    report; past `settings.PDF_MAX_CONCURRENT_RENDERS` a request is turned away at once (503,
    Retry-After) rather than queued behind the others while pages and /healthz starve."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.busy = 0

    @contextmanager
    def slot(self) -> Iterator[bool]:
        with self._lock:
            free = self.busy < settings.PDF_MAX_CONCURRENT_RENDERS
            if free:
                self.busy += 1
        try:
            yield free
        finally:
            if free:
                with self._lock:
                    self.busy -= 1


render_slots = _RenderSlots()


def _busy() -> HttpResponse:
    response = _refused(
        "Other PDFs are being prepared right now. Try again in a few seconds.", status=503
    )
    response["Retry-After"] = str(settings.PDF_RETRY_AFTER_S)
    return response


def _paper(request: AuthenticatedHttpRequest) -> str | None:
    paper = request.GET.get("paper", "a4").lower()
    return paper if paper in PAPER_SIZES else None


def _refused(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _download(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # The filename is a slug (ASCII letters, digits, dashes): nothing to quote or encode.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def scenario_pdf(request: AuthenticatedHttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    with render_slots.slot() as free:
        if not free:
            return _busy()
        try:
            pdf = render_scenario_pdf(row, paper=paper, user=request.user)
        except ScenarioNoLongerFits as error:
            return _refused(str(error), status=409)
    return _download(pdf, scenario_filename(row))


@login_required
@require_GET
def scenario_version_pdf(
    request: AuthenticatedHttpRequest, scenario_id: int, number: int
) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    version = access.version_or_404(row, number)
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    with render_slots.slot() as free:
        if not free:
            return _busy()
        try:
            pdf = render_scenario_pdf(row, version=version, paper=paper, user=request.user)
        except ScenarioNoLongerFits as error:
            return _refused(str(error), status=409)
    return _download(pdf, scenario_filename(row, version))


@login_required
@require_GET
def scenario_compare_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = compare_form(request)
    if not form.is_valid():
        return _refused(form.refusal)
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    rows = form.cleaned_data["id"]
    with render_slots.slot() as free:
        if not free:
            return _busy()
        try:
            pdf = render_comparison_pdf(rows, paper=paper, user=request.user)
        except ScenarioNoLongerFits as error:
            return _refused(str(error), status=409)
    return _download(pdf, comparison_filename(rows))


@login_required
@require_GET
def followup_pdf(request: AuthenticatedHttpRequest, workflow_id: int) -> HttpResponse:
    """The current adoption's follow-up, with the monitor page's filters (the same figures)."""
    workflow = access.workflow_or_404(request, workflow_id)
    adoption = get_object_or_404(_adoptions(workflow).current())
    return _followup(request, adoption)


@login_required
@require_GET
def adoption_followup_pdf(
    request: AuthenticatedHttpRequest, workflow_id: int, adoption_id: int
) -> HttpResponse:
    """Any adoption of the history, the current one included."""
    workflow = access.workflow_or_404(request, workflow_id)
    adoption = get_object_or_404(_adoptions(workflow), pk=adoption_id)
    return _followup(request, adoption)


def _adoptions(workflow: Workflow) -> AdoptionQuerySet:
    return Adoption.objects.filter(workflow=workflow).select_related(
        "workflow__repository__team", "version__scenario", "recorded_by"
    )


def _followup(request: AuthenticatedHttpRequest, adoption: Adoption) -> HttpResponse:
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    filters = MonitorFilterForm(request.GET or None).filters()
    with render_slots.slot() as free:
        if not free:
            return _busy()
        pdf = render_followup_pdf(
            adoption, filters=filters, now=timezone.now(), paper=paper, user=request.user
        )
    return _download(pdf, followup_filename(adoption))
