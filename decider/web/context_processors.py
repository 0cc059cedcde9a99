"""What every page's layout reads: the menu's teams, in one query (lazily: only pages that
render the menu run it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from decider.models import Membership


def menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_memberships": Membership.objects.filter(user=user)
        .select_related("team")
        .order_by("team__name")
    }
