"""A trend over days or weeks: one line per series, dates along the bottom, and a dashed
vertical line on each day a scenario version was adopted, so a change in the line can be
read against the change made.

A period with no figure (no pipeline ran, or none on that pool) leaves a gap in its line
rather than joining its neighbours, so "nothing measured" never looks like a steady value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from decider.charts.svg import (
    GRID,
    INK,
    MILESTONE,
    MUTED,
    PAD,
    SMALL_SIZE,
    el,
    haloed_text,
    svg_root,
    text,
    title,
)
from decider.engine.formatting import duration, number, percent

HEIGHT = 220.0
LEFT_AXIS = 64.0
BOTTOM_AXIS = 22.0
LEGEND_HEIGHT = 20.0
TICKS = 4
EDGE_LABEL_ROOM = 24.0  # half a date label's width: closer to the right edge, it ends there
# Okabe-Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue, yellow.
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442")
DASHES = ("", "6 3", "2 3", "8 3 2 3")  # a second cue besides colour, for greyscale print

Unit = str  # "duration", "share" or "count"
FORMATS: dict[Unit, Callable[[float], str]] = {
    "duration": duration,
    "share": percent,
    "count": lambda value: number(value),
}


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[date, float | None]]


@dataclass(frozen=True)
class Marker:
    day: date
    label: str


def _nice_top(largest: float, unit: Unit) -> float:
    """A round axis top at or above `largest` (minutes for durations, 10% for shares)."""
    if largest <= 0:
        return {"duration": 60.0 * TICKS, "share": 1.0}.get(unit, float(TICKS))
    steps = (
        (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14400, 28800, 86400)
        if unit == "duration"
        else (0.1, 0.2, 0.25, 0.5, 1.0)
        if unit == "share"
        else (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000)  # whole counts
    )
    for step in steps:
        if largest <= step * TICKS:
            return float(step * TICKS)
    return float(largest * 1.1)


def trend_svg(
    label: str,
    series: list[Series],
    markers: list[Marker],
    *,
    first: date,
    last: date,
    unit: Unit,
    width: int = 720,
) -> str:
    """`first`..`last`: the periods' starts shown (the axis spans them whatever the data)."""
    fmt = FORMATS[unit]
    values = [value for line in series for _, value in line.points if value is not None]
    top = _nice_top(max(values, default=0.0), unit)
    plot_left, plot_right = PAD + LEFT_AXIS, width - PAD
    plot_top = PAD + LEGEND_HEIGHT
    plot_bottom = HEIGHT - PAD - BOTTOM_AXIS
    span_days = max((last - first).days, 1)

    def x(day: date) -> float:
        return plot_left + (plot_right - plot_left) * (day - first).days / span_days

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * min(value, top) / top

    parts: list[str] = []
    for tick in range(TICKS + 1):
        value = top * tick / TICKS
        parts.append(
            el(
                "line",
                {"x1": plot_left, "x2": plot_right, "y1": y(value), "y2": y(value), "stroke": GRID},
            )
        )
        parts.append(
            text(plot_left - 6, y(value) + 4, fmt(value), SMALL_SIZE, fill=MUTED, text_anchor="end")
        )
    parts.extend(_date_ticks(first, last, x, plot_bottom))
    for marker in markers:
        if first <= marker.day <= last + timedelta(days=6):
            parts.append(_marker(marker, min(x(marker.day), plot_right), plot_top, plot_bottom))
    for index, line in enumerate(series):
        parts.extend(_line(line, index, x, y, fmt))
        parts.append(_legend_entry(line.name, index, plot_left + index * 170.0, PAD + 8))
    if not values:
        parts.append(
            text(
                (plot_left + plot_right) / 2,
                (plot_top + plot_bottom) / 2,
                "No measurements in these periods",
                SMALL_SIZE,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    return svg_root(width, HEIGHT, label, "chart trend", *parts)


def _date_ticks(first: date, last: date, x: Callable[[date], float], bottom: float) -> list[str]:
    """About six dates along the axis, on whole days."""
    span = max((last - first).days, 1)
    step = max(1, round(span / 6))
    parts = []
    day = first
    while day <= last:
        # The last date sits on the plot's right edge: centred there, it would be cut off.
        anchor = "end" if day > first and x(last) - x(day) < EDGE_LABEL_ROOM else "middle"
        parts.append(
            text(x(day), bottom + 16, f"{day:%b %-d}", SMALL_SIZE, fill=MUTED, text_anchor=anchor)
        )
        parts.append(
            el(
                "line",
                {"x1": x(day), "x2": x(day), "y1": bottom, "y2": bottom + 4, "stroke": MUTED},
            )
        )
        day += timedelta(days=step)
    return parts


def _marker(marker: Marker, at: float, top: float, bottom: float) -> str:
    line = el(
        "line",
        {
            "x1": at,
            "x2": at,
            "y1": top - 4,
            "y2": bottom,
            "stroke": MILESTONE,
            "stroke-width": 2,
            "stroke-dasharray": "5 3",
        },
        title(f"{marker.label}: {marker.day:%Y-%m-%d}"),
    )
    return line + haloed_text(
        at + 4, top + 10, marker.label, SMALL_SIZE, fill=MILESTONE, font_weight="bold"
    )


def _line(
    line: Series,
    index: int,
    x: Callable[[date], float],
    y: Callable[[float], float],
    fmt: Callable[[float], str],
) -> list[str]:
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    dash = DASHES[index % len(DASHES)]
    parts: list[str] = []
    stretch: list[str] = []
    for day, value in [*line.points, (date.max, None)]:
        if value is None:
            if len(stretch) > 1:
                attrs: dict[str, str | float | int] = {
                    "points": " ".join(stretch),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": 2,
                }
                if dash:
                    attrs["stroke-dasharray"] = dash
                parts.append(el("polyline", attrs))
            stretch = []
            continue
        stretch.append(f"{x(day):.1f},{y(value):.1f}")
        parts.append(
            el(
                "circle",
                {"cx": x(day), "cy": y(value), "r": 2.5, "fill": colour},
                title(f"{line.name}, {day:%Y-%m-%d}: {fmt(value)}"),
            )
        )
    return parts


def _legend_entry(name: str, index: int, left: float, middle: float) -> str:
    colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    attrs: dict[str, str | float | int] = {
        "x1": left,
        "x2": left + 22,
        "y1": middle,
        "y2": middle,
        "stroke": colour,
        "stroke-width": 2,
    }
    if DASHES[index % len(DASHES)]:
        attrs["stroke-dasharray"] = DASHES[index % len(DASHES)]
    return el("line", attrs) + text(left + 28, middle + 4, name, SMALL_SIZE, fill=INK)
