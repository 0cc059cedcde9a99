"""`decider.engine.formatting` as template filters, for pages and PDFs alike.

A builtin library (settings.TEMPLATES "builtins"), so templates use `{{ x|duration }}`
without `{% load %}`. It lives in the adapter, not in decider/web, because the PDF templates
of decider/reports use it too.

Each filter is its formatting function under the same name; see that function for what it
writes. Like Django's own filters they fail quietly: a variable that did not resolve (the
template engine's `string_if_invalid`, a string) renders as it came instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import template

from decider.engine import formatting

register = template.Library()


def _quiet(function: Callable[..., str]) -> Callable[..., object]:
    @wraps(function)
    def figure_or_as_given(value: object, *argument: int | str) -> object:
        if isinstance(value, str):
            return value
        return function(value, *argument)

    return figure_or_as_given


for _function in (
    formatting.number,
    formatting.duration,
    formatting.signed_duration,
    formatting.usd,
    formatting.signed_usd,
    formatting.percent,
    formatting.pct,
    formatting.signed,
    formatting.signed_pct,
    formatting.hours,
    formatting.days,
    formatting.count,
    formatting.signed_count,
):
    register.filter(_function.__name__, _quiet(_function))
