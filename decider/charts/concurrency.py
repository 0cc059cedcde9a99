"""Runners busy over time, one band per pool, against the pool's size."""

from collections.abc import Callable
from dataclasses import dataclass

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
    hatch,
    num,
    safe_id,
    svg_root,
    text,
    text_width,
    truncate,
)
from decider.charts.timeline import (
    TimeAxis,
    Which,
    chart_axis,
    drawn,
    extent_s,
    grid_and_ticks,
    group_order,
    gutter,
    pool_sizes,
)
from decider.engine.analysis import Analysis
from decider.engine.schedule import Step

LEGEND_HEIGHT = 26.0
BAND_GAP = 22.0
HEADROOM = 1.15  # the top tick sits a little below the band's top
RUNNER_HEIGHT = 16.0
MIN_BAND = 52.0
MAX_BAND = 128.0


def concurrency_svg(
    analysis: Analysis,
    which: Which,
    constrained: bool,
    *,
    width: int = 960,
    time_max_s: float | None = None,
    id_prefix: str | None = None,
) -> str:
    """Per pool, a step area of runners busy and a dashed line at the pool's size.

    Unconstrained groups (hosted, unknown labels) have no size and no line. Where the
    unconstrained schedule keeps more runners busy than the pool has, the excess is hatched:
    those jobs would queue. Same axis as `gantt_svg` for the same width and `constrained`.
    """
    return concurrency_parts(
        analysis, which, constrained, width=width, time_max_s=time_max_s, id_prefix=id_prefix
    )[0]


def concurrency_parts(
    analysis: Analysis,
    which: Which,
    constrained: bool,
    *,
    width: int = 960,
    time_max_s: float | None = None,
    id_prefix: str | None = None,
    max_height: float | None = None,
) -> list[str]:
    """`concurrency_svg` cut between pools into charts at most `max_height` units tall (None:
    one chart; a pool's band is never cut), each with its legend and its time axis."""
    chart = drawn(analysis, which, constrained)
    prefix = safe_id(id_prefix or f"busy-{which}-{'runners' if chart.on_runners else 'free'}")
    over_fill = f"url(#{prefix}-over)"
    sizes = pool_sizes(analysis)
    axis = chart_axis(width, chart.on_runners, max(extent_s(chart), time_max_s or 0.0))
    groups = group_order(analysis, set(chart.concurrency))
    has_over = any(
        group in sizes and _peak(chart.concurrency[group]) > sizes[group] for group in groups
    )
    heights = {group: _band_height(chart.concurrency[group], sizes.get(group)) for group in groups}
    parts: list[list[str]] = [[]]
    used = 0.0
    for group in groups:
        height = heights[group] + BAND_GAP
        if max_height is not None and parts[-1] and used + height > max_height - _FRAME:
            parts.append([])
            used = 0.0
        parts[-1].append(group)
        used += height
    summary = _summary(which, chart.on_runners, groups, chart.concurrency, sizes)
    drawn_parts = []
    for part in parts:
        body = [
            el("defs", {}, hatch(f"{prefix}-over", OVER_FILL, OVER_STROKE)),
            _legend(over_fill, has_over, any(group in sizes for group in groups)),
        ]
        y = PAD + LEGEND_HEIGHT
        for index, group in enumerate(part):
            last = index == len(part) - 1
            steps = chart.concurrency[group]
            size = sizes.get(group)
            band = _Band(group, steps, size, y, heights[group])
            body.append(_band(band, axis, over_fill, last, width))
            y += heights[group] + BAND_GAP
        bottom = y - BAND_GAP if part else y
        body.append(
            text(axis.left, bottom + 34, "time since the run started", SMALL_SIZE, fill=MUTED)
        )
        drawn_parts.append(svg_root(width, bottom + 42, summary, "chart concurrency", *body))
    return drawn_parts


# Height of a part around its bands: the legend above, the tick labels and axis title below.
_FRAME = PAD + LEGEND_HEIGHT + 42


@dataclass(frozen=True)
class _Band:
    group: str
    steps: list[Step]
    size: int | None
    top: float
    height: float

    @property
    def top_runners(self) -> int:
        return max(_peak(self.steps), self.size or 0, 1)


def _band_height(steps: list[Step], size: int | None) -> float:
    top_runners = max(_peak(steps), size or 0, 1)
    return min(max(top_runners * RUNNER_HEIGHT, MIN_BAND), MAX_BAND)


def _peak(steps: list[Step]) -> int:
    return max((step.runners for step in steps), default=0)


def _legend(over_fill: str, has_over: bool, has_size: bool) -> str:
    parts = [
        el(
            "rect",
            {"x": PAD + 1, "y": PAD, "width": 14, "height": 10, "fill": AREA_FILL, "opacity": 0.45},
        ),
        el(
            "line",
            {
                "x1": PAD + 1,
                "y1": PAD + 1,
                "x2": PAD + 15,
                "y2": PAD + 1,
                "stroke": AREA_LINE,
                "stroke-width": 2,
            },
        ),
        text(PAD + 20, PAD + 9, "runners busy", SMALL_SIZE),
    ]
    x = PAD + 20 + text_width("runners busy", SMALL_SIZE) + 18
    if has_size:
        parts.append(
            el(
                "line",
                {
                    "x1": x,
                    "y1": PAD + 5,
                    "x2": x + 16,
                    "y2": PAD + 5,
                    "stroke": INK,
                    "stroke-width": 1.5,
                    "stroke-dasharray": "5 3",
                },
            )
        )
        parts.append(text(x + 20, PAD + 9, "runners in the pool", SMALL_SIZE))
        x += 20 + text_width("runners in the pool", SMALL_SIZE) + 18
    if has_over:
        parts.append(
            el(
                "rect",
                {
                    "x": x + 1,
                    "y": PAD,
                    "width": 14,
                    "height": 10,
                    "fill": over_fill,
                    "stroke": OVER_STROKE,
                },
            )
        )
        parts.append(text(x + 20, PAD + 9, "more than the pool has: jobs would queue", SMALL_SIZE))
    return el("g", {"class": "legend"}, *parts)


def _band(band: _Band, axis: TimeAxis, over_fill: str, last: bool, width: int) -> str:
    group, steps, size, top, height = band.group, band.steps, band.size, band.top, band.height
    top_runners = band.top_runners
    bottom = top + height

    def y(runners: float) -> float:
        return bottom - height * runners / (top_runners * HEADROOM)

    peak = _peak(steps)
    ticks = _runner_ticks(top_runners)
    tick_room = max(text_width(str(tick), SMALL_SIZE) for tick in ticks) + 6
    parts = [_pool_label(group, size, peak, top, width, tick_room)]
    parts += grid_and_ticks(axis, top, bottom, with_labels=last)
    for tick in ticks:
        parts.append(
            el(
                "line",
                {"x1": axis.left, "y1": y(tick), "x2": axis.right, "y2": y(tick), "stroke": GRID},
            )
        )
        parts.append(
            text(axis.left - 6, y(tick) + 4, str(tick), SMALL_SIZE, fill=MUTED, text_anchor="end")
        )
    segments = _segments(steps, axis.domain_s)
    outline = _outline(segments, axis, y)
    parts.append(
        el(
            "path",
            {
                "class": "busy-area",
                "d": f"M{num(axis.left)} {num(bottom)}{outline}L{num(axis.right)} {num(bottom)}Z",
                "fill": AREA_FILL,
                "opacity": 0.45,
            },
        )
    )
    if size is not None:
        parts += _over_capacity(segments, size, axis, y, over_fill)
    first_y = y(segments[0][2]) if segments else bottom
    parts.append(
        el(
            "path",
            {
                "class": "busy",
                "d": f"M{num(axis.left)} {num(first_y)}{outline}",
                "fill": "none",
                "stroke": AREA_LINE,
                "stroke-width": 2,
            },
        )
    )
    if size is not None:
        parts.append(_limit(size, axis, y(size)))
    parts.append(
        el("line", {"x1": axis.left, "y1": bottom, "x2": axis.right, "y2": bottom, "stroke": MUTED})
    )
    attrs: dict[str, str | float | int] = {
        "class": "pool-band",
        "data-group": group,
        "data-peak": peak,
    }
    if size is not None:
        attrs["data-runners"] = size
    return el("g", attrs, *parts)


def _over_capacity(
    segments: list[tuple[float, float, int]],
    size: int,
    axis: TimeAxis,
    y: Callable[[float], float],
    over_fill: str,
) -> list[str]:
    """Hatched where more runners are busy than the pool has."""
    return [
        el(
            "rect",
            {
                "class": "over-capacity",
                "x": axis.x(start),
                "y": y(runners),
                "width": axis.x(end) - axis.x(start),
                "height": y(size) - y(runners),
                "fill": over_fill,
                "stroke": OVER_STROKE,
                "stroke-width": 0.75,
            },
        )
        for start, end, runners in segments
        if runners > size
    ]


def _pool_label(
    group: str, size: int | None, peak: int, top: float, width: int, tick_room: float
) -> str:
    """The pool's name and peak, left of the runner tick labels (never over them)."""
    room = gutter(width) - 8 - tick_room
    name = truncate(group, room, NAME_SIZE, bold=True)
    if size is None:
        detail = f"peak {peak} busy, no limit"
    else:
        detail = f"peak {peak} of {size} runner{'s' if size != 1 else ''}"
    return el(
        "g",
        {"class": "pool-label"},
        text(PAD, top + 12, name, NAME_SIZE, font_weight="bold"),
        text(PAD, top + 27, truncate(detail, room, SMALL_SIZE), SMALL_SIZE, fill=MUTED),
    )


def _limit(size: int, axis: TimeAxis, y: float) -> str:
    label = f"{size} runner{'s' if size != 1 else ''}"
    return el(
        "g",
        {"class": "pool-limit"},
        el(
            "line",
            {
                "x1": axis.left,
                "y1": y,
                "x2": axis.right,
                "y2": y,
                "stroke": INK,
                "stroke-width": 1.5,
                "stroke-dasharray": "5 3",
            },
        ),
        haloed_text(axis.right - 4, y - 4, label, SMALL_SIZE, fill=INK, text_anchor="end"),
    )


def _runner_ticks(top_runners: int) -> list[int]:
    """Whole runners, at most about six ticks: steps of 1, 2, 5, 10, 20, 50 ..."""
    step = 1
    multipliers = (2, 2.5, 2)
    index = 0
    while top_runners / step > 5:
        step = round(step * multipliers[index % 3])
        index += 1
    return list(range(0, top_runners + 1, step))


def _segments(steps: list[Step], domain_s: float) -> list[tuple[float, float, int]]:
    """(start, end, runners) pieces covering [0, domain]."""
    segments = []
    for index, step in enumerate(steps):
        end = steps[index + 1].t_s if index + 1 < len(steps) else domain_s
        if end > step.t_s:
            segments.append((step.t_s, end, step.runners))
    return segments


def _outline(
    segments: list[tuple[float, float, int]], axis: TimeAxis, y: Callable[[float], float]
) -> str:
    """Path commands along the top of the step function."""
    return "".join(
        f"L{num(axis.x(start))} {num(y(runners))}L{num(axis.x(end))} {num(y(runners))}"
        for start, end, runners in segments
    )


def _summary(
    which: Which,
    on_runners: bool,
    groups: list[str],
    concurrency: dict[str, list[Step]],
    sizes: dict[str, int],
) -> str:
    where = "on the pools' runners" if on_runners else "with unlimited runners"
    pools = []
    for group in groups:
        peak = _peak(concurrency[group])
        size = sizes.get(group)
        limit = "no limit" if size is None else f"of {size} runner{'s' if size != 1 else ''}"
        pools.append(f"{group} peak {peak} {limit}")
    return (
        f"Runners busy over time, {which} graph {where}: " + ("; ".join(pools) or "no jobs") + "."
    )
