"""The one way figures are written for people: durations, money, percentages, changes.

Pages, PDFs and the words in verdicts all use these (templates through the filters of the
same names, `decider.adapter.template_filters`), so a figure reads the same wherever it
appears.

Rules every function here keeps:
- None (a figure the analysis could not give) reads "n/a".
- Rounding is Python's `format()`: to the nearest, a tie to the even digit (524.5 s reads
  "524 s"), the same as the verdict's and the comparison's words have always been.
- A negative figure that rounds to zero reads without its minus ("0 s", not "-0 s"): float
  noise such as -1e-13 s of saving is no saving.
- Only money has thousands separators ("$1,250"); seconds never do ("1012 s"), so a figure
  can be searched for as the engine prints it.
"""

from __future__ import annotations

from decimal import Decimal

NOT_AVAILABLE = "n/a"

Number = float | int | Decimal


def _fixed(value: Number, digits: int, *, separators: bool = False) -> str:
    """`value` with `digits` decimals; no minus on a figure that rounds to zero."""
    text = f"{value:,.{digits}f}" if separators else f"{value:.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        return text[1:]
    return text


def number(value: Number | None, digits: int = 0) -> str:
    """'34.3': a plain figure with `digits` decimals and no separators, for a figure whose
    unit the caller writes (runners, minutes)."""
    return NOT_AVAILABLE if value is None else _fixed(value, digits)


def duration(value: Number | None) -> str:
    """'524 s (8.7 min)': seconds for exactness, minutes for reading; under 90 s, '75 s'."""
    if value is None:
        return NOT_AVAILABLE
    if -90 < value < 90:
        return f"{_fixed(value, 0)} s"
    return f"{_fixed(value, 0)} s ({_fixed(value / 60, 1)} min)"


def seconds(value: Number | None) -> str:
    """'1012 s': whole seconds and nothing else, for table cells where minutes would crowd."""
    return NOT_AVAILABLE if value is None else f"{_fixed(value, 0)} s"


def usd(value: Number | None, digits: int = 0) -> str:
    """'$1,250': dollars with thousands separators, whole unless `digits` asks for cents
    ('$87.50' with 2). A negative amount reads '$-300'."""
    return NOT_AVAILABLE if value is None else f"${_fixed(value, digits, separators=True)}"


def percent(share: Number | None, digits: int = 0) -> str:
    """'60%': a share of one (0.6, such as a pool's baseline utilization) as a percentage.

    For a figure already in percent (the engine's `*_pct` fields), use `pct`.
    """
    return NOT_AVAILABLE if share is None else f"{_fixed(share * 100, digits)}%"


def pct(value: Number | None, digits: int = 1) -> str:
    """'48.2%': a figure already in percent (48.2 means 48.2%; the engine's `*_pct` fields),
    with one decimal unless `digits` says otherwise.

    For a share of one (0.6 means 60%), use `percent`.
    """
    return NOT_AVAILABLE if value is None else f"{_fixed(value, digits)}%"


def signed(value: Number | None, digits: int = 0) -> str:
    """'+2', '-488': a change, always with its direction.

    The sign follows the figure as written: one that rounds to zero reads '0' (or '0.0'),
    with no sign, whatever side of zero it came from.
    """
    if value is None:
        return NOT_AVAILABLE
    text = _fixed(value, digits)
    if not text.strip("0."):
        return text
    return text if text.startswith("-") else f"+{text}"


def signed_pct(value: Number | None, digits: int = 1) -> str:
    """'+48.2%', '-1.6%', '0.0%': a change already in percent, signed as `signed` signs."""
    return NOT_AVAILABLE if value is None else f"{signed(value, digits)}%"


def hours(value: Number | None) -> str:
    """'12.3 h': hours with one decimal."""
    return NOT_AVAILABLE if value is None else f"{_fixed(value, 1)} h"


def days(value: Number | None) -> str:
    """'3.2 days': days with one decimal."""
    return NOT_AVAILABLE if value is None else f"{_fixed(value, 1)} days"
