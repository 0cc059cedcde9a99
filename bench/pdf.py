"""Benchmark: the demo scenario's PDF against a one-page plain WeasyPrint document, and the
PDF of the largest workflow the PDF budget is stated for (500 measured jobs).

Both are timed in the same run on the same machine, so the ratio travels between machines.
Target: the report takes at most 3x the plain document. The report's time is also split
into its steps (analysis, template, WeasyPrint layout, PDF writing) and measured without its
four charts, to show where the time goes. The 500-job report (tests.factories.staged_workflow)
must render within BIG_BUDGET_S, first export included: its timelines keep 30 job rows and
share one row per pool for the rest, so its charts do not grow with the jobs.

It sets up its own data in a temporary SQLite database (migrate, load_demo) and never
touches db.sqlite3. Run from the repository root: `python bench/pdf.py`.
"""

import atexit
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.mkdtemp(prefix="decider-bench-")) / "bench.sqlite3"
atexit.register(shutil.rmtree, DATABASE.parent, ignore_errors=True)
# Before Django reads its settings: the bench's own database, and no SQL echo.
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decider.settings")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402

from decider.models import Scenario  # noqa: E402
from decider.reports.pdf import (  # noqa: E402
    layout,
    render_scenario_pdf,
    scenario_html,
    scenario_report,
)

REPEAT = 5
TARGET_RATIO = 3.0
BIG_JOBS = 500
BIG_BUDGET_S = 20.0
PLAIN_HTML = (
    """<!doctype html><html><head><style>
@page { size: A4; margin: 20mm; @bottom-right { content: "Page " counter(page) } }
body { font-family: "DejaVu Sans"; font-size: 9pt }
td { border-bottom: 0.5pt solid #ccc; padding: 1mm }
</style></head><body><h1>A plain page</h1>
<p>One page of text and a small table, in the same font as the report.</p>
<table>"""
    + "".join(
        f"<tr><td>Row {n}</td><td>{n * 37} s</td><td>{n * 1.5:.1f} runners</td></tr>"
        for n in range(12)
    )
    + "</table></body></html>"
)


def best_of(function: Callable[[], object], repeat: int = REPEAT) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    row = Scenario.objects.select_related("workflow__repository", "team", "created_by").get(
        name="Parallel production builds"
    )
    # Warm imports and font loading once, for both documents alike.
    weasyprint.HTML(string=PLAIN_HTML).write_pdf()

    cache.clear()
    cold = timed(lambda: render_scenario_pdf(row))  # runs the Monte Carlo verdict
    warm = best_of(lambda: render_scenario_pdf(row))  # the analysis comes from the cache
    plain = best_of(lambda: weasyprint.HTML(string=PLAIN_HTML).write_pdf())

    report = scenario_report(row)
    html = scenario_html(report)
    document = layout(html, "a4")
    steps = {
        "analysis (cached) and charts": best_of(lambda: scenario_report(row)),
        "template": best_of(lambda: scenario_html(report)),
        "WeasyPrint layout": best_of(lambda: layout(html, "a4")),
        "PDF writing": best_of(document.write_pdf),
    }
    bare_html = scenario_html(scenario_report(row, with_charts=False))
    without_charts = best_of(lambda: layout(bare_html, "a4").write_pdf())

    ratio = warm / plain
    print(f"plain one-page document  {plain * 1000:8.1f} ms")
    print(
        f"demo report, {len(document.pages)} pages  {warm * 1000:8.1f} ms   "
        f"ratio {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x: {'met' if ratio <= 3 else 'NOT met'})"
    )
    print(
        f"  per page {warm / len(document.pages) * 1000:.1f} ms, "
        f"{warm / len(document.pages) / plain:.1f}x the plain page"
    )
    print(f"  first export (Monte Carlo verdict not cached yet)  {cold * 1000:8.1f} ms")
    for step, seconds in steps.items():
        print(f"  {step:<28} {seconds * 1000:8.1f} ms")
    print(
        f"  without the four charts      {without_charts * 1000:8.1f} ms "
        f"(charts cost {(warm - without_charts) * 1000:.0f} ms)"
    )
    big_report()
    print(f"(best of {REPEAT}; a temporary database, removed on exit)")


def big_report() -> None:
    """The 500-job workflow's report: first export (the analysis not cached), then warm."""
    from pypdf import PdfReader

    from decider.models import Team
    from tests.factories import ScenarioFactory, staged_workflow

    workflow = staged_workflow(Team.objects.get(slug="demo"), jobs=BIG_JOBS)
    row = ScenarioFactory(workflow=workflow, name=f"{BIG_JOBS} jobs")
    cache.clear()
    started = time.perf_counter()
    pdf = render_scenario_pdf(row)
    cold = time.perf_counter() - started
    warm = best_of(lambda: render_scenario_pdf(row), 3)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    verdict = "met" if cold <= BIG_BUDGET_S else "NOT met"
    print(
        f"{BIG_JOBS}-job report, {pages} pages  first export {cold:6.1f} s, "
        f"again {warm:6.1f} s   (budget {BIG_BUDGET_S:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
