"""The Gantt chart: one row per job, grouped by pool (and by runner on the pools' runners)."""

from collections import Counter
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Row:
    timing: JobTiming
    job: JobOut
    on_runner: bool  # drawn on a runner of a sized pool
    lane_label: str  # "runner 1" on a lane's first row, else ""
    lane_rows: int  # rows of this lane, on its first row


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
    """
    chart = drawn(analysis, which, constrained)
    prefix = safe_id(id_prefix or f"gantt-{which}-{'runners' if chart.on_runners else 'free'}")
    wait_fill = f"url(#{prefix}-wait)"
    critical = set(chart.critical_path)
    sizes = pool_sizes(analysis)
    groups = _grouped_rows(analysis, chart, sizes)
    has_wait = any(t.start_s > t.ready_s for t in chart.timings)
    zero_length = {t.id for t in chart.timings if t.end_s <= t.start_s}

    names_width = gutter(width)
    axis = chart_axis(width, chart.on_runners, max(extent_s(chart), time_max_s or 0.0))

    markers = _markers(chart)
    zero_label = _zero_label(zero_length, analysis)
    legend, legend_height = _legend(width, wait_fill, has_wait, zero_label, len(markers) > 1)
    markers_top = PAD + legend_height + 4
    plot_top = markers_top + len(markers) * MARKER_ROW + 4
    plot_bottom = plot_top + sum(HEADER + ROW * len(rows) for _, rows in groups)

    body: list[str] = [_defs(prefix), *legend]
    rows_body: list[str] = []
    y = plot_top
    for group, rows in groups:
        rows_body.append(_pool_header(group, sizes.get(group), y, axis.right, names_width))
        y += HEADER
        for index, row in enumerate(rows):
            if index % 2:
                body.append(_band(y, axis.right))
            rows_body.append(_job_row(row, y, axis, names_width, critical, wait_fill, analysis))
            y += ROW
    body += grid_and_ticks(axis, plot_top, plot_bottom, with_labels=True)
    axis_line = {"x1": axis.left, "y1": plot_bottom, "x2": axis.right, "y2": plot_bottom}
    body.append(el("line", axis_line | {"stroke": MUTED}))
    body.append(
        text(axis.left, plot_bottom + 34, "time since the run started", SMALL_SIZE, fill=MUTED)
    )
    for index, (label, seconds, colour, dash) in enumerate(markers):
        label_y = markers_top + index * MARKER_ROW
        body.append(_marker(axis, seconds, label, label_y, plot_bottom, colour, dash))
    body += rows_body
    height = plot_bottom + 42
    return svg_root(width, height, _summary(analysis, which, chart), "chart gantt", *body)


def _grouped_rows(
    analysis: Analysis, chart: Drawn, sizes: dict[str, int]
) -> list[tuple[str, list[_Row]]]:
    jobs = {job.id: job for job in analysis.jobs}
    position = {job.id: index for index, job in enumerate(analysis.jobs)}
    by_group: dict[str, list[JobTiming]] = {}
    for timing in chart.timings:
        by_group.setdefault(timing.group, []).append(timing)
    grouped = []
    for group in group_order(analysis, set(by_group)):
        timings = by_group[group]
        by_lane = chart.on_runners and group in sizes
        if by_lane:
            timings.sort(key=lambda t: (t.lane, t.start_s, position[t.id]))
        else:
            timings.sort(key=lambda t: (t.start_s, position[t.id]))
        rows_per_lane = Counter(t.lane for t in timings)
        rows = []
        for index, timing in enumerate(timings):
            first = by_lane and (index == 0 or timings[index - 1].lane != timing.lane)
            rows.append(
                _Row(
                    timing=timing,
                    job=jobs[timing.id],
                    on_runner=by_lane,
                    lane_label=f"runner {timing.lane + 1}" if first else "",
                    lane_rows=rows_per_lane[timing.lane] if first else 0,
                )
            )
        grouped.append((group, rows))
    return grouped


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


def _pool_header(group: str, size: int | None, y: float, right: float, names_width: float) -> str:
    capacity = "no runner limit" if size is None else f"{size} runner{'s' if size != 1 else ''}"
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
    """Right of the bar when it fits, else inside it, else left of the bar (and its wait)."""
    start_x, end_x = bar
    caption_width = text_width(caption, SMALL_SIZE)
    baseline = y + 15
    if end_x + 5 + caption_width <= axis.right + 8:
        return haloed_text(end_x + 5, baseline, caption, SMALL_SIZE, fill=MUTED)
    if end_x - start_x >= caption_width + 10:
        colour = "#ffffff" if on_path else INK
        return text(end_x - 5, baseline, caption, SMALL_SIZE, fill=colour, text_anchor="end")
    return haloed_text(left_x - 5, baseline, caption, SMALL_SIZE, fill=MUTED, text_anchor="end")


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


def _summary(analysis: Analysis, which: Which, chart: Drawn) -> str:
    names = {job.id: job.name or job.key for job in analysis.jobs}
    where = "on the pools' runners" if chart.on_runners else "with unlimited runners"
    path = " → ".join(names[job] for job in chart.critical_path) or "none"
    text_parts = [
        f"Gantt chart of the {which} graph {where}: {len(chart.timings)} jobs",
        f"wall clock {formatting.duration(chart.wall_clock_s)}",
    ]
    if chart.milestone_s is not None:
        text_parts.append(f"milestone {formatting.duration(chart.milestone_s)}")
    text_parts.append(f"critical path {path}")
    return "; ".join(text_parts) + "."
