"""Whether an alert rule is firing, from one figure per whole UTC day (docs/alerts.md).

A rule fires when its figure was over the threshold on each of the last `days_needed` whole
days. A day with nothing measured is never over: it ends a run of days, so no data never
fires. The figures come in as measured by the monitor's daily aggregates; this module only
compares, so the same days give the same answer wherever it runs.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict


class DayFigure(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    value: float | None  # None: nothing measured that day
    over: bool


class RuleCheck(BaseModel):
    """One evaluation of a rule over the days up to `last_day` (the last whole UTC day)."""

    model_config = ConfigDict(frozen=True)

    last_day: date
    days_needed: int
    threshold: float | None  # None: the rule cannot be evaluated (`cannot_check` says why)
    cannot_check: str = ""
    days: list[DayFigure] = []  # the days looked at, oldest first
    over_since: date | None = None  # first day of the run of over days ending on last_day
    lookback_starts_run: bool = False  # the run may have begun before the first day looked at

    @property
    def over_days(self) -> int:
        if self.over_since is None:
            return 0
        return (self.last_day - self.over_since).days + 1

    @property
    def firing(self) -> bool:
        return self.threshold is not None and self.over_days >= self.days_needed

    @property
    def fired_on(self) -> date | None:
        """The day the run of over days reached `days_needed`: when the alert started."""
        if not self.firing or self.over_since is None:
            return None
        return self.over_since + timedelta(days=self.days_needed - 1)

    def recent(self, count: int) -> list[DayFigure]:
        return self.days[-count:]


def check_days(
    values: dict[date, float | None],
    threshold: float,
    days_needed: int,
    first_day: date,
    last_day: date,
) -> RuleCheck:
    """Compare each day from `first_day` to `last_day` with the threshold: strictly above it
    is over; a day missing from `values`, or None, had nothing measured and is not over."""
    days = []
    day = first_day
    while day <= last_day:
        value = values.get(day)
        days.append(DayFigure(day=day, value=value, over=value is not None and value > threshold))
        day += timedelta(days=1)
    over_since = None
    for figure in reversed(days):
        if not figure.over:
            break
        over_since = figure.day
    return RuleCheck(
        last_day=last_day,
        days_needed=days_needed,
        threshold=threshold,
        days=days,
        over_since=over_since,
        lookback_starts_run=over_since is not None and over_since == first_day,
    )


def cannot_check(last_day: date, days_needed: int, why: str) -> RuleCheck:
    """A rule without a threshold today (no adoption to take it from): never firing."""
    return RuleCheck(last_day=last_day, days_needed=days_needed, threshold=None, cannot_check=why)
