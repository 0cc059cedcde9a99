"""The Gantt chart: one row per job, grouped by pool (and by runner on the pools' runners).

Big workflows keep a row for the critical path and the longest jobs and draw each pool's other
jobs on one shared row ("12 other jobs"); on paper the chart is cut into page-sized parts, each
with its own time axis (`gantt_parts`).
"""

from collections import Counter
from dataclasses import dataclass

from decider.charts.lanes import own_rows
from decider.charts.svg import (
    BAND,
    CRITICAL_FILL,
    INK,
    JOB_FILL,
    JOB_STROKE,
    MILESTONE,
    MUTED,
    NAME_SIZE,
    PAD,
    SMALL_SIZE,
    WAIT_FILL,
    WAIT_STROKE,
    el,
    haloed_text,
    hatch,
    num,
    safe_id,
    svg_root,
    text,
    text_width,
    title,
    truncate,
)
from decider.charts.timeline import (
    TOP_AXIS,
    Drawn,
    TimeAxis,
    Which,
    chart_axis,
    drawn,
    extent_s,
    grid_and_ticks,
    group_order,
    gutter,
    pool_sizes,
    top_tick_labels,
)
from decider.engine import formatting
from decider.engine.analysis import Analysis, JobOut
from decider.engine.schedule import JobTiming

ROW = 22.0
BAR = 14.0
HEADER = 24.0
LEGEND_ROW = 20.0
MARKER_ROW = 16.0
DIAMOND = 6.0
MIN_BAR = 2.0
AXIS_BELOW = 42.0  # tick labels and the axis title under the rows
# Above this many rows a chart repeats its tick labels above the rows, so the time scale is in
# sight wherever the reader is.
TOP_AXIS_FROM_ROWS = 20
OTHERS_OPACITY = 0.35
OTHERS_NAMES_IN_TOOLTIP = 20


@dataclass(frozen=True)
class _Row:
    timing: JobTiming
    job: JobOut
    on_runner: bool  # drawn on a runner of a sized pool
    lane_label: str  # "runner 1" on a lane's first row, else ""
    lane_rows: int  # rows of this lane, on its first row


@dataclass(frozen=True)
class _Header:
    group: str
    continued: bool = False  # the pool's rows began in an earlier part


@dataclass(frozen=True)
class _Others:
    """A pool's jobs that have no row of their own, drawn overlaid on one shared row."""

    group: str
    timings: list[JobTiming]


_Line = _Header | _Row | _Others


def _line_height(line: _Line) -> float:
    return HEADER if isinstance(line, _Header) else ROW


def gantt_svg(
    analysis: Analysis,
    which: Which,
    constrained: bool,
    *,
    width: int = 960,
    time_max_s: float | None = None,
    id_prefix: str | None = None,
) -> str:
    """The jobs of one graph on a time axis.

    `constrained` draws the schedule on the pools' runners when there is one (rows grouped by
    runner, queue wait hatched); `time_max_s` (see `shared_time_max_s`) puts several charts on
    one scale; `id_prefix` keeps pattern ids unique when one page holds several such charts.
    Above `MAX_JOB_ROWS` jobs, the critical path and the longest jobs keep their rows and the
    rest of each pool share one row (see `lanes.own_rows`).
    """
    return gantt_parts(
        analysis, which, constrained, width=width, time_max_s=time_max_s, id_prefix=id_prefix
    )[0]


def gantt_parts(
    analysis: Analysis,
    which: Which,
    constrained: bool,
    *,
    width: int = 960,
    time_max_s: float | None = None,
    id_prefix: str | None = None,
    max_height: float | None = None,
) -> list[str]:
    """`gantt_svg` cut into charts at most `max_height` units tall (None: one chart), each with
    its legend, its markers and its own time axis, for paper: a pool's rows that go on in the
    next part repeat its heading, and no part ends on a heading."""
    chart = drawn(analysis, which, constrained)
    prefix = safe_id(id_prefix or f"gantt-{which}-{'runners' if chart.on_runners else 'free'}")
    wait_fill = f"url(#{prefix}-wait)"
    sizes = pool_sizes(analysis)
    lines = _lines(analysis, chart, sizes)
    has_wait = any(t.start_s > t.ready_s for t in chart.timings)
    zero_length = {t.id for t in chart.timings if t.end_s <= t.start_s}
    axis = chart_axis(width, chart.on_runners, max(extent_s(chart), time_max_s or 0.0))
    markers = _markers(chart)
    legend, legend_height = _legend(
        width, wait_fill, has_wait, _zero_label(zero_length, analysis), len(markers) > 1
    )
    frame = _Frame(
        analysis=analysis,
        chart=chart,
        sizes=sizes,
        axis=axis,
        width=width,
        prefix=prefix,
        wait_fill=wait_fill,
        legend=legend,
        legend_height=legend_height,
        markers=markers,
        summary=_summary(analysis, which, chart, lines),
    )
    if max_height is None:
        return [frame.render(lines)]
    room = max_height - frame.overhead(top_axis=True)
    return [frame.render(part) for part in _split(lines, room)]


def _split(lines: list[_Line], room: float) -> list[list[_Line]]:
    """Consecutive parts no taller than room (one row at least), never ending on a heading;
    a part that starts inside a pool begins with the pool's heading, marked continued."""
    parts: list[list[_Line]] = []
    current: list[_Line] = []
    used = 0.0
    group = ""
    for line in lines:
        height = _line_height(line)
        rows_in_part = any(not isinstance(item, _Header) for item in current)
        if rows_in_part and used + height > room:
            trailing = current.pop() if isinstance(current[-1], _Header) else None
            parts.append(current)
            current, used = [], 0.0
            if trailing is not None:
                current.append(trailing)
                used += HEADER
            elif not isinstance(line, _Header):
                current.append(_Header(group, continued=True))
                used += HEADER
        if isinstance(line, _Header):
            group = line.group
        current.append(line)
        used += height
    if current:
        parts.append(current)
    return parts or [[]]


@dataclass(frozen=True)
class _Frame:
    """What every part of one Gantt chart shares: its scale, legend, markers and summary."""

    analysis: Analysis
    chart: Drawn
    sizes: dict[str, int]
    axis: TimeAxis
    width: int
    prefix: str
    wait_fill: str
    legend: list[str]
    legend_height: float
    markers: list[tuple[str, float, str, str]]
    summary: str

    def overhead(self, top_axis: bool) -> float:
        """Height around the rows: legend, markers, the tick labels above, the axis below."""
        return (
            PAD
            + self.legend_height
            + 8
            + len(self.markers) * MARKER_ROW
            + (TOP_AXIS if top_axis else 0.0)
            + AXIS_BELOW
        )

    def render(self, lines: list[_Line]) -> str:
        axis, names_width = self.axis, gutter(self.width)
        critical = set(self.chart.critical_path)
        rows = sum(1 for line in lines if not isinstance(line, _Header))
        top_axis = rows > TOP_AXIS_FROM_ROWS
        markers_top = PAD + self.legend_height + 4
        plot_top = markers_top + len(self.markers) * MARKER_ROW + 4
        plot_top += TOP_AXIS if top_axis else 0.0
        plot_bottom = plot_top + sum(_line_height(line) for line in lines)

        body: list[str] = [_defs(self.prefix), *self.legend]
        rows_body: list[str] = []
        y = plot_top
        index = 0
        for line in lines:
            if isinstance(line, _Header):
                size = self.sizes.get(line.group)
                rows_body.append(_pool_header(line, size, y, axis.right, names_width))
                index = 0
            else:
                if index % 2:
                    body.append(_band(y, axis.right))
                if isinstance(line, _Row):
                    rows_body.append(
                        _job_row(
                            line, y, axis, names_width, critical, self.wait_fill, self.analysis
                        )
                    )
                else:
                    rows_body.append(_others_row(line, y, axis, names_width, critical))
                index += 1
            y += _line_height(line)
        body += grid_and_ticks(axis, plot_top, plot_bottom, with_labels=True)
        if top_axis:
            body += top_tick_labels(axis, plot_top)
        axis_line = {"x1": axis.left, "y1": plot_bottom, "x2": axis.right, "y2": plot_bottom}
        body.append(el("line", axis_line | {"stroke": MUTED}))
        body.append(
            text(axis.left, plot_bottom + 34, "time since the run started", SMALL_SIZE, fill=MUTED)
        )
        for number, (label, seconds, colour, dash) in enumerate(self.markers):
            label_y = markers_top + number * MARKER_ROW
            body.append(_marker(axis, seconds, label, label_y, plot_bottom, colour, dash))
        body += rows_body
        height = plot_bottom + AXIS_BELOW
        return svg_root(self.width, height, self.summary, "chart gantt", *body)


def _lines(analysis: Analysis, chart: Drawn, sizes: dict[str, int]) -> list[_Line]:
    """Per group in order: its heading, its jobs' own rows, then its shared row if any."""
    jobs = {job.id: job for job in analysis.jobs}
    position = {job.id: index for index, job in enumerate(analysis.jobs)}
    shown = own_rows(chart.timings, chart.critical_path, position)
    by_group: dict[str, list[JobTiming]] = {}
    for timing in chart.timings:
        by_group.setdefault(timing.group, []).append(timing)
    lines: list[_Line] = []
    for group in group_order(analysis, set(by_group)):
        timings = [t for t in by_group[group] if t.id in shown]
        others = [t for t in by_group[group] if t.id not in shown]
        by_lane = chart.on_runners and group in sizes
        if by_lane:
            timings.sort(key=lambda t: (t.lane, t.start_s, position[t.id]))
        else:
            timings.sort(key=lambda t: (t.start_s, position[t.id]))
        rows_per_lane = Counter(t.lane for t in timings)
        lines.append(_Header(group))
        for index, timing in enumerate(timings):
            first = by_lane and (index == 0 or timings[index - 1].lane != timing.lane)
            lines.append(
                _Row(
                    timing=timing,
                    job=jobs[timing.id],
                    on_runner=by_lane,
                    lane_label=f"runner {timing.lane + 1}" if first else "",
                    lane_rows=rows_per_lane[timing.lane] if first else 0,
                )
            )
        if others:
            others.sort(key=lambda t: (t.start_s, position[t.id]))
            lines.append(_Others(group, others))
    return lines


def _defs(prefix: str) -> str:
    return el("defs", {}, hatch(f"{prefix}-wait", WAIT_FILL, WAIT_STROKE))


def _legend(
    width: int, wait_fill: str, has_wait: bool, zero_label: str, has_milestone: bool
) -> tuple[list[str], float]:
    """Swatches and labels in rows; returns them and the height they take."""
    items = [("job", "job"), ("critical", "critical path (outlined)")]
    if has_wait:
        items.append(("wait", "queue wait (ready, no free runner)"))
    if zero_label:
        items.append(("zero", zero_label))
    items.append(("wall", "wall clock"))
    if has_milestone:
        items.append(("milestone", "milestone"))
    parts: list[str] = []
    x, y = PAD, PAD
    for kind, label in items:
        item_width = 20 + text_width(label, SMALL_SIZE) + 18
        if x + item_width > width - PAD and x > PAD:
            x, y = PAD, y + LEGEND_ROW
        parts.append(_swatch(kind, x, y, wait_fill))
        parts.append(text(x + 20, y + 9, label, SMALL_SIZE))
        x += item_width
    return [el("g", {"class": "legend"}, *parts)], y + LEGEND_ROW - PAD


def _zero_label(zero_length: set[int], analysis: Analysis) -> str:
    if not zero_length:
        return ""
    if zero_length <= set(analysis.unmeasured):
        return "unmeasured, counted as 0 s"
    return "0 s"


def _swatch(kind: str, x: float, y: float, wait_fill: str) -> str:
    box: dict[str, str | float | int] = {"x": x + 1, "y": y, "width": 14, "height": 10}
    if kind == "job":
        return el("rect", box | {"fill": JOB_FILL, "stroke": JOB_STROKE})
    if kind == "critical":
        return el("rect", box | {"fill": CRITICAL_FILL, "stroke": INK, "stroke-width": 2})
    if kind == "wait":
        return el("rect", box | {"fill": wait_fill, "stroke": WAIT_STROKE})
    if kind == "zero":
        return el(
            "path",
            {
                "d": _diamond(x + 8, y + 5, 5),
                "fill": "#ffffff",
                "stroke": JOB_STROKE,
                "stroke-width": 1.5,
            },
        )
    line: dict[str, str | float | int] = {"x1": x + 8, "y1": y - 2, "x2": x + 8, "y2": y + 12}
    if kind == "milestone":
        return el(
            "line", line | {"stroke": MILESTONE, "stroke-width": 2, "stroke-dasharray": "6 3"}
        )
    return el("line", line | {"stroke": INK, "stroke-width": 2})


def _diamond(cx: float, cy: float, half: float) -> str:
    return (
        f"M{num(cx)} {num(cy - half)}L{num(cx + half)} {num(cy)}"
        f"L{num(cx)} {num(cy + half)}L{num(cx - half)} {num(cy)}Z"
    )


def _pool_header(
    header: _Header, size: int | None, y: float, right: float, names_width: float
) -> str:
    group = header.group
    capacity = "no runner limit" if size is None else f"{size} runner{'s' if size != 1 else ''}"
    if header.continued:
        capacity += ", continued"
    name = truncate(group, names_width - 8, NAME_SIZE, bold=True)
    name_width = text_width(name, NAME_SIZE, bold=True)
    return el(
        "g",
        {"class": "pool", "data-group": group},
        el(
            "line",
            {
                "x1": PAD,
                "y1": y + 1,
                "x2": right,
                "y2": y + 1,
                "stroke": MUTED,
                "stroke-width": 0.5,
            },
        ),
        text(PAD, y + 17, name, NAME_SIZE, font_weight="bold"),
        text(PAD + name_width + 8, y + 17, capacity, SMALL_SIZE, fill=MUTED),
    )


def _job_row(
    row: _Row,
    y: float,
    axis: TimeAxis,
    names_width: float,
    critical: set[int],
    wait_fill: str,
    analysis: Analysis,
) -> str:
    timing, job = row.timing, row.job
    on_path = timing.id in critical
    name = job.name or job.key
    label = truncate(name, names_width - 14, NAME_SIZE, bold=on_path)
    duration = timing.end_s - timing.start_s
    waited = timing.start_s - timing.ready_s
    bar_top = y + (ROW - BAR) / 2
    parts: list[str] = [title(_tooltip(row, name, duration, waited, on_path, analysis))]
    if row.lane_label:
        parts += _lane_tag(row, y, names_width)
    parts.append(
        text(PAD + 10, y + 15, label, NAME_SIZE, font_weight="bold" if on_path else "normal")
    )
    if waited > 0:
        parts.append(
            el(
                "rect",
                {
                    "class": "queue-wait",
                    "x": axis.x(timing.ready_s),
                    "y": bar_top,
                    "width": axis.x(timing.start_s) - axis.x(timing.ready_s),
                    "height": BAR,
                    "fill": wait_fill,
                    "stroke": WAIT_STROKE,
                },
            )
        )
    start_x = axis.x(timing.start_s)
    if duration <= 0:
        parts.append(
            el(
                "path",
                {
                    "class": "bar zero-length",
                    "d": _diamond(start_x, y + ROW / 2, DIAMOND),
                    "fill": CRITICAL_FILL if on_path else "#ffffff",
                    "stroke": INK if on_path else JOB_STROKE,
                    "stroke-width": 2 if on_path else 1.5,
                },
            )
        )
        end_x = start_x + DIAMOND
    else:
        bar_width = max(axis.x(timing.end_s) - start_x, MIN_BAR)
        parts.append(
            el(
                "rect",
                {
                    "class": "bar critical" if on_path else "bar",
                    "x": start_x,
                    "y": bar_top,
                    "width": bar_width,
                    "height": BAR,
                    "fill": CRITICAL_FILL if on_path else JOB_FILL,
                    "stroke": INK if on_path else JOB_STROKE,
                    "stroke-width": 2 if on_path else 1,
                },
            )
        )
        end_x = start_x + bar_width
    caption = _caption(timing.id, duration, waited, analysis)
    left_x = min(start_x, axis.x(timing.ready_s))
    parts.append(_caption_text(caption, (start_x, end_x), left_x, y, axis, on_path))
    classes = "job critical" if on_path else "job"
    attrs: dict[str, str | float | int] = {
        "class": classes,
        "data-job": timing.id,
        "data-group": timing.group,
        "data-lane": timing.lane,
    }
    return el("g", attrs, *parts)


def _others_row(
    line: _Others, y: float, axis: TimeAxis, names_width: float, critical: set[int]
) -> str:
    """The pool's remaining jobs overlaid on one row: where bars pile up the row darkens, and
    jobs of the critical path keep their colour."""
    count = len(line.timings)
    first = min(t.start_s for t in line.timings)
    last = max(t.end_s for t in line.timings)
    # The span goes left of the plot, over the names and the runner tags (this row has none):
    # over the bars it would cross them, as a pool's other jobs usually fill the whole run.
    span_words = f"{formatting.duration(first)} to {formatting.duration(last)}"
    room = axis.left - (PAD + 10) - 6
    label = truncate(f"{count} other jobs, {span_words}", room, NAME_SIZE)
    bar_top = y + (ROW - BAR) / 2
    bars = []
    for timing in line.timings:
        on_path = timing.id in critical
        start_x = axis.x(timing.start_s)
        bars.append(
            el(
                "rect",
                {
                    "x": start_x,
                    "y": bar_top,
                    "width": max(axis.x(timing.end_s) - start_x, MIN_BAR),
                    "height": BAR,
                    "fill": CRITICAL_FILL if on_path else JOB_FILL,
                    "opacity": 1.0 if on_path else OTHERS_OPACITY,
                },
            )
        )
    attrs: dict[str, str | float | int] = {
        "class": "other-jobs",
        "data-group": line.group,
        "data-count": count,
        "data-jobs": " ".join(str(t.id) for t in line.timings),
    }
    return el(
        "g",
        attrs,
        title(_others_tooltip(line, first, last)),
        text(PAD + 10, y + 15, label, NAME_SIZE, fill=MUTED, font_style="italic"),
        *bars,
    )


def _others_tooltip(line: _Others, first: float, last: float) -> str:
    count = len(line.timings)
    return (
        f"{count} other jobs on {line.group}, running between {formatting.duration(first)} and "
        f"{formatting.duration(last)}; the job tables list each one"
    )


def _lane_tag(row: _Row, y: float, names_width: float) -> list[str]:
    x = PAD + names_width + 4
    bottom = y + ROW * row.lane_rows
    bracket: dict[str, str | float | int] = {
        "x1": x,
        "y1": y + 4,
        "x2": x,
        "y2": bottom - 4,
        "stroke": MUTED,
        "stroke-width": 1.5,
    }
    return [el("line", bracket), text(x + 6, y + 15, row.lane_label, SMALL_SIZE, fill=MUTED)]


def _caption(job_id: int, duration: float, waited: float, analysis: Analysis) -> str:
    if duration <= 0:
        caption = "unmeasured, 0 s" if job_id in analysis.unmeasured else "0 s"
    else:
        caption = formatting.duration(duration)
    if waited > 0:
        caption += f", waited {formatting.duration(waited)}"
    return caption


def _caption_text(
    caption: str,
    bar: tuple[float, float],
    left_x: float,
    y: float,
    axis: TimeAxis,
    on_path: bool,
) -> str:
    """Right of the bar when it fits, else inside it, else left of the bar and its wait, else
    left of the bar over its wait: never over the names left of the plot."""
    start_x, end_x = bar
    caption_width = text_width(caption, SMALL_SIZE)
    baseline = y + 15
    if end_x + 5 + caption_width <= axis.right + 8:
        return haloed_text(end_x + 5, baseline, caption, SMALL_SIZE, fill=MUTED)
    if end_x - start_x >= caption_width + 10:
        colour = "#ffffff" if on_path else INK
        return text(end_x - 5, baseline, caption, SMALL_SIZE, fill=colour, text_anchor="end")
    if left_x - 5 - caption_width < axis.left:
        left_x = start_x
    right = max(left_x - 5, axis.left + caption_width)
    return haloed_text(right, baseline, caption, SMALL_SIZE, fill=MUTED, text_anchor="end")


def _tooltip(
    row: _Row, name: str, duration: float, waited: float, on_path: bool, analysis: Analysis
) -> str:
    timing, job = row.timing, row.job
    where = timing.group
    if row.on_runner:
        where += f", runner {timing.lane + 1}"
    parts = [
        f"{name} ({job.key}) on {where}",
        f"runs {formatting.duration(timing.start_s)} to {formatting.duration(timing.end_s)} "
        f"({formatting.duration(duration)})",
    ]
    if waited > 0:
        parts.append(
            f"waited {formatting.duration(waited)} for a runner "
            f"from {formatting.duration(timing.ready_s)}"
        )
    if timing.id in analysis.unmeasured and duration <= 0:
        parts.append("unmeasured: counted as 0 s until estimated")
    if on_path:
        parts.append("on the critical path")
    return "; ".join(parts)


def _markers(chart: Drawn) -> list[tuple[str, float, str, str]]:
    """(label, seconds, colour, dash) of the wall clock and milestone lines; one when equal."""
    wall = ("wall clock", chart.wall_clock_s, INK, "")
    if chart.milestone_s is None:
        return [wall]
    if abs(chart.milestone_s - chart.wall_clock_s) < 0.5:
        return [("wall clock = milestone", chart.wall_clock_s, INK, "")]
    return [wall, ("milestone", chart.milestone_s, MILESTONE, "6 3")]


def _marker(
    axis: TimeAxis,
    seconds: float,
    name: str,
    label_y: float,
    plot_bottom: float,
    colour: str,
    dash: str,
) -> str:
    x = axis.x(seconds)
    line: dict[str, str | float | int] = {
        "x1": x,
        "y1": label_y + 2,
        "x2": x,
        "y2": plot_bottom,
        "stroke": colour,
        "stroke-width": 2,
    }
    if dash:
        line["stroke-dasharray"] = dash
    label = f"{name} {formatting.duration(seconds)}"
    fits_right = x + 5 + text_width(label, SMALL_SIZE, bold=True) <= axis.right + PAD
    label_text = haloed_text(
        x + 5 if fits_right else x - 5,
        label_y + 11,
        label,
        SMALL_SIZE,
        fill=colour,
        font_weight="bold",
        text_anchor="start" if fits_right else "end",
    )
    kind = "wall-clock" if name.startswith("wall clock") else "milestone"
    return el("g", {"class": f"marker {kind}"}, el("line", line), label_text)


def _band(y: float, right: float) -> str:
    return el("rect", {"x": PAD, "y": y, "width": right - PAD, "height": ROW, "fill": BAND})


def _summary(analysis: Analysis, which: Which, chart: Drawn, lines: list[_Line]) -> str:
    names = {job.id: job.name or job.key for job in analysis.jobs}
    where = "on the pools' runners" if chart.on_runners else "with unlimited runners"
    path = " → ".join(names[job] for job in chart.critical_path) or "none"
    text_parts = [
        f"Gantt chart of the {which} graph {where}: {len(chart.timings)} jobs",
        f"wall clock {formatting.duration(chart.wall_clock_s)}",
    ]
    shared = sum(len(line.timings) for line in lines if isinstance(line, _Others))
    if shared:
        text_parts.append(
            f"{formatting.count(len(chart.timings) - shared, 'job')} on rows of their own "
            f"(the critical path, then the longest), {shared} others on one row per pool"
        )
    if chart.milestone_s is not None:
        text_parts.append(f"milestone {formatting.duration(chart.milestone_s)}")
    text_parts.append(f"critical path {path}")
    return "; ".join(text_parts) + "."
