"""Which assumption matters: the plan's net monthly benefit as each assumption moves (a tornado).

One row per assumption, widest swing on top. A bar spans the net benefit between the two ends
of the assumption's range, drawn from the plan's own net benefit (the vertical line) towards
each end, with the end's value written beside it. The zero line is where the plan stops
paying for itself: a bar that crosses it flips the decision, and its part below zero is drawn
in the warning colour. An end that could not be simulated is said in words, not drawn.
"""

from collections.abc import Callable

from decider.charts.svg import (
    AREA_FILL,
    AREA_LINE,
    GRID,
    INK,
    MUTED,
    NAME_SIZE,
    OVER_FILL,
    OVER_STROKE,
    PAD,
    SMALL_SIZE,
    el,
    haloed_text,
    svg_root,
    text,
    truncate,
)
from decider.engine.formatting import signed_usd
from decider.engine.sensitivity import Sensitivity, Swing

ROW_HEIGHT = 40.0
BAR_HEIGHT = 16.0
LABEL_WIDTH = 300.0
HEADING_HEIGHT = 24.0
AXIS_HEIGHT = 30.0
VALUE_ROOM = 72.0  # beside each end of the plot, for an end's figure


def tornado_svg(result: Sensitivity, *, width: int = 960) -> str:
    """The tornado of `result` (which has a base net benefit and swings)."""
    assert result.base_net_usd is not None
    base = result.base_net_usd
    nets = [base, 0.0] + [
        net
        for swing in result.swings
        for net in (swing.net_at_low_usd, swing.net_at_high_usd)
        if net is not None
    ]
    low, high = min(nets), max(nets)
    span = (high - low) or 1.0
    plot_left = PAD + LABEL_WIDTH + VALUE_ROOM
    plot_right = width - PAD - VALUE_ROOM
    plot_top = PAD + HEADING_HEIGHT

    def x_of(net: float) -> float:
        return plot_left + (plot_right - plot_left) * (net - low) / span

    rows_bottom = plot_top + ROW_HEIGHT * len(result.swings)
    body = [
        text(
            PAD,
            PAD + NAME_SIZE,
            "Net benefit per month as each assumption moves (the others as stated)",
            NAME_SIZE,
            font_weight="bold",
        )
    ]
    for index, swing in enumerate(result.swings):
        body.extend(_row(swing, plot_top + ROW_HEIGHT * index, x_of, base))
    zero_x, base_x = x_of(0.0), x_of(base)
    body.append(_vertical(zero_x, plot_top - 4, rows_bottom, OVER_STROKE, dashed=True))
    body.append(_vertical(base_x, plot_top - 4, rows_bottom, INK, dashed=False))
    axis_y = rows_bottom + 16
    body.append(
        el(
            "line",
            {
                "x1": plot_left,
                "y1": rows_bottom,
                "x2": plot_right,
                "y2": rows_bottom,
                "stroke": GRID,
            },
        )
    )
    # The two reference lines' keys under the plot, each on the side away from the other;
    # on two lines when the lines are too close for both on one.
    zero_left = zero_x <= base_x
    apart = abs(base_x - zero_x) > 150
    body.append(
        text(
            zero_x,
            axis_y,
            "$0: no longer pays for itself",
            SMALL_SIZE,
            text_anchor="end" if zero_left else "start",
            fill=OVER_STROKE,
        )
    )
    body.append(
        text(
            base_x,
            axis_y + (0 if apart else 14),
            f"as stated: {signed_usd(base)} per month",
            SMALL_SIZE,
            text_anchor="start" if zero_left else "end",
        )
    )
    label = "Net benefit per month at each end of each assumption's range; " + "; ".join(
        f"{swing.assumption}: {_end_words(swing.net_at_low_usd)} to "
        f"{_end_words(swing.net_at_high_usd)}"
        for swing in result.swings
    )
    height = axis_y + (4 if apart else 18) + PAD
    return svg_root(width, height, label, "chart tornado-chart", *body)


def sensitivity_chart(result: Sensitivity | None, *, width: int = 960) -> str | None:
    """The tornado, or None when there is nothing to draw (no money figures, not simulated)."""
    if result is None or result.base_net_usd is None or not result.swings:
        return None
    return tornado_svg(result, width=width)


def _row(swing: Swing, top: float, x_of: Callable[[float], float], base: float) -> list[str]:
    middle = top + ROW_HEIGHT / 2
    parts = [
        text(
            PAD,
            middle - 2,
            truncate(swing.assumption, LABEL_WIDTH, SMALL_SIZE, bold=True),
            SMALL_SIZE,
            font_weight="bold",
        ),
        text(
            PAD,
            middle + 12,
            truncate(
                f"{swing.reads(swing.low)} to {swing.reads(swing.high)}", LABEL_WIDTH, SMALL_SIZE
            ),
            SMALL_SIZE,
            fill=MUTED,
        ),
    ]
    for net in (swing.net_at_low_usd, swing.net_at_high_usd):
        if net is None:
            continue
        parts.extend(_bar_part(x_of(base), x_of(net), x_of(0.0), middle))
    for net in (swing.net_at_low_usd, swing.net_at_high_usd):
        if net is None:
            continue
        x = x_of(net)
        right = x >= x_of(base)
        parts.append(
            haloed_text(
                x + (4 if right else -4),
                middle + 4,
                signed_usd(net),
                SMALL_SIZE,
                text_anchor="start" if right else "end",
                fill=INK,
            )
        )
    if swing.note:
        parts.append(text(x_of(base) + 6, middle + 4, swing.note, SMALL_SIZE, fill=MUTED))
    return parts


def _bar_part(from_x: float, to_x: float, zero_x: float, middle: float) -> list[str]:
    """The bar from the stated net to one end; what lies past zero in the warning colour."""
    left, right = sorted((from_x, to_x))
    y = middle - BAR_HEIGHT / 2
    parts = []
    # Split at zero so the part where the plan no longer pays is visible at a glance.
    pieces = [(left, min(right, zero_x)), (max(left, zero_x), right)]
    for index, (start, end) in enumerate(pieces):
        if end - start <= 0:
            continue
        losing = index == 0
        parts.append(
            el(
                "rect",
                {
                    "x": start,
                    "y": y,
                    "width": end - start,
                    "height": BAR_HEIGHT,
                    "fill": OVER_FILL if losing else AREA_FILL,
                    "stroke": OVER_STROKE if losing else AREA_LINE,
                },
            )
        )
    return parts


def _vertical(x: float, top: float, bottom: float, colour: str, *, dashed: bool) -> str:
    attrs: dict[str, str | float | int] = {
        "x1": x,
        "y1": top,
        "x2": x,
        "y2": bottom,
        "stroke": colour,
        "stroke-width": 1.5,
    }
    if dashed:
        attrs["stroke-dasharray"] = "5 4"
    return el("line", attrs)


def _end_words(net: float | None) -> str:
    return "not simulated" if net is None else signed_usd(net)
