"""The formatting functions as template filters: every template has them, unloaded."""

from __future__ import annotations

from decimal import Decimal

from django.template import engines


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_template_has_the_filters_without_loading_them() -> None:
    source = (
        "{{ wall|duration }}; {{ wall|signed_duration }}; {{ money|usd }}; {{ price|usd:2 }}; "
        "{{ money|signed_usd }}; {{ busy|percent }}; {{ saving|pct }}; {{ change|signed_pct }}; "
        "{{ added|signed }}; {{ saved|hours }}; {{ payback|days }}; {{ added|count:'runner' }}; "
        "{{ added|signed_count:'runner' }}"
    )
    text = _render(
        source,
        wall=1012,
        money=1250,
        price=Decimal("87.5"),
        busy=0.6,
        saving=48.234,
        change=-48.234,
        added=2,
        saved=12.34,
        payback=3.21,
    )
    assert text == (
        "16 min 52 s; +16 min 52 s; $1,250; $87.50; +$1,250; 60%; 48.2%; -48.2%; +2; 12.3 h; "
        "3.2 days; 2 runners; +2 runners"
    )


def test_a_filter_renders_none_as_n_a_and_a_missing_variable_as_nothing() -> None:
    assert _render("[{{ value|usd }}]", value=None) == "[n/a]"
    assert _render("[{{ nothing.here|duration }}]") == "[]"
