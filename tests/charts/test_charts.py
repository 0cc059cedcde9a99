import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from decider.charts import (
    concurrency_svg,
    gantt_svg,
    marginal_charts,
    marginal_svg,
    shared_time_max_s,
)
from decider.charts.lanes import MAX_JOB_ROWS
from decider.charts.svg import truncate
from decider.charts.timeline import time_axis
from decider.engine.analysis import Analysis, analyze
from decider.engine.inputs import Job, Pool, Scenario, Workflow
from decider.engine.presets import apply_preset
from decider.engine.sizing import RunnerStep
from tests.engine.seed import job_id, seed_pools, seed_workflow

SVG = "{http://www.w3.org/2000/svg}"
MILESTONE = [job_id(key) for key in ("build-production-api", "build-production-worker")]


def _seed_analysis(**runners: int) -> Analysis:
    workflow = seed_workflow()
    scenario = apply_preset(
        workflow, Scenario(milestone=MILESTONE, runners=runners or {"medium": 2}), "parallel"
    )
    return analyze(workflow, seed_pools(), scenario, simulator=None)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _with_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [
        element for element in root.iter(f"{SVG}{tag}") if name in element.get("class", "").split()
    ]


def _text(element: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in element.iter(f"{SVG}text"))


def _all_charts(analysis: Analysis) -> list[str]:
    return [
        chart(analysis, which, constrained)
        for chart in (gantt_svg, concurrency_svg)
        for which in ("current", "proposed")
        for constrained in (False, True)
    ]


def test_every_job_gets_one_row_and_one_bar() -> None:
    analysis = _seed_analysis()
    for constrained in (False, True):
        root = _parse(gantt_svg(analysis, "proposed", constrained))
        rows = _with_class(root, "g", "job")
        bars = _with_class(root, "rect", "bar") + _with_class(root, "path", "bar")
        assert len(rows) == len(bars) == len(analysis.jobs) == 11
        assert sorted(int(row.get("data-job", "")) for row in rows) == list(range(11))


def test_the_critical_path_is_marked_on_exactly_its_jobs() -> None:
    analysis = _seed_analysis()
    for which in ("current", "proposed"):
        graph = analysis.current if which == "current" else analysis.proposed
        assert graph.constrained is not None
        for constrained, path in (
            (False, graph.critical_path),
            (True, graph.constrained.critical_path),
        ):
            root = _parse(gantt_svg(analysis, which, constrained))
            marked = {int(g.get("data-job", "")) for g in _with_class(root, "g", "critical")}
            assert marked == set(path)
            outlined = _with_class(root, "rect", "critical")
            assert all(bar.get("stroke-width") == "2" for bar in outlined)


def test_queue_wait_is_drawn_only_for_jobs_that_waited_on_the_runners() -> None:
    analysis = _seed_analysis()
    assert analysis.proposed.constrained is not None
    waited = {t.id for t in analysis.proposed.constrained.jobs if t.queue_wait_s > 0}
    assert waited == {job_id("build-production-migrations"), job_id("build-production-eight-ball")}

    root = _parse(gantt_svg(analysis, "proposed", True))
    drawn = {
        int(row.get("data-job", ""))
        for row in _with_class(root, "g", "job")
        if _with_class(row, "rect", "queue-wait")
    }
    assert drawn == waited
    assert "queue wait" in _text(_with_class(root, "g", "legend")[0])

    unconstrained = _parse(gantt_svg(analysis, "proposed", False))
    assert _with_class(unconstrained, "rect", "queue-wait") == []
    assert "queue wait" not in _text(_with_class(unconstrained, "g", "legend")[0])


def test_the_wall_clock_and_milestone_lines_state_their_figures() -> None:
    analysis = _seed_analysis()
    root = _parse(gantt_svg(analysis, "proposed", False))
    [wall] = _with_class(root, "g", "wall-clock")
    assert _text(wall) == "wall clock 8 min 44 s"
    [milestone] = _with_class(root, "g", "milestone")
    assert _text(milestone) == "milestone 8 min 8 s"

    on_runners = _parse(gantt_svg(analysis, "proposed", True))
    assert "9 min 6 s" in _text(_with_class(on_runners, "g", "wall-clock")[0])


def test_equal_wall_clock_and_milestone_share_one_label() -> None:
    analysis = _seed_analysis()
    root = _parse(gantt_svg(analysis, "current", False))
    assert _text(_with_class(root, "g", "wall-clock")[0]) == ("wall clock = milestone 16 min 52 s")
    assert _with_class(root, "g", "milestone") == []


def test_unmeasured_jobs_are_drawn_as_markers_not_lost() -> None:
    analysis = _seed_analysis()
    root = _parse(gantt_svg(analysis, "proposed", False))
    markers = _with_class(root, "path", "zero-length")
    assert len(markers) == len(analysis.unmeasured) == 3
    publish = next(row for row in _with_class(root, "g", "job") if row.get("data-job") == "10")
    assert "unmeasured, 0 s" in _text(publish)


def test_jobs_on_one_runner_never_overlap_in_time() -> None:
    analysis = _seed_analysis(medium=1)
    for which in ("current", "proposed"):
        root = _parse(gantt_svg(analysis, which, True))
        lanes: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for row in _with_class(root, "g", "job"):
            for bar in _with_class(row, "rect", "bar"):
                x, width = float(bar.get("x", "")), float(bar.get("width", ""))
                lane = (row.get("data-group", ""), row.get("data-lane", ""))
                lanes.setdefault(lane, []).append((x, x + width))
        assert ("medium", "0") in lanes
        assert ("medium", "1") not in lanes
        for intervals in lanes.values():
            for (_, end), (start, _) in pairwise(sorted(intervals)):
                assert start >= end - 0.2


def test_rows_on_the_runners_are_grouped_by_runner() -> None:
    analysis = _seed_analysis()
    root = _parse(gantt_svg(analysis, "proposed", True))
    medium = [row for row in _with_class(root, "g", "job") if row.get("data-group") == "medium"]
    assert [row.get("data-lane") for row in medium] == ["0", "0", "1", "1"]
    assert "runner 2" in _text(root)
    assert "runner 1" not in _text(_parse(gantt_svg(analysis, "proposed", False)))


HOSTILE = "<script>alert(1)</script>"


def _hostile_analysis() -> Analysis:
    pool = "big \"&' <pool>"
    workflow = Workflow(
        name="<b>w</b>",
        jobs=[
            Job(
                id=0,
                key="a",
                name=HOSTILE,
                runs_on=["self-hosted", "x"],
                samples=[{"duration_s": 30}],
            ),
            Job(
                id=1,
                key="b",
                name="\"&'",
                runs_on=["self-hosted", "x"],
                needs=[0],
                samples=[{"duration_s": 20}],
            ),
            Job(id=2, key="c\x01", runs_on=["ubuntu-latest"], samples=[{"duration_s": 5}]),
        ],
    )
    pools = [Pool(name=pool, labels=["self-hosted", "x"], runners=1)]
    return analyze(workflow, pools, Scenario(milestone=[1]), simulator=None)


def test_names_are_escaped_and_every_chart_is_valid_xml() -> None:
    analysis = _hostile_analysis()
    for svg in _all_charts(analysis):
        root = _parse(svg)
        assert "<script" not in svg
        assert root.tag == f"{SVG}svg"
    gantt = _parse(gantt_svg(analysis, "current", True))
    assert HOSTILE in _text(gantt)
    assert "\"&'" in _text(gantt)
    assert "big \"&' <pool>" in _text(gantt)
    titles = [t.text or "" for t in gantt.iter(f"{SVG}title")]
    assert any(title.startswith(HOSTILE) for title in titles)


def test_no_chart_uses_inline_styles() -> None:
    for svg in _all_charts(_seed_analysis()):
        assert "<style" not in svg
        for element in _parse(svg).iter():
            assert "style" not in element.attrib


def test_charts_are_accessible_and_scale_to_their_container() -> None:
    for svg in _all_charts(_seed_analysis()):
        root = _parse(svg)
        assert root.get("role") == "img"
        assert root.get("width") == "100%"
        assert root.get("viewBox", "").startswith("0 0 960 ")
        label = root.get("aria-label", "")
        assert root[0].tag == f"{SVG}title" and root[0].text == label
        assert "proposed" in label or "current" in label


def test_the_summary_names_the_critical_path() -> None:
    root = _parse(gantt_svg(_seed_analysis(), "current", False))
    assert "critical path API Test Image → API Production Image → Publish API Image" in (
        root.get("aria-label", "")
    )


def test_output_is_deterministic() -> None:
    first = _all_charts(_seed_analysis())
    again = _all_charts(Analysis.model_validate(_seed_analysis().model_dump(mode="json")))
    assert first == again


def test_one_time_scale_for_both_graphs() -> None:
    analysis = _seed_analysis()
    scale = shared_time_max_s(analysis, False)
    assert scale == 1012
    ticks = [
        [
            t.text
            for t in _parse(gantt_svg(analysis, which, False, time_max_s=scale)).iter(f"{SVG}text")
            if (t.text or "").endswith(" min")
        ][-1]
        for which in ("current", "proposed")
    ]
    assert ticks == ["18 min", "18 min"]
    alone = _parse(gantt_svg(analysis, "proposed", False))
    assert "9 min" in _text(alone) and "10 min" not in _text(alone)


def test_pattern_ids_differ_between_the_charts_of_one_page() -> None:
    analysis = _seed_analysis()
    ids = [
        element.get("id")
        for svg in _all_charts(analysis)
        for element in _parse(svg).iter()
        if element.get("id")
    ]
    assert len(ids) == len(set(ids))
    custom = gantt_svg(analysis, "current", True, id_prefix="cmp 2")
    assert 'id="cmp-2-wait"' in custom


@pytest.mark.parametrize(
    ("longest_s", "labels"),
    [
        (
            1012,
            [
                "0 min",
                "2 min",
                "4 min",
                "6 min",
                "8 min",
                "10 min",
                "12 min",
                "14 min",
                "16 min",
                "18 min",
            ],
        ),
        (45, ["0 s", "5 s", "10 s", "15 s", "20 s", "25 s", "30 s", "35 s", "40 s", "45 s"]),
        (0, ["0 s", "10 s", "20 s", "30 s", "40 s", "50 s", "60 s"]),
        (
            5 * 3600,
            ["0 h", "0.5 h", "1 h", "1.5 h", "2 h", "2.5 h", "3 h", "3.5 h", "4 h", "4.5 h", "5 h"],
        ),
        (7300, ["0 h", "0.5 h", "1 h", "1.5 h", "2 h", "2.5 h"]),
        (
            7200,
            [
                "0 min",
                "15 min",
                "30 min",
                "45 min",
                "60 min",
                "75 min",
                "90 min",
                "105 min",
                "120 min",
            ],
        ),
    ],
)
def test_time_ticks_are_round_and_carry_units(longest_s: float, labels: list[str]) -> None:
    axis = time_axis(0, 700, longest_s)
    assert [axis.label(tick) for tick in axis.ticks()] == labels
    assert axis.domain_s >= longest_s


def test_a_graph_without_pool_limits_draws_without_runner_lanes() -> None:
    workflow = Workflow(
        jobs=[Job(id=0, key="build", runs_on=["ubuntu-latest"], samples=[{"duration_s": 90}])]
    )
    analysis = analyze(workflow, [], Scenario(), simulator=None)
    root = _parse(gantt_svg(analysis, "proposed", True))
    assert "runner 1" not in _text(root)
    assert "unlimited runners" in root.get("aria-label", "")
    busy = _parse(concurrency_svg(analysis, "proposed", True))
    assert _with_class(busy, "g", "pool-limit") == []
    assert "no limit" in _text(busy)


def test_concurrency_has_one_band_per_pool_and_limits_only_for_sized_pools() -> None:
    analysis = _seed_analysis()
    root = _parse(concurrency_svg(analysis, "proposed", False))
    bands = _with_class(root, "g", "pool-band")
    assert [band.get("data-group") for band in bands] == [
        "small",
        "medium",
        "cpu-optimized",
        "(no runs-on)",
    ]
    peaks = {band.get("data-group"): int(band.get("data-peak", "")) for band in bands}
    assert peaks == {g: p for g, p in analysis.proposed.peak_runners.items() if g != "total"}
    limits = {
        band.get("data-group"): _text(_with_class(band, "g", "pool-limit")[0])
        for band in bands
        if _with_class(band, "g", "pool-limit")
    }
    assert limits == {"small": "4 runners", "medium": "2 runners", "cpu-optimized": "2 runners"}
    for band in bands:
        assert len(_with_class(band, "path", "busy")) == 1


def test_concurrency_hatches_load_beyond_the_pool_only_without_queueing() -> None:
    analysis = _seed_analysis()
    free = _parse(concurrency_svg(analysis, "proposed", False))
    over = [
        band.get("data-group")
        for band in _with_class(free, "g", "pool-band")
        if _with_class(band, "rect", "over-capacity")
    ]
    assert over == ["medium"]
    assert "jobs would queue" in _text(free)
    queued = _parse(concurrency_svg(analysis, "proposed", True))
    assert _with_class(queued, "rect", "over-capacity") == []


def test_concurrency_axis_lines_up_with_the_gantt_chart() -> None:
    analysis = _seed_analysis()
    for constrained in (False, True):
        gantt = _parse(gantt_svg(analysis, "proposed", constrained))
        busy = _parse(concurrency_svg(analysis, "proposed", constrained))

        def zero_x(root: ET.Element) -> str:
            tick = next(t for t in root.iter(f"{SVG}text") if t.text in ("0 min", "0 s"))
            return tick.get("x", "")

        assert zero_x(gantt) == zero_x(busy)


def test_long_names_are_truncated_with_the_full_name_in_the_tooltip() -> None:
    long_name = "Build the production image of the enormous monolith and its many friends"
    workflow = Workflow(jobs=[Job(id=0, key="x", name=long_name, samples=[{"duration_s": 9}])])
    root = _parse(gantt_svg(analyze(workflow, [], Scenario(), simulator=None), "current", False))
    [row] = _with_class(root, "g", "job")
    label = row.find(f"{SVG}text")
    assert label is not None and label.text is not None
    head, tail = label.text.split("…")
    assert long_name.startswith(head) and long_name.endswith(tail) and tail
    assert (row.find(f"{SVG}title").text or "").startswith(long_name)
    assert truncate("abc", 1, 12) == ""
    assert truncate("Build and test component number 42", 150, 12) == "Build and test comp…42"


def hundred_job_analysis() -> Analysis:
    """A 100-job graph on three pools: how fast it draws is bench/charts.py's business."""
    jobs = [
        Job(
            id=i,
            key=f"job-{i}",
            name=f"Component {i}",
            runs_on=["self-hosted", "abc"[i % 3]],
            needs=[i - 7] if i >= 7 else [],
            samples=[{"duration_s": 30 + (i * 37) % 400}],
        )
        for i in range(100)
    ]
    pools = [Pool(name=name, labels=["self-hosted", name], runners=4) for name in "abc"]
    return analyze(Workflow(jobs=jobs), pools, Scenario(), simulator=None)


def test_a_hundred_job_graph_keeps_30_rows_and_draws_the_others_on_a_row_per_pool() -> None:
    svg = _parse(gantt_svg(hundred_job_analysis(), "current", True))
    own = _with_class(svg, "g", "job")
    shared = _with_class(svg, "g", "other-jobs")
    assert len(own) == MAX_JOB_ROWS
    assert [group.get("data-group") for group in shared] == ["a", "b", "c"]
    drawn = [int(row.get("data-job", "")) for row in own] + [
        int(job) for group in shared for job in group.get("data-jobs", "").split()
    ]
    assert sorted(drawn) == list(range(100))
    assert sum(int(group.get("data-count", "")) for group in shared) == 70
    assert "70 others on one row per pool" in (svg.find(f"{SVG}title").text or "")


def _steps(*waits: float | None, price: float = 100.0) -> list[RunnerStep]:
    return [
        RunnerStep(runners=count, p90_wait_s=wait, usd_per_month=count * price)
        for count, wait in enumerate(waits, start=1)
    ]


def test_the_marginal_chart_gives_each_count_its_wait_and_price() -> None:
    svg = marginal_svg("medium", _steps(None, 900.0, 95.0, 30.0, 0.0), 60.0, recommended=4)
    words = _text(_parse(svg))
    for figure in ("never empties", "15 min", "1 min 35 s", "30 s", "0 s", "target: 1 min"):
        assert figure in words
    for runners, price in ((1, "$100/month"), (4, "$400/month"), (5, "$500/month")):
        assert f"{runners} runner" in words and price in words
    # The recommended count is the one bold label.
    bold = [t for t in _parse(svg).iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert {"".join(t.itertext()) for t in bold} >= {"4 runners", "$400/month"}


def test_waits_far_above_the_target_are_drawn_broken_not_to_scale() -> None:
    svg = marginal_svg("small", _steps(10_000.0, 30.0), 60.0, recommended=2)
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("stroke")]
    tall, short = (float(bar.get("height", 0)) for bar in bars)
    # On a linear scale 30 s would be 0.3% of 10,000 s; capped at four targets it stays visible.
    assert short / tall > 0.05
    breaks = [
        r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#ffffff" and not r.get("opacity")
    ]
    assert len(breaks) == 1
    assert "2 h 47 min" in _text(root)  # 10,000 s, rounded to the minute


def test_the_marginal_chart_escapes_pool_names() -> None:
    svg = marginal_svg('<script>"x"', _steps(5.0), 60.0, recommended=1)
    assert "<script>" not in svg
    _parse(svg)


def test_the_plan_draws_one_marginal_chart_per_sized_pool() -> None:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario(pipelines_per_hour=2), "parallel")
    plan = analyze(workflow, seed_pools(), scenario).plan
    drawn = marginal_charts(plan)
    assert [pool for pool, _ in drawn] == [pool.name for pool in plan.pools if pool.marginal]
    assert drawn and all("target: 1 min" in _text(_parse(svg)) for _, svg in drawn)
