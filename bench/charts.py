"""Benchmark: drawing the Gantt chart of a 100-job graph (target: well under 10 ms).

Timed here rather than in the tests, where a busy machine would fail it: the time is printed
in milliseconds and as a ratio to bench/engine.py's fixed pure-Python workload, measured in the
same run. Run from the repository root: `python bench/charts.py`.
"""

import sys
from pathlib import Path

# Run as a script, the repository root is not on sys.path.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import baseline_workload, best_of, line  # noqa: E402

from decider.charts import gantt_svg  # noqa: E402
from tests.charts.test_charts import hundred_job_analysis  # noqa: E402


def run() -> list[str]:
    baseline_s = best_of(baseline_workload, 20)
    analysis = hundred_job_analysis()
    drawing_s = best_of(lambda: gantt_svg(analysis, "current", True), 20)
    return [line("Gantt chart of a 100-job graph", drawing_s, baseline_s, target_ms=10)]


if __name__ == "__main__":
    for printed in run():
        print(printed)
