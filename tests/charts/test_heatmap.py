from datetime import UTC, datetime, timedelta

from decider.charts.heatmap import heatmap_svg
from decider.engine.inputs import Pool
from decider.engine.measured_load import LoadJob, Window, measure

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def _load(name: str, jobs: list[LoadJob]):  # type: ignore[no-untyped-def]
    pool = Pool(name=name, labels=("self-hosted",), runners=2)
    return measure(jobs, [pool], Window.ending(START + timedelta(days=7), 7)).pools[0]


def test_each_hour_of_the_week_is_a_cell_with_its_rate_in_the_tooltip() -> None:
    started = START + timedelta(hours=9)  # Monday 09:00
    job = LoadJob(
        started_at=started, completed_at=started + timedelta(minutes=5), labels=("self-hosted",)
    )
    svg = heatmap_svg(_load("small", [job, job]))
    assert svg.count("<rect") == 7 * 24
    assert "<title>Mon 09:00-10:00 UTC: 2 jobs an hour</title>" in svg
    assert "Darkest: 2 jobs an hour; white: none." in svg
    assert 'fill="#0072b2"' in svg  # the busiest cell is the darkest blue


def test_an_empty_pool_says_so_and_names_are_escaped() -> None:
    svg = heatmap_svg(_load("<b>&", []))
    assert "No job started in the window." in svg
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
