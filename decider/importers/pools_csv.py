"""Runner pools out of a CSV: `name, labels, runners, monthly_cost_usd_per_runner,
baseline_utilization` (trimmed, case-insensitive column names, in any order).

- labels: separated by spaces; a pool takes a job whose `runs-on` labels it all has.
- runners: a whole number from 0 to 1,000 (0 is allowed: a pool being planned).
- monthly_cost_usd_per_runner: a number from 0 to 100,000; a leading `$` is tolerated.
- baseline_utilization: a fraction 0..1 (`0.4`) or a percentage 0..100 with its sign (`40%`).
  A bare `40` is refused rather than guessed, since `1` would be ambiguous (100% or 1%).
Pool names are unique, case-insensitively. Every bad row is reported (up to `MAX_PROBLEMS`);
nothing is imported when any row is bad.
"""

from collections.abc import Callable

from decider.engine.limits import MAX_RUNNERS, MAX_USD_PER_RUNNER_MONTH
from decider.importers.records import PoolRecord
from decider.importers.text_input import (
    ProblemCollector,
    decode_text,
    parse_decimal,
    parse_whole_number,
    read_csv,
    refuse,
    require_columns,
    split_labels,
)

POOL_COLUMNS = ["name", "labels", "runners", "monthly_cost_usd_per_runner", "baseline_utilization"]
HEADER_HINT = f"The first row must name the columns: {','.join(POOL_COLUMNS)}."


def parse_pools_csv(name: str, content: str | bytes) -> list[PoolRecord]:
    text = decode_text(name, content)
    problems = ProblemCollector(name)
    table = read_csv(name, text, problems)
    require_columns(table, POOL_COLUMNS, HEADER_HINT, problems)
    problems.raise_if_any()

    pools: list[PoolRecord] = []
    first_row_by_name: dict[str, int] = {}
    for row_number, cells in table.rows:
        values = {column: cells[table.columns[column]] for column in POOL_COLUMNS}
        first_row = first_row_by_name.setdefault(values["name"].casefold(), row_number)
        if values["name"] and first_row != row_number:
            problems.add(
                f"The pool name '{values['name']}' is already used on row {first_row}.",
                hint="Give each pool its own name.",
                row=row_number,
                field="name",
            )
        pool = _pool(values, row_number, problems)
        if pool is None or problems.problems:
            continue
        pools.append(pool)
    problems.raise_if_any()
    if not pools:
        raise refuse(
            name, "The file holds no pools.", hint="Add one row per pool under the header."
        )
    return pools


def _pool(values: dict[str, str], row: int, problems: ProblemCollector) -> PoolRecord | None:
    valid = True

    def fail(column: str, message: str, hint: str) -> None:
        nonlocal valid
        valid = False
        problems.add(message, hint=hint, row=row, field=column)

    if not values["name"]:
        fail("name", "The pool name is missing.", "Name the pool, e.g. 'medium'.")
    labels = split_labels(values["labels"])
    if not labels:
        fail(
            "labels",
            "The pool has no labels.",
            "List the runner labels separated by spaces, e.g. 'self-hosted linux medium'.",
        )
    runners = 0
    try:
        runners = parse_whole_number(values["runners"])
        if runners > MAX_RUNNERS:
            fail(
                "runners",
                f"{runners:,} runners is more than one pool can have here.",
                f"Give a whole number from 0 to {MAX_RUNNERS:,}.",
            )
    except ValueError as error:
        fail("runners", f"The runner count is not usable: {error}.", "Give a whole number >= 0.")
    cost = 0.0
    try:
        cost = parse_decimal(values["monthly_cost_usd_per_runner"].removeprefix("$"))
        if cost < 0:
            fail("monthly_cost_usd_per_runner", f"The cost {cost:g} is negative.", "Give $ >= 0.")
        elif cost > MAX_USD_PER_RUNNER_MONTH:
            fail(
                "monthly_cost_usd_per_runner",
                f"${cost:,.0f} per runner per month is more than any runner costs.",
                f"Give US dollars from 0 to {MAX_USD_PER_RUNNER_MONTH:,.0f}.",
            )
    except ValueError as error:
        fail(
            "monthly_cost_usd_per_runner",
            f"The cost is not usable: {error}.",
            "Give US dollars per runner per month, e.g. 100.",
        )
    utilization = _utilization(values["baseline_utilization"], fail)
    if not valid or utilization is None:
        return None
    return PoolRecord(
        name=values["name"],
        labels=labels,
        runners=runners,
        monthly_cost_usd_per_runner=cost,
        baseline_utilization=utilization,
    )


def _utilization(text: str, fail: Callable[[str, str, str], None]) -> float | None:
    hint = "Give a fraction from 0 to 1 (0.4) or a percentage (40%)."
    is_percentage = text.endswith("%")
    try:
        value = parse_decimal(text.removesuffix("%"))
    except ValueError as error:
        fail("baseline_utilization", f"The utilization is not usable: {error}.", hint)
        return None
    fraction = value / 100 if is_percentage else value
    if not 0 <= fraction <= 1:
        fail("baseline_utilization", f"The utilization {text} is outside 0..1 (0%..100%).", hint)
        return None
    return fraction
