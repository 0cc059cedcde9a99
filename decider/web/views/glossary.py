"""The glossary: what each figure means, linked from where the figures appear."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from decider.web.request import AuthenticatedHttpRequest


@login_required
@require_GET
def help_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "decider/help.html")
