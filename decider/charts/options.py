"""The options of one pool: $/month against the p90 pipeline wall clock (issue 12).

Every option that has a price and a wall clock is a point: its shape says its kind (self-hosted
runners, GitHub-hosted, overflow, bigger runners), filled when it meets the wait target and
hollow when it does not. The efficient options (no other is both cheaper and faster) are joined
by a line, cheapest first; today's runners are ringed and named. Points carry a number, placed
beside them where it overlaps no other number or point (points at one spot share a label),
and the list under the plot names each number, so labels stay readable at any count.
"""

import math

from decider.charts.svg import (
    AREA_LINE,
    CRITICAL_FILL,
    GRID,
    INK,
    MILESTONE,
    MUTED,
    NAME_SIZE,
    PAD,
    SMALL_SIZE,
    WAIT_STROKE,
    el,
    haloed_text,
    svg_root,
    text,
    text_width,
    truncate,
)
from decider.engine.formatting import count, duration, usd
from decider.engine.options import KIND_WORDS, Option, OptionKind, Options, PoolOptions

PLOT_HEIGHT = 300.0
LEFT_ROOM = 78.0  # for the $ ticks
HEADING_HEIGHT = 52.0
AXIS_ROOM = 40.0
MARKER = 6.0
LIST_ROW = 16.0
LIST_COLUMNS = 2
COLOURS: dict[OptionKind, str] = {
    "self_hosted": AREA_LINE,
    "hosted": MILESTONE,
    "overflow": WAIT_STROKE,
    "bigger": CRITICAL_FILL,
}

Box = tuple[float, float, float, float]  # left, top, right, bottom


def options_chart(pool: PoolOptions, result: Options, *, width: int = 960) -> str | None:
    """The pool's chart, or None when no option has both a price and a wall clock."""
    drawn = [
        option
        for option in pool.options
        if option.usd_per_month is not None and option.p90_wall_clock_s is not None
    ]
    if not drawn:
        return None
    walls = [option.p90_wall_clock_s or 0.0 for option in drawn]
    costs = [option.usd_per_month or 0.0 for option in drawn]
    wall_low, wall_high = _padded(min(walls), max(walls))
    cost_low, cost_high = _padded(min(0.0, min(costs)), max(costs))
    left, right = PAD + LEFT_ROOM, width - PAD - 24
    top = PAD + HEADING_HEIGHT
    bottom = top + PLOT_HEIGHT

    def x_of(seconds: float) -> float:
        return left + (right - left) * (seconds - wall_low) / (wall_high - wall_low)

    def y_of(dollars: float) -> float:
        return bottom - (bottom - top) * (dollars - cost_low) / (cost_high - cost_low)

    body = [
        text(
            PAD, PAD + NAME_SIZE, f"{pool.pool}: cost against wait", NAME_SIZE, font_weight="bold"
        ),
        text(
            PAD,
            PAD + NAME_SIZE + 16,
            f"$ per month against the p90 pipeline wall clock; filled: p90 wait for a runner "
            f"within {duration(result.target_queue_wait_s)}",
            SMALL_SIZE,
            fill=MUTED,
        ),
    ]
    body += _axes(left, right, top, bottom, (wall_low, wall_high), (cost_low, cost_high))
    efficient = sorted(
        (option for option in drawn if option.efficient),
        key=lambda option: option.usd_per_month or 0.0,
    )
    if len(efficient) > 1:
        points = " ".join(
            f"{x_of(o.p90_wall_clock_s or 0.0):.1f},{y_of(o.usd_per_month or 0.0):.1f}"
            for o in efficient
        )
        body.append(
            el("polyline", {"points": points, "fill": "none", "stroke": INK, "stroke-width": 1.5})
        )
    spots: dict[tuple[int, int], list[Option]] = {}
    for option in drawn:
        x, y = x_of(option.p90_wall_clock_s or 0.0), y_of(option.usd_per_month or 0.0)
        spots.setdefault((round(x), round(y)), []).append(option)
    taken: list[Box] = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in spots]
    labels = []
    for (x, y), here in spots.items():
        for option in here:
            body.append(_marker(option, x, y))
        if any(option.today for option in here):
            body.append(
                el(
                    "circle",
                    {
                        "cx": float(x),
                        "cy": float(y),
                        "r": MARKER + 4.0,
                        "fill": "none",
                        "stroke": INK,
                        "stroke-width": 1.5,
                    },
                )
            )
        label = ", ".join(short_name(option) for option in here)
        bold = any(option.efficient for option in here)
        labels.append(
            _placed_label(label, float(x), float(y), taken, (left, top, right, bottom), bold)
        )
    body += labels
    list_top = bottom + AXIS_ROOM + 8
    legend_height, legend = _legend(PAD, list_top, width)
    body += legend
    rows, list_part = _listing(pool, PAD, list_top + legend_height + 6, width)
    body += list_part
    height = list_top + legend_height + 6 + rows * LIST_ROW + PAD
    label = (
        f"Options for pool {pool.pool}, $ per month against p90 pipeline wall clock: "
        + "; ".join(
            f"{option.name}: {usd(option.usd_per_month)}, {duration(option.p90_wall_clock_s)}"
            for option in drawn
        )
    )
    return svg_root(width, height, label, "chart options-chart", *body)


def options_charts(result: Options | None, *, width: int = 960) -> list[tuple[str, str]]:
    """(pool, chart) for every pool with something to draw."""
    if result is None or result.missing:
        return []
    charts = []
    for pool in result.pools:
        chart = options_chart(pool, result, width=width)
        if chart is not None:
            charts.append((pool.pool, chart))
    return charts


def short_name(option: Option) -> str:
    """The point's label: short enough to sit beside it."""
    name = {
        "self_hosted": count(option.runners, "runner"),
        "hosted": "hosted",
        "overflow": f"{option.runners} + overflow",
        "bigger": f"{option.runners} bigger",
    }[option.kind]
    return f"{name} (today)" if option.today else name


def _padded(low: float, high: float) -> tuple[float, float]:
    """The range with a margin, so no point sits on the frame; a single value gets room."""
    span = high - low
    margin = span * 0.08 if span > 0 else max(abs(high) * 0.1, 1.0)
    return low - margin, high + margin


# Steps of the wall clock axis, in seconds: whole minutes and hours read best.
TIME_STEPS = (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)


def _time_ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    step = next((float(s) for s in TIME_STEPS if s >= raw), float(TIME_STEPS[-1]))
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(count + 2) if first + i * step <= high]


def _axes(
    left: float,
    right: float,
    top: float,
    bottom: float,
    walls: tuple[float, float],
    costs: tuple[float, float],
) -> list[str]:
    parts = [
        el(
            "rect",
            {
                "x": left,
                "y": top,
                "width": right - left,
                "height": bottom - top,
                "fill": "none",
                "stroke": GRID,
            },
        ),
    ]
    for dollars in _ticks(*costs):
        y = bottom - (bottom - top) * (dollars - costs[0]) / (costs[1] - costs[0])
        parts.append(el("line", {"x1": left, "y1": y, "x2": right, "y2": y, "stroke": GRID}))
        parts.append(text(left - 6, y + 4, usd(dollars), SMALL_SIZE, text_anchor="end", fill=MUTED))
    for seconds in _time_ticks(*walls):
        x = left + (right - left) * (seconds - walls[0]) / (walls[1] - walls[0])
        parts.append(el("line", {"x1": x, "y1": top, "x2": x, "y2": bottom, "stroke": GRID}))
        parts.append(
            text(x, bottom + 14, duration(seconds), SMALL_SIZE, text_anchor="middle", fill=MUTED)
        )
    parts.append(
        text(
            (left + right) / 2,
            bottom + 32,
            "p90 pipeline wall clock (faster to the left)",
            SMALL_SIZE,
            text_anchor="middle",
        )
    )
    parts.append(text(left - 6, top - 12, "$ per month", SMALL_SIZE, text_anchor="end"))
    return parts


def _marker(option: Option, x: float, y: float) -> str:
    colour = COLOURS[option.kind]
    fill = colour if option.meets_target else "#ffffff"
    common: dict[str, str | float | int] = {"fill": fill, "stroke": colour, "stroke-width": 2.0}
    return _shape(option.kind, x, y, common)


def _shape(kind: OptionKind, x: float, y: float, attrs: dict[str, str | float | int]) -> str:
    m = MARKER
    top, bottom, left, right = y - m - 1, y + m + 1, x - m - 1, x + m + 1
    if kind == "self_hosted":
        return el("circle", {"cx": x, "cy": y, "r": m, **attrs})
    if kind == "hosted":
        return el("rect", {"x": x - m, "y": y - m, "width": 2 * m, "height": 2 * m, **attrs})
    if kind == "overflow":
        corners = [(x, top), (right, y), (x, bottom), (left, y)]
    else:
        corners = [(x, top), (right, bottom - 1), (left, bottom - 1)]
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)
    return el("polygon", {"points": points, **attrs})


def _overlaps(box: Box, others: list[Box]) -> bool:
    return any(
        box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
        for other in others
    )


def _placed_label(label: str, x: float, y: float, taken: list[Box], frame: Box, bold: bool) -> str:
    """The label at the first spot beside its point (right, left, above, below, then further
    out) that overlaps nothing placed and stays in the plot; the last tried when none does."""
    width = text_width(label, SMALL_SIZE, bold) + 4
    height = SMALL_SIZE + 2
    gap = MARKER + 4
    candidates = []
    for reach in (1.0, 2.2, 3.4):
        g = gap * reach
        candidates += [
            (x + g, y - height / 2),
            (x - g - width, y - height / 2),
            (x - width / 2, y - g - height),
            (x - width / 2, y + g),
            (x + g, y - g - height),
            (x - g - width, y + g),
        ]
    chosen = candidates[0]
    for left, top in candidates:
        box = (left, top, left + width, top + height)
        inside = frame[0] <= box[0] and box[2] <= frame[2] + 20 and frame[1] - 10 <= box[1]
        if inside and not _overlaps(box, taken):
            chosen = (left, top)
            break
    left, top = chosen
    taken.append((left, top, left + width, top + height))
    weight = "bold" if bold else "normal"
    return haloed_text(left + 2, top + height - 3, label, SMALL_SIZE, font_weight=weight)


def _legend(left: float, top: float, width: int) -> tuple[float, list[str]]:
    """The shapes' kinds and the efficient line, wrapped to the width; returns the height."""
    parts = []
    x, y = left, top
    items: list[tuple[OptionKind | None, str]] = [*KIND_WORDS.items()]
    items.append((None, "efficient (bold): none cheaper and faster"))
    for kind, words in items:
        room = 2 * MARKER + 16 + text_width(words, SMALL_SIZE) + (12 if kind is None else 0)
        if x > left and x + room > width - PAD:
            x, y = left, y + LIST_ROW
        if kind is None:
            parts.append(
                el(
                    "line",
                    {"x1": x, "y1": y, "x2": x + 24, "y2": y, "stroke": INK, "stroke-width": 1.5},
                )
            )
            parts.append(text(x + 30, y + 4, words, SMALL_SIZE))
        else:
            style: dict[str, str | float | int] = {
                "fill": COLOURS[kind],
                "stroke": COLOURS[kind],
                "stroke-width": 2.0,
            }
            parts.append(_shape(kind, x + MARKER, y, style))
            parts.append(text(x + 2 * MARKER + 6, y + 4, words, SMALL_SIZE))
        x += room
    return y - top + LIST_ROW, parts


def _listing(pool: PoolOptions, left: float, top: float, width: int) -> tuple[int, list[str]]:
    """Each option's name, $/month and wall clock, in columns under the plot."""
    column_width = (width - 2 * PAD) / LIST_COLUMNS
    rows = math.ceil(len(pool.options) / LIST_COLUMNS)
    parts = []
    for at, option in enumerate(pool.options):
        column, row = divmod(at, rows)
        x = left + column * column_width
        y = top + row * LIST_ROW
        figures = (
            f"{usd(option.usd_per_month)}, {duration(option.p90_wall_clock_s)}"
            if option.usd_per_month is not None and option.p90_wall_clock_s is not None
            else f"not drawn: {option.note or 'no figure'}"
        )
        words = f"{option.name}{' (today)' if option.today else ''}: {figures}"
        parts.append(
            text(
                x,
                y,
                truncate(words, column_width - 8, SMALL_SIZE),
                SMALL_SIZE,
                fill=INK if option.usd_per_month is not None else MUTED,
            )
        )
    return rows, parts
