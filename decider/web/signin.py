"""Sign-in throttling glue for django-axes: who the client is, and what a locked-out user sees.

django-axes counts failed sign-ins per username and per client address and refuses further
attempts for a cool-off period; these two hooks fit it to how decider is deployed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The address that sent the request. Behind `TRUSTED_PROXY_COUNT` proxies that each append
    to X-Forwarded-For, it is that many entries from the right; the entries further left are
    whatever the client chose to send, so they are never trusted. Without proxies (the default)
    it is the socket's peer, REMOTE_ADDR: a forged header then changes nothing."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The sign-in page again, saying why and for how long (429, so scripts see it too).
    Every attempt during the lock starts the cool-off again, so the wait is the whole period."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out_minutes": cool_off_minutes(),
    }
    return render(request, "registration/login.html", context, status=429)
