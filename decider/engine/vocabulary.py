"""The words the engine, the importers, the models, the form and the commands share.

Each vocabulary is defined here once: a Literal for types, and ordered (value, label) pairs for
choices and display. Pure Python, so importers and models may import it as well as the engine.
"""

from typing import Literal, get_args

# A job's kind, for the publish-gate safety rule: gates must stay after the checks they follow.
JobKind = Literal["build", "check", "gate", "other"]
JOB_KINDS: tuple[tuple[JobKind, str], ...] = (
    ("build", "Build"),
    ("check", "Check"),
    ("gate", "Gate"),
    ("other", "Other"),
)

# Which statistic of a job's measured runs is its duration (DESIGN.md semantics 1).
Statistic = Literal["latest", "mean", "median", "p90", "max"]
# In the what-if form's order, the median next to the latest run.
STATISTICS: tuple[tuple[Statistic, str], ...] = (
    ("latest", "Latest run"),
    ("median", "Median"),
    ("mean", "Mean"),
    ("p90", "90th percentile"),
    ("max", "Slowest run"),
)
# In the Literal's order, which `analyze --statistic` has always listed.
STATISTIC_VALUES: tuple[Statistic, ...] = get_args(Statistic)
