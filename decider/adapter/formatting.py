"""The one way figures are written for people: durations, money, percentages, changes.

Pages, PDFs and the words in verdicts all use these (templates through the filters of the
same names), so a figure reads the same wherever it appears.
"""

from __future__ import annotations

NOT_AVAILABLE = "n/a"


def duration(value: float | None) -> str:
    """'524 s (8.7 min)': seconds for exactness, minutes for reading."""
    if value is None:
        return NOT_AVAILABLE
    if abs(value) < 90:
        return f"{value:.0f} s"
    return f"{value:.0f} s ({value / 60:.1f} min)"


def usd(value: float | None) -> str:
    """'$1,250': whole dollars with thousands separators."""
    return NOT_AVAILABLE if value is None else f"${value:,.0f}"
