"""A team's own rates out of a CSV: `size, usd_per_minute, effective_from` and, optionally,
`label, kind, vendor, effective_to, source, on_by_default` (trimmed, case-insensitive column
names, in any order).

- size: a runner size's name; the book's GitHub sizes (`linux-2-core`, ...) are replaced on
  the days the row covers, any other name is a new size (a vendor's).
- usd_per_minute: a number from 0 to 10; a leading `$` is tolerated.
- effective_from / effective_to: dates as YYYY-MM-DD; effective_to is the first day the rate no
  longer holds (empty: still in force).
- kind: `github_hosted` (the default), `vendor` or `platform_charge`.
- on_by_default: `yes`/`no` (also true/false, 1/0); empty is yes.
A size may appear on several rows with different start days; the same size and start day twice
is refused. Every bad row is reported; nothing is imported when any row is bad.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import get_args

from pydantic import ValidationError

from decider.engine.limits import MAX_USD_PER_MINUTE
from decider.engine.prices import Rate, RateKind
from decider.importers.text_input import (
    ProblemCollector,
    decode_text,
    parse_decimal,
    read_csv,
    refuse,
    require_columns,
)

REQUIRED = ["size", "usd_per_minute", "effective_from"]
OPTIONAL = ["label", "kind", "vendor", "effective_to", "source", "on_by_default"]
HEADER_HINT = (
    f"The first row must name the columns {','.join(REQUIRED)} (and may add {', '.join(OPTIONAL)})."
)
KINDS: tuple[str, ...] = get_args(RateKind)
_YES, _NO = {"", "yes", "true", "1", "on"}, {"no", "false", "0", "off"}
Fail = Callable[[str, str, str], None]  # column, message, hint


def parse_prices_csv(name: str, content: str | bytes) -> list[Rate]:
    problems = ProblemCollector(name)
    table = read_csv(name, decode_text(name, content), problems)
    require_columns(table, REQUIRED, HEADER_HINT, problems)
    problems.raise_if_any()

    rates: list[Rate] = []
    first_row: dict[tuple[str, date], int] = {}
    for row_number, cells in table.rows:
        values = {
            column: cells[table.columns[column]] if column in table.columns else ""
            for column in REQUIRED + OPTIONAL
        }
        rate = _rate(values, row_number, problems)
        if rate is None:
            continue
        key = (rate.size.casefold(), rate.effective_from)
        seen = first_row.setdefault(key, row_number)
        if seen != row_number:
            problems.add(
                f"{rate.size} from {rate.effective_from} is already on row {seen}.",
                hint="Give each size one row per start day.",
                row=row_number,
                field="effective_from",
            )
            continue
        rates.append(rate)
    problems.raise_if_any()
    if not rates:
        raise refuse(
            name, "The file holds no rates.", hint="Add one row per rate under the header."
        )
    return rates


def _rate(values: dict[str, str], row: int, problems: ProblemCollector) -> Rate | None:
    valid = True

    def fail(column: str, message: str, hint: str) -> None:
        nonlocal valid
        valid = False
        problems.add(message, hint=hint, row=row, field=column)

    size = values["size"]
    if not size:
        fail("size", "The size is missing.", "Name the runner size, e.g. linux-4-core.")
    elif len(size) > 100:
        fail("size", "The size's name is longer than 100 characters.", "Shorten it.")
    price = _price(values["usd_per_minute"], fail)
    start = _date(values["effective_from"], "effective_from", fail, required=True)
    end = _date(values["effective_to"], "effective_to", fail, required=False)
    kind = values["kind"].lower() or "github_hosted"
    if kind not in KINDS:
        fail(
            "kind", f"'{values['kind']}' is not a kind of rate.", f"Use one of {', '.join(KINDS)}."
        )
    flag = values["on_by_default"].lower()
    if flag not in _YES | _NO:
        fail("on_by_default", f"'{values['on_by_default']}' is not yes or no.", "Write yes or no.")
    if start and end and end <= start:
        fail(
            "effective_to",
            f"The rate ends ({end}) before or on the day it starts ({start}).",
            "effective_to is the first day it no longer holds: a later day, or empty.",
        )
    for column, most in (("label", 200), ("vendor", 100), ("source", 500)):
        if len(values[column]) > most:
            fail(column, f"The {column} is longer than {most} characters.", "Shorten it.")
    if not valid or price is None or start is None:
        return None
    try:
        return Rate(
            size=size,
            label=values["label"],
            kind=kind,  # checked against KINDS above
            vendor=values["vendor"],
            usd_per_minute=price,
            effective_from=start,
            effective_to=end,
            source=values["source"],
            on_by_default=flag in _YES,
        )
    except ValidationError as error:  # a rule the checks above missed: still a row problem
        fail("size", f"The row is not usable: {error.errors()[0]['msg']}.", "Check the row.")
        return None


def _price(text: str, fail: Fail) -> float | None:
    try:
        price = parse_decimal(text.removeprefix("$"))
    except ValueError as error:
        fail("usd_per_minute", f"The price is not usable: {error}.", "Give dollars, e.g. 0.006.")
        return None
    if not 0 <= price <= MAX_USD_PER_MINUTE:
        fail(
            "usd_per_minute",
            f"The price {text} is negative."
            if price < 0
            else f"${price:g} a minute is more than any runner costs.",
            f"Give US dollars per minute from 0 to {MAX_USD_PER_MINUTE:g}.",
        )
        return None
    return price


def _date(text: str, column: str, fail: Fail, *, required: bool) -> date | None:
    if not text:
        if required:
            fail(column, f"The {column} date is missing.", "Give the first day, as YYYY-MM-DD.")
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        fail(column, f"'{text}' is not a date.", "Write it as YYYY-MM-DD, e.g. 2026-01-01.")
        return None
    if not date(2008, 1, 1) <= day <= date(2100, 1, 1):
        fail(column, f"{day} is outside 2008 to 2100.", "Check the year.")
        return None
    return day
