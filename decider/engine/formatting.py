"""The one way figures are written for people: durations, money, percentages, changes, counts.

Pages, PDFs, charts and the words of verdicts all use these (templates through the filters of
the same names, `decider.adapter.template_filters`), so a figure reads the same wherever it
appears. It lives in the engine, the lowest layer, because the engine's own sentences (the
verdict's reason, the framework's notes) and the charts write figures too.

Rules every function here keeps:
- None (a figure the analysis could not give) reads "n/a".
- Rounding is Python's: to the nearest, a tie to the even digit (524.5 s reads "8 min 44 s").
- A negative figure that rounds to zero reads without its minus ("0 s", not "-0 s"): float
  noise such as -1e-13 s of saving is no saving.
- Durations: seconds under a minute ("45 s"), minutes and seconds under an hour
  ("8 min 44 s"), hours and minutes beyond ("23 h 34 min"); a zero last part is left out
  ("16 min", "2 h").
- Money has thousands separators and its minus before the dollar sign ("-$4,680"); other
  figures have no separators.
- A change always carries its direction ("+$275", "-8 min 8 s", "+2"), except no change ("0").
"""

from __future__ import annotations

from decimal import Decimal

from decider.engine.schedule import TOTAL

NOT_AVAILABLE = "n/a"

Number = float | int | Decimal


def _fixed(value: Number, digits: int, *, separators: bool = False) -> str:
    """`value` with `digits` decimals; no minus on a figure that rounds to zero."""
    text = f"{value:,.{digits}f}" if separators else f"{value:.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        return text[1:]
    return text


def _signed(text: str) -> str:
    """A written figure with its direction: '+' unless it is negative or reads as zero."""
    if text.startswith("-") or not any(digit in text for digit in "123456789"):
        return text
    return f"+{text}"


def number(value: Number | None, digits: int = 0) -> str:
    """'34.3': a plain figure with `digits` decimals and no separators, for a figure whose
    unit the caller writes."""
    return NOT_AVAILABLE if value is None else _fixed(value, digits)


def _clock(whole_seconds: int) -> str:
    if whole_seconds < 60:
        return f"{whole_seconds} s"
    if whole_seconds < 3600:
        minutes, rest = divmod(whole_seconds, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours_, minutes = divmod(round(whole_seconds / 60), 60)
    return f"{hours_} h {minutes} min" if minutes else f"{hours_} h"


def duration(value: Number | None) -> str:
    """'45 s', '8 min 44 s', '23 h 34 min': the one way a duration is written."""
    if value is None:
        return NOT_AVAILABLE
    whole = round(value)
    text = _clock(abs(int(whole)))
    return f"-{text}" if whole < 0 else text


def signed_duration(value: Number | None) -> str:
    """'+1 min 30 s', '-8 min 8 s', '0 s': a change of duration with its direction."""
    return NOT_AVAILABLE if value is None else _signed(duration(value))


def usd(value: Number | None, digits: int = 0) -> str:
    """'$1,250', '-$4,680': dollars with thousands separators, whole unless `digits` asks for
    cents ('$87.50' with 2)."""
    if value is None:
        return NOT_AVAILABLE
    text = _fixed(value, digits, separators=True)
    return f"-${text[1:]}" if text.startswith("-") else f"${text}"


def signed_usd(value: Number | None, digits: int = 0) -> str:
    """'+$275', '-$4,680', '$0': a change of money with its direction."""
    return NOT_AVAILABLE if value is None else _signed(usd(value, digits))


def percent(share: Number | None, digits: int = 0) -> str:
    """'60%': a share of one (0.6, such as a pool's baseline utilization) as a percentage.

    A small but real share keeps up to two more decimals rather than read as none: a 0.2%
    baseline is '0.2%', not '0%'. For a figure already in percent (the engine's `*_pct`
    fields), use `pct`.
    """
    if share is None:
        return NOT_AVAILABLE
    value = float(share) * 100
    shown = digits
    text = _fixed(value, shown)
    while value > 0 and not any(digit in text for digit in "123456789") and shown < digits + 2:
        shown += 1
        text = _fixed(value, shown)
    return f"{text}%"


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
    return NOT_AVAILABLE if value is None else _signed(_fixed(value, digits))


def signed_pct(value: Number | None, digits: int = 1) -> str:
    """'+48.2%', '-1.6%', '0.0%': a change already in percent, signed as `signed` signs."""
    return NOT_AVAILABLE if value is None else f"{signed(value, digits)}%"


def hours(value: Number | None) -> str:
    """'12.3 h': hours with one decimal."""
    return NOT_AVAILABLE if value is None else f"{_fixed(value, 1)} h"


def days(value: Number | None) -> str:
    """'3.2 days': days with one decimal."""
    return NOT_AVAILABLE if value is None else f"{_fixed(value, 1)} days"


def noun(value: Number, singular_and_plural: str) -> str:
    """'runner' for exactly one (or minus one), 'runners' otherwise. `singular_and_plural` is
    'runner' (the plural adds s) or 'person,people'."""
    singular, _, plural = singular_and_plural.partition(",")
    return singular if abs(value) == 1 else plural or f"{singular}s"


def count(value: Number | None, singular_and_plural: str) -> str:
    """'1 runner', '2 runners', '1.5 pipelines': a figure and its noun (see `noun`)."""
    if value is None:
        return NOT_AVAILABLE
    figure = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{figure} {noun(value, singular_and_plural)}"


def signed_count(value: Number | None, singular_and_plural: str) -> str:
    """'+1 runner', '-3 runners': a change of a count with its direction."""
    return NOT_AVAILABLE if value is None else _signed(count(value, singular_and_plural))


def peak_in_words(peak_runners: dict[str, int]) -> str:
    """'at most 5 at once: 4 small and 2 medium, at different moments'.

    Each pool's peak is its own busiest moment, so the pools' peaks can add up to more than
    the total; the words say so rather than leave two figures that seem to disagree.
    """
    total = peak_runners.get(TOTAL, 0)
    pools = [f"{peak} {pool}" for pool, peak in peak_runners.items() if pool != TOTAL and peak]
    text = f"at most {count(total, 'runner')} at once"
    if len(pools) < 2:
        return text
    text += f": {', '.join(pools[:-1])} and {pools[-1]}"
    if sum(peak for pool, peak in peak_runners.items() if pool != TOTAL) > total:
        text += ", at different moments"
    return text
