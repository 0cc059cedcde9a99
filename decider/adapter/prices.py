"""A team's price book from the database: the book's rows, with the team's own over them."""

from __future__ import annotations

from decider.engine.prices import PriceBook, Rate
from decider.models import PriceRate, Team


def engine_rate(row: PriceRate) -> Rate:
    return Rate(
        size=row.size,
        label=row.label,
        kind=row.kind,
        vendor=row.vendor,
        usd_per_minute=float(row.usd_per_minute),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source=row.source,
        on_by_default=row.on_by_default,
    )


def team_price_book(team: Team) -> PriceBook:
    # In the order they were added: GitHub's sizes as the book lists them, then the team's.
    rows = list(
        (PriceRate.objects.filter(team=None) | PriceRate.objects.filter(team=team)).order_by("pk")
    )
    book = PriceBook(rates=[engine_rate(row) for row in rows if row.team_id is None])
    return book.overridden_by([engine_rate(row) for row in rows if row.team_id == team.pk])
