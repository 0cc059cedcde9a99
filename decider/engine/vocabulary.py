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

# How a job run ended, as GitHub reports it (DESIGN.md semantics 12). None: not given (a CSV
# without the column, rows imported before conclusions were read), counted as usable.
Conclusion = Literal[
    "success",
    "neutral",
    "failure",
    "cancelled",
    "timed_out",
    "startup_failure",
    "action_required",
    "stale",
    "skipped",
]
# Past participles, so counts read "3 failed and 1 cancelled"; in the order they are listed.
CONCLUSIONS: tuple[tuple[Conclusion, str], ...] = (
    ("success", "succeeded"),
    ("neutral", "neutral"),
    ("failure", "failed"),
    ("cancelled", "cancelled"),
    ("timed_out", "timed out"),
    ("startup_failure", "never started"),
    ("action_required", "awaiting action"),
    ("stale", "stale"),
    ("skipped", "skipped"),
)
CONCLUSION_VALUES: tuple[Conclusion, ...] = get_args(Conclusion)

# The event a workflow is analysed for (DESIGN.md semantics 16): GitHub's event names. A
# scenario without one analyses every job as running, as the app always did.
Trigger = Literal["pull_request", "push", "schedule", "workflow_dispatch"]
TRIGGERS: tuple[tuple[Trigger, str], ...] = (
    ("pull_request", "A pull request"),
    ("push", "A push to the default branch"),
    ("schedule", "A scheduled run"),
    ("workflow_dispatch", "A manual run"),
)
# Whether a job's `if:` lets it run for a trigger, decided from the workflow file alone.
ConditionOutcome = Literal["runs", "skips", "undecidable"]
