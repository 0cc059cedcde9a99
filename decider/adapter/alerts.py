"""A workflow's alert rules checked against its daily figures (rules: docs/alerts.md).

The figures are the monitor's own daily aggregates (`monitor_queries.pipeline_periods` and
`pool_periods` with period "day", `monitor.served_utilization`) over every branch and
trigger; `engine.alerts.check_days` says which rules fire. `check_workflow` keeps each rule's
last check on its row and records an `AlertEvent` when a rule starts firing and when it
clears, so an email goes out once per change, not per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from pydantic import ValidationError

from decider.adapter.monitor import pool_of_job, served_utilization
from decider.adapter.monitor_queries import Scope, pipeline_periods, pool_periods
from decider.engine import inputs as engine_inputs
from decider.engine.alerts import RuleCheck, cannot_check, check_days
from decider.engine.formatting import count, duration, percent
from decider.models import Adoption, AlertEvent, AlertRule, RunnerPool, Team, Workflow

# Days looked at: enough to find where a run of over days began for the longest rule.
LOOKBACK_DAYS = 56
# The pre-change level: the p50 over this many whole days before the adoption's live day.
PRE_CHANGE_DAYS = 28
FIGURES_KEPT = 14  # an event keeps (and its email lists) at most the last 14 days of its run
DEFAULT_UTILIZATION = 0.85
DEFAULT_TOLERANCE = 0.10


def last_whole_day(now: datetime) -> date:
    """Yesterday (UTC): today is not over yet, so it is never judged."""
    return now.astimezone(UTC).date() - timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def version_wait_target(adoption: Adoption | None) -> float | None:
    """The adopted version's queue-wait target (s), as its inputs give it."""
    if adoption is None:
        return None
    try:
        return engine_inputs.Scenario.model_validate(adoption.version.inputs).target_queue_wait_s
    except ValidationError:
        return None


def pre_change_p50(workflow: Workflow, adoption: Adoption) -> float | None:
    """The p50 wall clock of the successful pipelines created in the 28 whole days before
    the adoption's live day: the level a regression is measured from."""
    live = _midnight(adoption.live_on)
    scope = Scope(workflow.pk, live - timedelta(days=PRE_CHANGE_DAYS), live)
    rows = pipeline_periods(scope, "all", [])
    return rows[0].wall_clock_p50_s if rows else None


@dataclass
class _DailyFigures:
    """The workflow's daily aggregates, each read once whatever the number of rules."""

    workflow: Workflow
    scope: Scope
    _wall_clock: dict[date, float | None] | None = None
    _waits: dict[str, dict[date, float | None]] | None = None
    _utilization: dict[str, dict[date, float]] | None = None

    def wall_clock_p50(self) -> dict[date, float | None]:
        if self._wall_clock is None:
            rows = pipeline_periods(self.scope, "day", [])
            self._wall_clock = {row.start: row.wall_clock_p50_s for row in rows}
        return self._wall_clock

    def wait_p90(self, pool: str) -> dict[date, float | None]:
        if self._waits is None:
            self._waits = {}
            for row in pool_periods(self.scope, "day", pool_of_job(self.workflow)):
                self._waits.setdefault(row.pool, {})[row.start] = row.wait_p90_s
        return self._waits.get(pool, {})

    def utilization(self, pool: str) -> dict[date, float | None]:
        if self._utilization is None:
            self._utilization = served_utilization(
                self.workflow.repository.team, self.scope.start, self.scope.end, "day"
            )
        return dict(self._utilization.get(pool, {}))


def check_rules(workflow: Workflow, rules: list[AlertRule], now: datetime) -> dict[int, RuleCheck]:
    """Each rule's check (by rule id) over the days up to yesterday."""
    last_day = last_whole_day(now)
    first_day = last_day - timedelta(days=LOOKBACK_DAYS - 1)
    scope = Scope(workflow.pk, _midnight(first_day), _midnight(last_day + timedelta(days=1)))
    figures = _DailyFigures(workflow, scope)
    adoption = Adoption.objects.filter(workflow=workflow).current().select_related("version")
    current = adoption.first()
    checks = {}
    for rule in rules:
        checks[rule.pk] = _check(rule, figures, current, first_day, last_day)
    return checks


def _check(
    rule: AlertRule,
    figures: _DailyFigures,
    adoption: Adoption | None,
    first_day: date,
    last_day: date,
) -> RuleCheck:
    if rule.kind == AlertRule.Kind.WALL_CLOCK:
        if adoption is None:
            return cannot_check(
                last_day, rule.days, "No version is adopted, so there is no pre-change level."
            )
        level = pre_change_p50(rule.workflow, adoption)
        if level is None:
            return cannot_check(
                last_day,
                rule.days,
                f"No successful pipeline in the {PRE_CHANGE_DAYS} days before "
                f"{adoption.live_on:%Y-%m-%d}, so there is no pre-change level.",
            )
        # Only days since the change can regress past the level before it.
        since = max(first_day, adoption.live_on)
        if since > last_day:
            return cannot_check(
                last_day, rule.days, "The change went live today: no whole day since to judge."
            )
        threshold = level * (1 + (rule.tolerance or 0.0))
        return check_days(figures.wall_clock_p50(), threshold, rule.days, since, last_day)
    assert rule.pool is not None
    if rule.kind == AlertRule.Kind.UTILIZATION:
        level = rule.utilization_level or 0.0
        return check_days(
            figures.utilization(rule.pool.name), level, rule.days, first_day, last_day
        )
    target = rule.wait_target_s or version_wait_target(adoption)
    if target is None:
        return cannot_check(
            last_day, rule.days, "No version is adopted to take a target from: type one."
        )
    return check_days(figures.wait_p90(rule.pool.name), target, rule.days, first_day, last_day)


def rules_of(workflow: Workflow) -> QuerySet[AlertRule]:
    return AlertRule.objects.filter(workflow=workflow).select_related("pool", "workflow")


def check_workflow(workflow: Workflow, now: datetime | None = None) -> list[AlertEvent]:
    """Check every rule of the workflow, keep each check on its rule and record events:
    returns the events opened or resolved by this check (their emails are still to send)."""
    now = now or timezone.now()
    rules = list(rules_of(workflow))
    checks = check_rules(workflow, rules, now)
    changed = []
    for rule in rules:
        check = checks[rule.pk]
        AlertRule.objects.filter(pk=rule.pk).update(
            checked_at=now, last_check=check.model_dump(mode="json")
        )
        event = _record(rule, check, now)
        if event is not None:
            changed.append(event)
    return changed


def _record(rule: AlertRule, check: RuleCheck, now: datetime) -> AlertEvent | None:
    """Open an event when the rule starts firing, resolve it when it stops; while it keeps
    firing only its latest figure moves. Two checks at once: the open-event constraint
    lets one of them open it."""
    open_event = rule.events.firing().first()
    latest = check.days[-1] if check.days else None
    if check.firing and open_event is None:
        assert check.threshold is not None and check.over_since and check.fired_on
        try:
            with transaction.atomic():
                return AlertEvent.objects.create(
                    rule=rule,
                    over_since=check.over_since,
                    fired_on=check.fired_on,
                    fired_at=now,
                    threshold=check.threshold,
                    figures=[
                        {"day": figure.day.isoformat(), "value": figure.value}
                        for figure in check.recent(min(check.over_days, FIGURES_KEPT))
                    ],
                    latest_day=check.last_day,
                    latest_value=latest.value if latest else None,
                )
        except IntegrityError:
            return None
    if open_event is None:
        return None
    if check.firing:
        AlertEvent.objects.filter(pk=open_event.pk).update(
            latest_day=check.last_day,
            latest_value=latest.value if latest else None,
            threshold=check.threshold,
        )
        return None
    resolved = AlertEvent.objects.filter(pk=open_event.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_on=check.last_day
    )
    if not resolved:
        return None
    open_event.refresh_from_db()
    return open_event


def ensure_default_rules(workflow: Workflow) -> list[AlertRule]:
    """The rules a workflow gets when its first version is adopted (and the rules page's
    "add the default rules"): the adopted target on each pool its jobs run on, utilization
    over 85% on each, and the p50 wall clock 10% past the pre-change level, all for 3 days.
    Only for a workflow with no rule yet: after that, rules are its editors' to change."""
    if AlertRule.objects.filter(workflow=workflow).exists():
        return []
    used = set(pool_of_job(workflow).values())
    pools = RunnerPool.objects.filter(team_id=workflow.repository.team_id, name__in=used)
    rules = [
        AlertRule(workflow=workflow, kind=AlertRule.Kind.WALL_CLOCK, tolerance=DEFAULT_TOLERANCE)
    ]
    for pool in pools:
        rules.append(AlertRule(workflow=workflow, kind=AlertRule.Kind.QUEUE_WAIT, pool=pool))
        rules.append(
            AlertRule(
                workflow=workflow,
                kind=AlertRule.Kind.UTILIZATION,
                pool=pool,
                utilization_level=DEFAULT_UTILIZATION,
            )
        )
    return AlertRule.objects.bulk_create(rules)


# -- words ---------------------------------------------------------------------------------


def figure_text(rule: AlertRule, value: float | None) -> str:
    """A rule's figure in its unit: a duration, or a percentage."""
    if rule.kind == AlertRule.Kind.UTILIZATION:
        return percent(value, 1) if value is not None else "nothing measured"
    return duration(value) if value is not None else "nothing measured"


def what_it_watches(rule: AlertRule) -> str:
    """'p90 queue wait on medium', 'Served utilization of medium', 'p50 wall clock'."""
    if rule.kind == AlertRule.Kind.QUEUE_WAIT:
        return f"p90 queue wait on {rule.pool.name if rule.pool else 'a pool'}"
    if rule.kind == AlertRule.Kind.UTILIZATION:
        return f"Served utilization of {rule.pool.name if rule.pool else 'a pool'}"
    return "p50 pipeline wall clock"


def threshold_text(rule: AlertRule, target_of_version: float | None = None) -> str:
    """The rule's threshold as set: 'over 1 min (the adopted version's target)'."""
    if rule.kind == AlertRule.Kind.QUEUE_WAIT:
        if rule.wait_target_s is not None:
            return f"over {duration(rule.wait_target_s)}"
        if target_of_version is not None:
            return f"over {duration(target_of_version)} (the adopted version's target)"
        return "over the adopted version's target"
    if rule.kind == AlertRule.Kind.UTILIZATION:
        return f"over {threshold_figure(rule, rule.utilization_level or 0.0)}"
    return f"more than {percent(rule.tolerance, 0)} over the pre-change p50"


def rule_sentence(rule: AlertRule, target_of_version: float | None = None) -> str:
    """'p90 queue wait on medium over 1 min for 3 days in a row'."""
    return (
        f"{what_it_watches(rule)} {threshold_text(rule, target_of_version)} "
        f"for {count(rule.days, 'day')} in a row"
    )


def firing_sentence(event: AlertEvent) -> str:
    """'p90 queue wait on medium has been over 1 min every day since 2026-11-14 (21 days);
    on 2026-12-04 it was 2 min 49 s'."""
    rule = event.rule
    days = (event.latest_day - event.over_since).days + 1
    return (
        f"{what_it_watches(rule)} has been over {threshold_figure(rule, event.threshold)} "
        f"every day since {event.over_since:%Y-%m-%d} ({count(days, 'day')}); on "
        f"{event.latest_day:%Y-%m-%d} it was {figure_text(rule, event.latest_value)}"
    )


def firing_for_teams(teams: QuerySet[Team]) -> QuerySet[AlertEvent]:
    """The alerts firing now on the teams' workflows, newest first."""
    return (
        AlertEvent.objects.firing()
        .filter(rule__workflow__repository__team__in=teams)
        .select_related("rule__pool", "rule__workflow__repository")
        .order_by("-fired_on", "rule__workflow__name", "rule__kind")
    )


# -- what pages show -----------------------------------------------------------------------

DAYS_SHOWN = 7


@dataclass(frozen=True)
class ShownDay:
    text: str  # "" when the rule did not look at that day
    over: bool


@dataclass(frozen=True)
class RuleState:
    """A rule as the monitor and the rules page show it, from its last stored check."""

    rule: AlertRule
    sentence: str
    state: str  # "firing", "quiet", "cannot", "unchecked"
    summary: str
    cells: list[ShownDay]  # one per day of the table's `days`


@dataclass(frozen=True)
class AlertTable:
    days: list[date]  # the last whole days checked, oldest first
    rows: list[RuleState]
    checked_at: datetime | None


def rule_states(workflow: Workflow) -> AlertTable:
    adoption = Adoption.objects.filter(workflow=workflow).current().select_related("version")
    target = version_wait_target(adoption.first())
    rules = list(rules_of(workflow))
    checks = {
        rule.pk: RuleCheck.model_validate(rule.last_check) for rule in rules if rule.last_check
    }
    last = max((check.last_day for check in checks.values()), default=None)
    days = [last - timedelta(days=back) for back in range(DAYS_SHOWN - 1, -1, -1)] if last else []
    rows = [_state(rule, checks.get(rule.pk), target, days) for rule in rules]
    checked = [rule.checked_at for rule in rules if rule.checked_at]
    return AlertTable(days, rows, max(checked) if checked else None)


def threshold_figure(rule: AlertRule, threshold: float) -> str:
    """A threshold as typed: '85%' (not '85.0%'), '1 min', '18 min 33 s'."""
    if rule.kind == AlertRule.Kind.UTILIZATION:
        return percent(threshold, 0 if round(threshold * 100, 6).is_integer() else 1)
    return duration(threshold)


def _state(
    rule: AlertRule, check: RuleCheck | None, target: float | None, days: list[date]
) -> RuleState:
    sentence = rule_sentence(rule, target)
    blank = [ShownDay("", False) for _ in days]
    if check is None:
        return RuleState(rule, sentence, "unchecked", "Not checked yet.", blank)
    if check.threshold is None:
        return RuleState(rule, sentence, "cannot", f"Not checked: {check.cannot_check}", blank)
    by_day = {figure.day: figure for figure in check.days}
    cells = [
        ShownDay(
            "" if by_day[day].value is None else figure_text(rule, by_day[day].value),
            by_day[day].over,
        )
        if day in by_day
        else ShownDay("", False)
        for day in days
    ]
    limit = threshold_figure(rule, check.threshold)
    latest = check.days[-1] if check.days else None
    if check.firing and check.over_since is not None:
        since = "at least " if check.lookback_starts_run else ""
        summary = (
            f"Firing: over {limit} every day since {since}{check.over_since:%Y-%m-%d} "
            f"({count(check.over_days, 'day')})."
        )
        return RuleState(rule, sentence, "firing", summary, cells)
    if latest is None:
        summary = "Not firing: no whole day to judge yet."
    elif latest.value is None:
        summary = f"Not firing: nothing measured on {latest.day:%Y-%m-%d} (no data never fires)."
    elif check.over_days:
        summary = f"Not firing yet: over for {check.over_days} of the {check.days_needed} days."
    else:
        summary = "Not firing."
    return RuleState(rule, sentence, "quiet", summary, cells)
