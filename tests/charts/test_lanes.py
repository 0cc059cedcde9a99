"""Big Gantt charts: a bounded number of rows, every job drawn and counted, page-sized parts."""

import xml.etree.ElementTree as ET

import pytest

from decider.charts import concurrency_parts, gantt_parts, gantt_svg
from decider.charts.lanes import MAX_JOB_ROWS, own_rows
from decider.charts.svg import text_width, truncate
from decider.engine.analysis import Analysis, analyze
from decider.engine.inputs import Job, Pool, Scenario, Workflow
from decider.engine.schedule import JobTiming
from tests.charts.test_charts import SVG, _seed_analysis, _text, _with_class


def _timing(job: int, start: float, end: float) -> JobTiming:
    return JobTiming(
        id=job, group="g", lane=0, ready_s=start, start_s=start, end_s=end, queue_wait_s=0
    )


def test_all_jobs_keep_their_rows_up_to_the_limit() -> None:
    timings = [_timing(n, 0, n) for n in range(5)]
    assert own_rows(timings, [], {n: n for n in range(5)}, limit=5) == {0, 1, 2, 3, 4}


def test_the_critical_path_comes_first_then_the_longest_jobs() -> None:
    timings = [_timing(n, 0, 10 * n) for n in range(10)]  # job 9 is the longest
    position = {n: n for n in range(10)}
    assert own_rows(timings, [0, 1], position, limit=4) == {0, 1, 9, 8}


def test_a_critical_path_longer_than_the_limit_keeps_its_longest_jobs() -> None:
    timings = [_timing(n, 0, 10 * n) for n in range(10)]
    assert own_rows(timings, list(range(10)), {n: n for n in range(10)}, limit=3) == {9, 8, 7}


def _big_analysis(jobs: int, pools: int = 3) -> Analysis:
    names = "abcdefgh"[:pools]
    graph = Workflow(
        jobs=[
            Job(
                id=n,
                key=f"job-{n}",
                name=f"Job {n}",
                runs_on=["self-hosted", names[n % pools]],
                needs=[n - 25] if n >= 25 else [],
                samples=[{"duration_s": 20 + (n * 53) % 600}],
            )
            for n in range(jobs)
        ]
    )
    runners = [Pool(name=name, labels=["self-hosted", name], runners=5) for name in names]
    return analyze(graph, runners, Scenario(), simulator=None)


def _drawn_jobs(root: ET.Element) -> list[int]:
    own = [int(row.get("data-job", "")) for row in _with_class(root, "g", "job")]
    shared = [
        int(job)
        for row in _with_class(root, "g", "other-jobs")
        for job in row.get("data-jobs", "").split()
    ]
    return own + shared


@pytest.mark.parametrize("jobs", [31, 128, 500])
@pytest.mark.parametrize("constrained", [False, True])
def test_rows_are_bounded_and_every_job_is_drawn_once(jobs: int, constrained: bool) -> None:
    analysis = _big_analysis(jobs)
    root = ET.fromstring(gantt_svg(analysis, "proposed", constrained))
    own = _with_class(root, "g", "job")
    shared = _with_class(root, "g", "other-jobs")
    assert len(own) == MAX_JOB_ROWS
    assert len(shared) <= 3  # one per pool at most
    assert sorted(_drawn_jobs(root)) == list(range(jobs))
    counts = {row.get("data-group"): int(row.get("data-count", "")) for row in shared}
    assert sum(counts.values()) == jobs - MAX_JOB_ROWS
    plot_left = min(float(rect.get("x", "0")) for row in shared for rect in row.iter(f"{SVG}rect"))
    for row in shared:
        assert f"{row.get('data-count')} other jobs, " in _text(row)  # with their time span
        # All of its words lie left of the plot, none over the bars.
        words = list(row.iter(f"{SVG}text"))
        assert len(words) == 1 and float(words[0].get("x", "0")) < plot_left
    # Every job of the critical path is drawn on a row of its own while the path fits.
    graph = analysis.proposed.constrained if constrained else analysis.proposed
    assert graph is not None
    path = set(graph.critical_path)
    if len(path) <= MAX_JOB_ROWS:
        assert path <= {int(row.get("data-job", "")) for row in own}


def test_a_tall_chart_shows_its_time_axis_above_and_below_the_rows() -> None:
    root = ET.fromstring(gantt_svg(_big_analysis(128), "current", False))
    ticks = [t for t in root.iter(f"{SVG}text") if t.text == "0 min"]
    assert len(ticks) == 2
    small = ET.fromstring(gantt_svg(_seed_analysis(), "current", False))
    assert len([t for t in small.iter(f"{SVG}text") if t.text == "0 min"]) == 1


def _height(svg: str) -> float:
    return float(ET.fromstring(svg).get("viewBox", "").split()[3])


@pytest.mark.parametrize("constrained", [False, True])
def test_parts_fit_their_height_each_with_an_axis_and_together_draw_every_job(
    constrained: bool,
) -> None:
    analysis = _big_analysis(500, pools=6)
    parts = gantt_parts(analysis, "proposed", constrained, width=800, max_height=500)
    assert len(parts) > 1
    drawn: list[int] = []
    previous_group = None
    for part in parts:
        root = ET.fromstring(part)
        assert _height(part) <= 500
        assert "time since the run started" in _text(root)
        headers = _with_class(root, "g", "pool")
        assert headers, "every part starts with a pool's heading"
        first = headers[0]
        # A pool that goes on from the part before says so on its repeated heading.
        assert ("continued" in _text(first)) == (first.get("data-group") == previous_group)
        lines = [
            element
            for element in root.iter(f"{SVG}g")
            if element.get("class", "").split()[0] in ("pool", "job", "other-jobs")
        ]
        assert lines[-1].get("class") != "pool", "no part ends on a heading"
        previous_group = lines[-1].get("data-group")
        drawn += _drawn_jobs(root)
    assert sorted(drawn) == list(range(500))


def test_one_part_when_the_chart_fits() -> None:
    analysis = _seed_analysis()
    whole = gantt_svg(analysis, "proposed", True, width=800)
    assert gantt_parts(analysis, "proposed", True, width=800, max_height=2000) == [whole]


def test_runners_busy_is_cut_between_pools_never_inside_one() -> None:
    analysis = _big_analysis(200, pools=8)
    parts = concurrency_parts(analysis, "current", True, width=800, max_height=450)
    assert len(parts) > 1
    groups = []
    for part in parts:
        root = ET.fromstring(part)
        assert _height(part) <= 450
        assert "time since the run started" in _text(root)
        groups += [band.get("data-group") for band in _with_class(root, "g", "pool-band")]
    assert groups == list("abcdefgh")


def test_matrix_names_keep_the_start_of_their_values_when_cut() -> None:
    names = [
        f"test-user-interface / User Interface Tests (tests/{test}_test.py, debian, false)"
        for test in ("close_old_findings", "dashboard", "finding")
    ]
    cut = [truncate(name, 200, 12) for name in names]
    assert len(set(cut)) == 3  # siblings stay apart
    for short in cut:
        assert text_width(short, 12) <= 200
        assert short.startswith("test-user-i") and "…(tests/" in short
    assert truncate("race-root-integration (1/4)", 100, 12) == "race-root-…(1/4)"
