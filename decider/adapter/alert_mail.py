"""The emails of alerts: one when an alert starts firing, one when it clears.

Recipients are the team's editors who have an email address (they can act on it: change
runners or the rule). Each email is claimed by setting its `*_mailed_at` in one UPDATE
before it is sent, so two workers never send it twice; a send that fails gives the claim
back, and the next check tries again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from decider.adapter.alerts import figure_text, rule_sentence, threshold_figure, what_it_watches
from decider.models import AlertEvent, Membership

logger = logging.getLogger(__name__)


def recipients(event: AlertEvent) -> list[str]:
    team_id = event.rule.workflow.repository.team_id
    return sorted(
        {
            email
            for email in Membership.objects.filter(
                team_id=team_id, role=Membership.Role.EDITOR
            ).values_list("user__email", flat=True)
            if email
        }
    )


def monitor_url(event: AlertEvent) -> str:
    path = reverse("workflow_monitor", args=[event.rule.workflow_id])
    return settings.SITE_URL.rstrip("/") + path


def _where(event: AlertEvent) -> str:
    workflow = event.rule.workflow
    return f"{workflow.repository.name}, workflow “{workflow.name}”"


def fired_message(event: AlertEvent) -> tuple[str, str]:
    rule = event.rule
    days = "\n".join(f"  {row['day']}  {figure_text(rule, row['value'])}" for row in event.figures)
    subject = f"decider alert: {what_it_watches(rule)} is over its threshold ({_where(event)})"
    body = (
        f"{what_it_watches(rule)} has been over {threshold_figure(rule, event.threshold)} "
        f"every day since {event.over_since:%Y-%m-%d} (UTC days), in {_where(event)}.\n\n"
        f"The days that set it off, against {threshold_figure(rule, event.threshold)}:\n{days}\n\n"
        f"The rule: {rule_sentence(rule)}.\n"
        f"See the monitor: {monitor_url(event)}\n\n"
        "You get this as an editor of the team. decider writes once when an alert starts "
        "and once when it clears."
    )
    return subject, body


def resolved_message(event: AlertEvent) -> tuple[str, str]:
    rule = event.rule
    subject = f"decider alert cleared: {what_it_watches(rule)} ({_where(event)})"
    body = (
        f"{what_it_watches(rule)} is no longer over {threshold_figure(rule, event.threshold)} "
        f"in {_where(event)}: on {event.latest_day:%Y-%m-%d} it was "
        f"{figure_text(rule, event.latest_value)}"
        f"{' (nothing measured counts as not over)' if event.latest_value is None else ''}.\n"
        f"It had been over every day from {event.over_since:%Y-%m-%d}.\n\n"
        f"See the monitor: {monitor_url(event)}\n"
    )
    return subject, body


def _send(event: AlertEvent, claimed_field: str, message: tuple[str, str]) -> bool:
    to = recipients(event)
    if not to:
        return True  # nobody to tell: the claim stands, there is nothing to retry
    subject, body = message
    try:
        mailers.default.send_messages([EmailMessage(subject, body, to=[address]) for address in to])
    except Exception:  # any transport error: log, give the claim back, retry later
        logger.exception("alert email for event %s not sent", event.pk)
        AlertEvent.objects.filter(pk=event.pk).update(**{claimed_field: None})
        return False
    return True


def send_due_emails(now: datetime | None = None) -> int:
    """Send every alert email not sent yet; returns how many events were mailed."""
    now = now or timezone.now()
    sent = 0
    due = AlertEvent.objects.filter(
        Q(fired_mailed_at__isnull=True)
        | Q(resolved_at__isnull=False, resolved_mailed_at__isnull=True)
    ).select_related("rule__pool", "rule__workflow__repository")
    for event in due:
        if event.fired_mailed_at is None and _claim(event, "fired_mailed_at", now):
            sent += _send(event, "fired_mailed_at", fired_message(event))
        if event.resolved_at is not None and _claim(event, "resolved_mailed_at", now):
            sent += _send(event, "resolved_mailed_at", resolved_message(event))
    return sent


def _claim(event: AlertEvent, field: str, now: datetime) -> bool:
    return bool(
        AlertEvent.objects.filter(pk=event.pk, **{f"{field}__isnull": True}).update(**{field: now})
    )
