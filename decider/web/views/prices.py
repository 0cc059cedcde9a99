"""A team's price book: the per-minute rates in force on a day, where each comes from, and the
team's own rates (uploaded as CSV, removed one by one)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from decider.adapter.prices import team_price_book
from decider.importers.prices_csv import parse_prices_csv
from decider.importers.problems import ImportRefused, Problem
from decider.importers.store import store_team_rates
from decider.models import PriceRate, Team
from decider.web import access
from decider.web.forms.uploads import PricesUploadForm
from decider.web.request import AuthenticatedHttpRequest


def _day(request: AuthenticatedHttpRequest) -> tuple[date, str]:
    """The day asked for (`?on=YYYY-MM-DD`), else today; and a note when the ask was unusable."""
    today = timezone.localdate()
    asked = request.GET.get("on", "")
    if not asked:
        return today, ""
    try:
        day = date.fromisoformat(asked)
    except ValueError:
        return today, f"'{asked}' is not a date (YYYY-MM-DD): showing today's rates."
    if not date(2008, 1, 1) <= day <= date(2100, 1, 1):
        return today, f"{day} is outside 2008 to 2100: showing today's rates."
    return day, ""


def _render_prices(
    request: AuthenticatedHttpRequest,
    team: Team,
    *,
    upload_form: PricesUploadForm | None = None,
    upload_problems: list[Problem] | None = None,
    status: int = 200,
) -> HttpResponse:
    day, day_note = _day(request)
    context = {
        "team": team,
        "day": day,
        "day_note": day_note,
        "rates": team_price_book(team).in_force(day),
        "own_rates": team.price_rates.all(),
        "can_edit": access.is_editor(request, team),
        "upload_form": upload_form or PricesUploadForm(),
        "upload_problems": upload_problems or [],
    }
    return render(request, "decider/prices.html", context, status=status)


@login_required
@require_GET
def prices(request: AuthenticatedHttpRequest, team_slug: str) -> HttpResponse:
    return _render_prices(request, access.team_or_404(request, team_slug))


@login_required
@require_POST
def prices_upload(request: AuthenticatedHttpRequest, team_slug: str) -> HttpResponse:
    team = access.team_or_404(request, team_slug)
    access.require_editor(request, team)
    form = PricesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_prices(request, team, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        rates = parse_prices_csv(upload.name or "rates.csv", upload.read())
    except ImportRefused as refused:
        return _render_prices(
            request, team, upload_form=form, upload_problems=refused.problems, status=400
        )
    messages.success(request, store_team_rates(team, rates).summary())
    return redirect("prices", team_slug=team.slug)


@login_required
@require_POST
def price_delete(request: AuthenticatedHttpRequest, team_slug: str, rate_id: int) -> HttpResponse:
    """Removes one of the team's own rates: the book's rate holds again on its days."""
    team = access.team_or_404(request, team_slug)
    access.require_editor(request, team)
    rate = get_object_or_404(PriceRate, team=team, pk=rate_id)
    rate.delete()
    messages.success(
        request, f"Removed your rate for {rate.size} from {rate.effective_from:%d %b %Y}."
    )
    return redirect("prices", team_slug=team.slug)
