"""Charts as standalone inline SVG strings, the same in the web page and the PDF.

`gantt_svg` and `concurrency_svg` draw one graph of an engine `Analysis`; give both graphs
`time_max_s=shared_time_max_s(analysis, constrained)` to draw them on one time scale.
`gantt_parts` and `concurrency_parts` cut the same charts into page-sized parts for the PDF.
`marginal_charts` draws, per pool the plan sized, the p90 wait and price at each runner count.
`options_charts` draws, per pool, every option's $/month against its p90 pipeline wall clock.
`sensitivity_chart` draws the net benefit as each assumption moves (a tornado), when there is one.
"""

from decider.charts.concurrency import concurrency_parts, concurrency_svg
from decider.charts.gantt import gantt_parts, gantt_svg
from decider.charts.marginal import marginal_charts, marginal_svg
from decider.charts.options import options_chart, options_charts
from decider.charts.timeline import shared_time_max_s
from decider.charts.tornado import sensitivity_chart, tornado_svg

__all__ = [
    "concurrency_parts",
    "concurrency_svg",
    "gantt_parts",
    "gantt_svg",
    "marginal_charts",
    "marginal_svg",
    "options_chart",
    "options_charts",
    "sensitivity_chart",
    "shared_time_max_s",
    "tornado_svg",
]
