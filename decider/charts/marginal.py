"""What each runner buys: one pool's p90 queue wait and monthly price at each runner count.

One bar per runner count around the recommendation, its height the p90 wait of the pool's
pipeline jobs, with the target as a dashed line. Under each bar, the count and its price per
month: reading left to right, a manager sees where one more runner stops shortening the wait
and what it still costs. A count whose queue never empties gets a full-height hatched bar, not
a number.
"""

import math

from decider.charts.svg import (
    AREA_FILL,
    AREA_LINE,
    GRID,
    HALO,
    INK,
    MUTED,
    NAME_SIZE,
    OVER_FILL,
    OVER_STROKE,
    PAD,
    SMALL_SIZE,
    WAIT_STROKE,
    el,
    haloed_text,
    hatch,
    safe_id,
    svg_root,
    text,
    text_width,
    truncate,
)
from decider.engine.formatting import count, duration, usd
from decider.engine.plan import Plan
from decider.engine.sizing import RunnerStep

PLOT_HEIGHT = 120.0
HEADING_HEIGHT = 22.0
VALUE_ROOM = 16.0  # above the tallest bar, for its value
FOOT_HEIGHT = 34.0  # runner count and price under each bar
HEADROOM = 1.25  # the target line never sits on the plot's top edge
OFF_SCALE_TARGETS = 4.0  # the scale's top, in targets; longer waits are drawn broken
BREAK_GAP = 5.0
MAX_BAR_WIDTH = 64.0


def marginal_svg(
    pool: str,
    steps: list[RunnerStep],
    target_s: float,
    recommended: int,
    *,
    width: int = 960,
    id_prefix: str | None = None,
) -> str:
    """The bars for `steps` (fewest runners first); `recommended` is drawn darker."""
    prefix = safe_id(id_prefix or f"marginal-{pool}")
    never = f"url(#{prefix}-never)"
    finite = [step.p90_wait_s for step in steps if step.p90_wait_s is not None]
    # A few runners too few can mean hours of waiting; on a linear scale up to that, every
    # count near the target would be a sliver. The scale stops at a few times the target and
    # longer waits reach the top with a break mark and their own figure.
    top_s = min(max([*finite, target_s]), OFF_SCALE_TARGETS * target_s or math.inf)
    top_s = top_s * HEADROOM or 1.0
    plot_top = PAD + HEADING_HEIGHT + VALUE_ROOM
    base_y = plot_top + PLOT_HEIGHT
    slot = (width - 2 * PAD) / max(1, len(steps))
    bar_width = min(MAX_BAR_WIDTH, slot * 0.6)

    def y_of(seconds: float) -> float:
        return base_y - PLOT_HEIGHT * min(seconds, top_s) / top_s

    body = [
        el("defs", {}, hatch(f"{prefix}-never", OVER_FILL, OVER_STROKE)),
        text(
            PAD,
            PAD + NAME_SIZE,
            truncate(
                f"{pool}: p90 wait for a runner and the price per month, by runner count",
                width - 2 * PAD - 160,
                NAME_SIZE,
                bold=True,
            ),
            NAME_SIZE,
            font_weight="bold",
        ),
        el("line", {"x1": PAD, "y1": base_y, "x2": width - PAD, "y2": base_y, "stroke": GRID}),
    ]
    for index, step in enumerate(steps):
        centre = PAD + slot * (index + 0.5)
        left = centre - bar_width / 2
        chosen = step.runners == recommended
        if step.p90_wait_s is None:
            body.append(_bar(left, plot_top, bar_width, PLOT_HEIGHT, never, OVER_STROKE))
            label = "never empties"
        else:
            y = y_of(step.p90_wait_s)
            fill = AREA_LINE if chosen else AREA_FILL
            if base_y - y > 0:
                body.append(_bar(left, y, bar_width, base_y - y, fill, AREA_LINE))
            if step.p90_wait_s > top_s:
                body.append(_break(left, plot_top + PLOT_HEIGHT * 0.2, bar_width))
            label = duration(step.p90_wait_s)
        value_y = (plot_top if step.p90_wait_s is None else y_of(step.p90_wait_s)) - 4
        body.append(haloed_text(centre, value_y, label, SMALL_SIZE, text_anchor="middle", fill=INK))
        weight = "bold" if chosen else "normal"
        body.append(
            text(
                centre,
                base_y + 14,
                count(step.runners, "runner"),
                SMALL_SIZE,
                text_anchor="middle",
                font_weight=weight,
            )
        )
        body.append(
            text(
                centre,
                base_y + 28,
                f"{usd(step.usd_per_month)}/month",
                SMALL_SIZE,
                text_anchor="middle",
                fill=INK if chosen else MUTED,
                font_weight=weight,
            )
        )
    target_y = y_of(target_s)
    body.append(_target_line(PAD, width - PAD, target_y))
    # The target's key sits in the heading row, clear of every bar's figure.
    key = f"target: {duration(target_s)}"
    key_x = width - PAD - text_width(key, SMALL_SIZE)
    body.append(_target_line(key_x - 28, key_x - 6, PAD + NAME_SIZE - 4))
    body.append(text(key_x, PAD + NAME_SIZE, key, SMALL_SIZE))
    label = (
        f"{pool}: p90 wait and monthly price from {steps[0].runners} to {steps[-1].runners} "
        f"runners; recommended {recommended}"
        if steps
        else f"{pool}: no runner counts simulated"
    )
    height = base_y + FOOT_HEIGHT + PAD
    return svg_root(width, height, label, "chart marginal-chart", *body)


def _target_line(x1: float, x2: float, y: float) -> str:
    return el(
        "line",
        {
            "x1": x1,
            "y1": y,
            "x2": x2,
            "y2": y,
            "stroke": WAIT_STROKE,
            "stroke-width": 1.5,
            "stroke-dasharray": "6 4",
        },
    )


def _break(x: float, y: float, width: float) -> str:
    """A white gap across a bar: the bar is longer than the scale shows."""
    return el(
        "rect",
        {"x": x - 1, "y": y, "width": width + 2, "height": BREAK_GAP, "fill": HALO},
    )


def _bar(x: float, y: float, width: float, height: float, fill: str, stroke: str) -> str:
    return el(
        "rect",
        {"x": x, "y": y, "width": width, "height": height, "fill": fill, "stroke": stroke},
    )


def marginal_charts(plan: Plan, *, width: int = 960) -> list[tuple[str, str]]:
    """(pool, chart) for every pool the plan sized, in the plan's order. A series the work
    budget cut short of the recommended count is left out: without its own bar the chart
    would not show what the plan buys."""
    return [
        (
            pool.name,
            marginal_svg(
                pool.name,
                pool.marginal,
                plan.target_queue_wait_s,
                pool.recommended_runners,
                width=width,
                id_prefix=f"m{index}",
            ),
        )
        for index, pool in enumerate(plan.pools)
        if any(step.runners == pool.recommended_runners for step in pool.marginal)
    ]
