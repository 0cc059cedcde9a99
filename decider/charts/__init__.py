"""Charts as standalone inline SVG strings, the same in the web page and the PDF.

`gantt_svg` and `concurrency_svg` draw one graph of an engine `Analysis`; give both graphs
`time_max_s=shared_time_max_s(analysis, constrained)` to draw them on one time scale.
`bar_compare_svg` compares one figure across a few scenarios.
"""

from decider.charts.bars import bar_compare_svg
from decider.charts.concurrency import concurrency_svg
from decider.charts.gantt import gantt_svg
from decider.charts.timeline import shared_time_max_s

__all__ = ["bar_compare_svg", "concurrency_svg", "gantt_svg", "shared_time_max_s"]
