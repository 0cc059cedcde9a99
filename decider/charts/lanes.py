"""Which jobs a time chart draws on rows of their own once a workflow is too big to draw whole.

A Gantt chart of hundreds of rows is unreadable on a screen and runs over several pages on
paper. Above `MAX_JOB_ROWS` jobs the chart keeps a row for the jobs a reader asks about (the
critical path, then the longest jobs) and draws the rest of each pool on one shared row,
labelled with how many jobs it holds, so every job is still drawn and counted somewhere.
"""

from collections.abc import Sequence

from decider.engine.schedule import JobTiming

# Job rows a Gantt chart draws one by one; with one "other jobs" row per pool it stays about
# a screen tall (22 units a row) and fits one or two PDF pages.
MAX_JOB_ROWS = 30


def own_rows(
    timings: Sequence[JobTiming],
    critical_path: Sequence[int],
    position: dict[int, int],
    limit: int = MAX_JOB_ROWS,
) -> set[int]:
    """The ids of the jobs drawn on a row of their own: all when they fit the limit, else the
    critical path first, then the longest jobs, longest first (ties: declaration order). A
    critical path longer than the limit keeps its longest jobs; the rest of it is drawn, in
    the critical colour, on its pool's shared row."""
    if len(timings) <= limit:
        return {timing.id for timing in timings}
    on_path = set(critical_path)
    ranked = sorted(
        timings,
        key=lambda t: (t.id not in on_path, -(t.end_s - t.start_s), position[t.id]),
    )
    return {timing.id for timing in ranked[:limit]}
