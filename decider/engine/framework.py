"""The mural-api analysis's rule-of-thumb framework, as data (DESIGN.md semantics 5).

In words shown to people it is "the rule-of-thumb framework" of "the mural-api analysis" (the
code keeps DESIGN.md's name, the seed). The seed decides on the runner count of the pool that
takes the new parallel load (its "medium runners") and that pool's baseline utilization. Its
tables were written by hand: some cells are missing and some ranges overlap. `apply_framework`
says which cell applied and whether the seed left a gap or an overlap there, rather than
silently picking one.
"""

from typing import Literal

from pydantic import BaseModel

from decider.engine.formatting import count, percent

UtilizationBand = Literal["low", "moderate", "high"]


class Range(BaseModel):
    """Inclusive integer range of runners; None: open-ended."""

    label: str
    low: int | None = None
    high: int | None = None

    def contains(self, runners: int) -> bool:
        above = self.low is None or runners >= self.low
        below = self.high is None or runners <= self.high
        return above and below


class MatrixCell(BaseModel):
    runners: Range
    utilization: UtilizationBand
    recommendation: str


class Band(BaseModel):
    range: Range
    text: str


class FrameworkCell(BaseModel):
    """What one of the seed's tables says for a runner count (and utilization)."""

    table: str
    matched: list[str]  # the labels of every row that applies
    recommendation: str | None
    gap: bool  # no row applies
    overlap: bool  # more than one row applies
    note: str


class FrameworkResult(BaseModel):
    pool: str
    runners: int
    baseline_utilization: float
    utilization_band: UtilizationBand
    cells: list[FrameworkCell]


# Utilization bands: low < 50%, moderate 50-80%, high > 80%.
def utilization_band(utilization: float) -> UtilizationBand:
    if utilization < 0.5:
        return "low"
    if utilization <= 0.8:
        return "moderate"
    return "high"


SEVEN_OR_MORE = Range(label=">= 7", low=7)
FOUR_TO_SIX = Range(label="4-6", low=4, high=6)
UNDER_FOUR = Range(label="< 4", high=3)

DECISION_MATRIX: list[MatrixCell] = [
    MatrixCell(runners=SEVEN_OR_MORE, utilization="low", recommendation="Proceed immediately."),
    MatrixCell(
        runners=SEVEN_OR_MORE, utilization="moderate", recommendation="Proceed immediately."
    ),
    MatrixCell(
        runners=SEVEN_OR_MORE, utilization="high", recommendation="Proceed with monitoring."
    ),
    MatrixCell(
        runners=FOUR_TO_SIX, utilization="low", recommendation="Proceed, monitor queue times."
    ),
    # 4-6 runners at moderate utilization: the seed gives no row.
    MatrixCell(runners=FOUR_TO_SIX, utilization="high", recommendation="Add 2-3 runners first."),
    MatrixCell(
        runners=UNDER_FOUR, utilization="low", recommendation="Add runners or stay sequential."
    ),
    MatrixCell(
        runners=UNDER_FOUR,
        utilization="moderate",
        recommendation="Add runners or stay sequential.",
    ),
    MatrixCell(
        runners=UNDER_FOUR, utilization="high", recommendation="Add runners or stay sequential."
    ),
]

POOL_SIZE_SCENARIOS: list[Band] = [
    Band(
        range=Range(label="A: 10+", low=10),
        text="Plenty of runners: the parallel peak fits with room for other pipelines.",
    ),
    Band(
        range=Range(label="B: 5-10", low=5, high=10),
        text="The peak fits when other work is light; expect short queues at busy times.",
    ),
    Band(
        range=Range(label="C: 3-5", low=3, high=5),
        text="The peak does not fit: production builds queue behind each other.",
    ),
    Band(
        range=Range(label="D: 1-3", low=1, high=3),
        text="Parallel builds mostly queue: little or no gain without more runners.",
    ),
]

COST_BENEFIT_BANDS: list[Band] = [
    Band(range=Range(label="10+", low=10), text="No added cost: parallelize."),
    Band(range=Range(label="7-9", low=7, high=9), text="No added cost at the peak: parallelize."),
    Band(
        range=Range(label="4-6", low=4, high=6),
        text="Some queueing: weigh 2-3 more runners against the minutes saved.",
    ),
    Band(
        range=Range(label="< 4", high=3),
        text="Adding runners is the price of the speed-up: compare it with the time saved.",
    ),
]


def _rows(labels: list[str]) -> str:
    """'5-10 and 3-5': the rows' runner ranges, without the tables' letters ("B: 5-10")."""
    return " and ".join(label.split(": ")[-1].split(" & ")[0] for label in labels)


def _cell(table: str, matches: list[tuple[str, str]], what: str) -> FrameworkCell:
    labels = [label for label, _ in matches]
    if not matches:
        note = f"The rule-of-thumb framework's {table} gives no answer for {what}."
        return FrameworkCell(
            table=table, matched=[], recommendation=None, gap=True, overlap=False, note=note
        )
    if len(matches) > 1:
        note = (
            f"Two rows of the rule-of-thumb framework's {table} both apply to {what} "
            f"({_rows(labels)} runners); decider uses the first."
        )
    else:
        note = (
            f"The rule-of-thumb framework's {table}: the row for {_rows(labels)} runners "
            f"applies to {what}."
        )
    return FrameworkCell(
        table=table,
        matched=labels,
        recommendation=matches[0][1],
        gap=False,
        overlap=len(matches) > 1,
        note=note,
    )


def apply_framework(pool: str, runners: int, utilization: float) -> FrameworkResult:
    band = utilization_band(utilization)
    what = f"{count(runners, 'runner')} at {band} load ({percent(utilization)} busy)"
    matrix = [
        (f"{cell.runners.label} & {cell.utilization}", cell.recommendation)
        for cell in DECISION_MATRIX
        if cell.runners.contains(runners) and cell.utilization == band
    ]
    sizes = [(b.range.label, b.text) for b in POOL_SIZE_SCENARIOS if b.range.contains(runners)]
    costs = [(b.range.label, b.text) for b in COST_BENEFIT_BANDS if b.range.contains(runners)]
    return FrameworkResult(
        pool=pool,
        runners=runners,
        baseline_utilization=utilization,
        utilization_band=band,
        cells=[
            _cell("decision table", matrix, what),
            _cell("pool-size table", sizes, count(runners, "runner")),
            _cell("cost-benefit table", costs, count(runners, "runner")),
        ],
    )


def seed_table_defects() -> list[str]:
    """Every gap and overlap in the seed's tables, for 0-12 runners: shown once, in the report."""
    defects: list[str] = []
    for runners in range(13):
        for band in ("low", "moderate", "high"):
            result = apply_framework("", runners, {"low": 0.2, "moderate": 0.6, "high": 0.9}[band])
            matrix = result.cells[0]
            if runners >= 1 and (matrix.gap or matrix.overlap):
                defects.append(matrix.note)
        for cell in apply_framework("", runners, 0.2).cells[1:]:
            if cell.gap or cell.overlap:
                defects.append(cell.note)
    return list(dict.fromkeys(defects))
