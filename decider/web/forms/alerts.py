"""An alert rule: what it watches (kind, pool), its threshold and for how many days."""

from __future__ import annotations

from typing import Any

from django import forms

from decider.engine.formatting import duration
from decider.models import (
    ALERT_MAX_DAYS,
    ALERT_MAX_TOLERANCE,
    ALERT_MAX_WAIT_S,
    AlertRule,
    Workflow,
)

# Each threshold field and the one kind of rule it belongs to.
RELEVANT_TO = {
    "wait_target_s": AlertRule.Kind.QUEUE_WAIT,
    "utilization_pct": AlertRule.Kind.UTILIZATION,
    "tolerance_pct": AlertRule.Kind.WALL_CLOCK,
}


class AlertRuleForm(forms.ModelForm):
    wait_target_s = forms.FloatField(
        required=False,
        min_value=1,
        max_value=ALERT_MAX_WAIT_S,
        label="Queue-wait target (s)",
        error_messages={
            "min_value": "Give a target of at least 1 second.",
            "max_value": f"At most {ALERT_MAX_WAIT_S:,.0f} seconds (24 hours).",
            "invalid": "Give a number of seconds, e.g. 300 for 5 minutes.",
        },
    )
    # Typed in percent, as pages show them; stored as shares of one.
    utilization_pct = forms.FloatField(
        required=False,
        min_value=1,
        max_value=100,
        label="Utilization level (%)",
        help_text="1-100: fires when the pool's served utilization is over this.",
        error_messages={
            "min_value": "Give a level from 1%% to 100%%.",
            "max_value": "Give a level from 1%% to 100%% (85 means 85%%).",
            "invalid": "Give a percentage, e.g. 85.",
        },
    )
    tolerance_pct = forms.FloatField(
        required=False,
        min_value=0,
        max_value=ALERT_MAX_TOLERANCE * 100,
        label="Tolerance (%)",
        help_text="0-200: fires when the p50 wall clock is this much over the pre-change p50.",
        error_messages={
            "min_value": "Give a tolerance from 0%% to 200%%.",
            "max_value": "Give a tolerance from 0%% to 200%% (10 means 10%% slower).",
            "invalid": "Give a percentage, e.g. 10.",
        },
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=ALERT_MAX_DAYS,
        initial=3,
        label="Days in a row",
        help_text=f"1-{ALERT_MAX_DAYS} whole UTC days, each over the threshold.",
        error_messages={
            "min_value": f"Give 1 to {ALERT_MAX_DAYS} days.",
            "max_value": f"Give 1 to {ALERT_MAX_DAYS} days.",
            "invalid": "Give a whole number of days, e.g. 3.",
            "required": "Say for how many days in a row.",
        },
    )

    field_order = ["kind", "pool", "wait_target_s", "utilization_pct", "tolerance_pct", "days"]

    class Meta:
        model = AlertRule
        fields = ["kind", "pool", "wait_target_s", "days"]
        labels = {"kind": "Watch", "pool": "Pool"}

    def __init__(
        self, *args: Any, workflow: Workflow, version_target_s: float | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.version_target_s = version_target_s
        self.fields["kind"].initial = AlertRule.Kind.QUEUE_WAIT
        pool = self.fields["pool"]
        assert isinstance(pool, forms.ModelChoiceField)
        pool.queryset = workflow.repository.team.pools.all()
        pool.required = False
        pool.empty_label = "(the whole pipeline)"
        pool.help_text = "Queue wait and utilization watch one pool; wall clock none."
        self.fields["wait_target_s"].help_text = (
            f"1-{ALERT_MAX_WAIT_S:,.0f}. Empty: the adopted version's target"
            + (f" ({duration(version_target_s)})." if version_target_s is not None else ".")
        )
        if self.instance.pk:
            # What a rule watches stays; to watch something else, add another rule.
            self.fields["kind"].disabled = True
            self.fields["pool"].disabled = True
            # Only the threshold of the kind it watches is shown.
            for name, kind in RELEVANT_TO.items():
                if kind != self.instance.kind:
                    del self.fields[name]
            if self.instance.utilization_level is not None:
                self.initial["utilization_pct"] = round(self.instance.utilization_level * 100, 2)
            if self.instance.tolerance is not None:
                self.initial["tolerance_pct"] = round(self.instance.tolerance * 100, 2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        pool = cleaned.get("pool")
        if kind in (AlertRule.Kind.QUEUE_WAIT, AlertRule.Kind.UTILIZATION) and pool is None:
            self.add_error("pool", "Choose the pool this rule watches.")
        if kind == AlertRule.Kind.WALL_CLOCK:
            cleaned["pool"] = None
            if cleaned.get("tolerance_pct") is None and "tolerance_pct" not in self.errors:
                self.add_error("tolerance_pct", "Give a tolerance in %, e.g. 10.")
        if (
            kind == AlertRule.Kind.UTILIZATION
            and cleaned.get("utilization_pct") is None
            and "utilization_pct" not in self.errors
        ):
            self.add_error("utilization_pct", "Give a level in %, e.g. 85.")
        if (
            kind == AlertRule.Kind.QUEUE_WAIT
            and cleaned.get("wait_target_s") is None
            and "wait_target_s" not in self.errors
            and self.version_target_s is None
        ):
            self.add_error(
                "wait_target_s",
                "No version is adopted to take a target from: type one in seconds.",
            )
        if kind and not self.instance.pk and not self.errors:
            clash = AlertRule.objects.filter(
                workflow=self.workflow, kind=kind, pool=cleaned.get("pool")
            )
            if clash.exists():
                raise forms.ValidationError(
                    "This workflow already has that rule"
                    + (f" on {cleaned['pool'].name}" if cleaned.get("pool") else "")
                    + ": change it instead."
                )
        return cleaned

    def save(self, commit: bool = True) -> AlertRule:
        rule: AlertRule = super().save(commit=False)
        rule.workflow = self.workflow
        kind = rule.kind
        pct = self.cleaned_data
        rule.utilization_level = (
            pct["utilization_pct"] / 100 if kind == AlertRule.Kind.UTILIZATION else None
        )
        rule.tolerance = pct["tolerance_pct"] / 100 if kind == AlertRule.Kind.WALL_CLOCK else None
        if kind != AlertRule.Kind.QUEUE_WAIT:
            rule.wait_target_s = None
        if kind == AlertRule.Kind.WALL_CLOCK:
            rule.pool = None
        if commit:
            rule.save()
        return rule
