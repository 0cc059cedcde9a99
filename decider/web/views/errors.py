"""Error answers for htmx requests: one plain sentence, which static/js/decider.js shows in the
panel the request was for, instead of Django's error page swapped into it. Other requests get
Django's own pages.

The request may not have passed every middleware (a form with too many fields is refused while
the CSRF check reads it), so htmx is recognised by its header, not by `request.htmx`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import csrf, defaults

MESSAGES = {
    400: "The server could not read this request. Reload the page and try again.",
    403: "You may not make this change: only the team's editors may.",
    404: "Not found: it may have been deleted, or belong to a team you are not in.",
    500: "Something went wrong on the server. Try again; if it keeps failing, tell your admin.",
}
CSRF_MESSAGE = "Your session's form token has expired. Reload the page and try again."


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_htmx(request):
        return plain(MESSAGES[400], 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_htmx(request):
        return plain(MESSAGES[403], 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_htmx(request):
        return plain(MESSAGES[404], 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):
        return plain(MESSAGES[500], 500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_htmx(request):
        return plain(CSRF_MESSAGE, 403)
    return csrf.csrf_failure(request, reason)
