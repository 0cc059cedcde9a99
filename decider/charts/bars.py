"""Horizontal bars comparing one metric across a few scenarios."""

import math
from collections.abc import Sequence

from decider.charts.svg import (
    AREA_LINE,
    INK,
    JOB_FILL,
    MUTED,
    NAME_SIZE,
    PAD,
    SMALL_SIZE,
    el,
    svg_root,
    text,
    text_width,
    title,
    truncate,
)

ROW = 28.0
BAR = 16.0


def format_value(value: float, unit: str) -> str:
    """`$` goes before the number, other units after it; "n/a" for an infinite payback."""
    if not math.isfinite(value):
        return "n/a"
    digits = 0 if abs(value) >= 100 or value == int(value) else 1 if abs(value) >= 1 else 2
    number = f"{abs(value):,.{digits}f}" if unit == "$" else f"{abs(value):.{digits}f}"
    sign = "-" if value < 0 and float(number.replace(",", "")) else ""
    if unit == "$":
        return f"{sign}${number}"
    if unit in ("", "%"):
        return f"{sign}{number}{unit}"
    return f"{sign}{number} {unit}"


def bar_compare_svg(
    label_value_pairs: Sequence[tuple[str, float]], unit: str, *, width: int = 960
) -> str:
    """One labelled bar per (label, value), from zero; negative values extend left."""
    pairs = list(label_value_pairs)
    labels = [label for label, _ in pairs]
    captions = [format_value(value, unit) for _, value in pairs]
    values = [value if math.isfinite(value) else 0.0 for _, value in pairs]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    label_width = min(
        max((text_width(label, NAME_SIZE) for label in labels), default=0), width * 0.35
    )
    caption_width = max((text_width(caption, SMALL_SIZE) for caption in captions), default=0)
    left = PAD + label_width + 12 + (caption_width + 8 if low < 0 else 0)
    right = width - PAD - caption_width - 8

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / span

    parts = []
    for index, (label, value, caption) in enumerate(zip(labels, values, captions, strict=True)):
        top = PAD + index * ROW
        bar_left, bar_right = sorted((x(0), x(value)))
        on_left = value < 0
        parts.append(
            el(
                "g",
                {"class": "compare-bar"},
                title(f"{label}: {caption}"),
                text(PAD, top + 17, truncate(label, label_width, NAME_SIZE), NAME_SIZE),
                el(
                    "rect",
                    {
                        "x": bar_left,
                        "y": top + (ROW - BAR) / 2,
                        "width": max(bar_right - bar_left, 1.0),
                        "height": BAR,
                        "fill": JOB_FILL,
                        "stroke": AREA_LINE,
                    },
                ),
                text(
                    bar_left - 6 if on_left else bar_right + 6,
                    top + 17,
                    caption,
                    SMALL_SIZE,
                    fill=INK,
                    text_anchor="end" if on_left else "start",
                ),
            )
        )
    bottom = PAD + len(pairs) * ROW
    zero = el("line", {"x1": x(0), "y1": PAD - 2, "x2": x(0), "y2": bottom + 2, "stroke": MUTED})
    summary = (
        "Comparison: "
        + (
            "; ".join(f"{label} {c}" for label, c in zip(labels, captions, strict=True))
            or "no values"
        )
        + "."
    )
    return svg_root(width, bottom + PAD, summary, "chart compare", *parts, zero)
