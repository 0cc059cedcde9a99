"""The request types views receive, so annotations say what a view may rely on.

Views behind `@login_required` get a signed-in user (never AnonymousUser); django-htmx's
middleware adds `request.htmx` to every request.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # narrowed: login_required has run


class HtmxHttpRequest(AuthenticatedHttpRequest):
    htmx: HtmxDetails
