"""PDF downloads of a saved scenario and of a comparison: a plain link, no page waits on it.

Anyone who may see a scenario may export it (viewers too); another team's scenario is a 404.
`?paper=letter` switches from A4.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from decider import access
from decider.pdf import (
    PAPER_SIZES,
    ReportError,
    comparison_filename,
    render_comparison_pdf,
    render_scenario_pdf,
    scenario_filename,
)
from decider.scenario_compare import MAX_COMPARED, MIN_COMPARED


def _paper(request: HttpRequest) -> str | None:
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
def scenario_pdf(request: HttpRequest, scenario_id: int) -> HttpResponse:
    row = access.scenario_or_404(request, scenario_id)
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    try:
        pdf = render_scenario_pdf(row, paper=paper, user=request.user)
    except ReportError as error:
        return _refused(str(error), status=409)
    return _download(pdf, scenario_filename(row))


@login_required
@require_GET
def scenario_compare_pdf(request: HttpRequest) -> HttpResponse:
    ids = list(dict.fromkeys(request.GET.getlist("id")))
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        return _refused(f"Choose {MIN_COMPARED} to {MAX_COMPARED} scenarios to compare.")
    if not all(value.isdigit() for value in ids):
        return _refused("Scenario ids are numbers.")
    paper = _paper(request)
    if paper is None:
        return _refused("paper is a4 or letter.")
    rows = [access.scenario_or_404(request, int(value)) for value in ids]
    try:
        pdf = render_comparison_pdf(rows, paper=paper, user=request.user)
    except ReportError as error:
        return _refused(str(error), status=409)
    return _download(pdf, comparison_filename(rows))
