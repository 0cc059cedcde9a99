from typing import get_args

from decider.engine.vocabulary import (
    JOB_KINDS,
    STATISTIC_VALUES,
    STATISTICS,
    JobKind,
    Statistic,
)


def test_the_labelled_job_kinds_are_the_kinds_of_the_type() -> None:
    assert [kind for kind, _ in JOB_KINDS] == list(get_args(JobKind))


def test_every_statistic_has_one_label() -> None:
    assert sorted(value for value, _ in STATISTICS) == sorted(get_args(Statistic))
    assert STATISTIC_VALUES == ("latest", "mean", "median", "p90", "max")
