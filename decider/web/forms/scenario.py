"""The what-if form: HTML fields in, the engine's validated Scenario out (and back).

Fields are named by position (`runners_0`, `override_6`), never by user-supplied names, so a
pool or job called `<script>` is only ever shown as escaped text. The needs to remove travel in
one field (`remove_needs`, a line per edge) however many edges the workflow has: a 128-job
workflow with 1,000 edges would otherwise post more fields than Django accepts. The page's
edge checkboxes have no name; static/js/decider.js writes their lines into that field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from pydantic import ValidationError

from decider.adapter.measured import MeasuredDefaults, defaults_from_signed, measured_words
from decider.engine import inputs as engine_inputs
from decider.engine import limits
from decider.engine.github_prices import github_price_book
from decider.engine.prices import PriceBook
from decider.engine.runs import counted
from decider.engine.vocabulary import STATISTICS, TRIGGERS

EVERY_JOB = "Every job runs (if: conditions ignored)"
TRIGGER_CHOICES = [("", EVERY_JOB), *TRIGGERS]
CONCURRENCY = [
    ("one", "One pipeline at a time"),
    ("per_hour", "Pipelines arrive per hour"),
    ("at_once", "PRs building at once"),
]
# Steps in one job's override: a few edits ('-20%, -60 s'), never a list that multiplies a
# duration without end.
MAX_OVERRIDE_STEPS = 10
OVERRIDE = re.compile(r"^(?P<sign>[+-])?(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|s)?$")


@dataclass
class EdgeRow:
    job: engine_inputs.Job
    need: engine_inputs.Job
    kept: bool

    @property
    def line(self) -> str:
        """How the edge is written in `remove_needs`."""
        return f"{self.job.key}: {self.need.key}"


def parse_edge(line: str, by_key: dict[str, int]) -> engine_inputs.Edge | None:
    """'job-key: need-key' as an edge; None when no ':' splits it into two known keys.
    Matrix instance keys may hold a ':' ('test (node:18)'), so every ':' is tried."""
    for at, char in enumerate(line):
        if char == ":":
            job, need = line[:at].strip(), line[at + 1 :].strip()
            if job in by_key and need in by_key:
                return engine_inputs.Edge(job=by_key[job], need=by_key[need])
    return None


def parse_overrides(text: str, job_id: int) -> list[engine_inputs.DurationOverride]:
    """Comma-separated steps, applied in order: '300' or '300 s' sets the seconds, '-90 s'
    (with a sign) changes them, '-20%' scales them. '' means no override."""
    overrides = []
    parts = [piece.strip() for piece in text.split(",") if piece.strip()]
    if len(parts) > MAX_OVERRIDE_STEPS:
        raise forms.ValidationError(f"Give at most {MAX_OVERRIDE_STEPS} steps per job.")
    for part in parts:
        match = OVERRIDE.match(part)
        if match is None:
            raise forms.ValidationError(
                f"'{part}': use seconds (300), a change in seconds (-90 s) or in % (-20%)."
            )
        number = float(match["number"]) * (-1 if match["sign"] == "-" else 1)
        if match["unit"] == "%":
            if number < -100:
                raise forms.ValidationError("A duration cannot shrink by more than 100%.")
            if number > limits.MAX_PERCENT_CHANGE:
                raise forms.ValidationError(
                    f"'{part}': a duration can grow by at most {limits.MAX_PERCENT_CHANGE:.0f}%."
                )
        elif abs(number) > limits.MAX_TYPED_DURATION_S:
            raise forms.ValidationError(
                f"'{part}': give at most {limits.MAX_TYPED_DURATION_S:,.0f} seconds "
                f"({limits.MAX_TYPED_DURATION_S / 3600:.0f} h)."
            )
        if match["unit"] == "%":
            overrides.append(engine_inputs.DurationOverride(job=job_id, percent_change=number))
        elif match["sign"]:
            overrides.append(engine_inputs.DurationOverride(job=job_id, delta_s=number))
        else:
            overrides.append(engine_inputs.DurationOverride(job=job_id, seconds=number))
    return overrides


def format_overrides(overrides: list[engine_inputs.DurationOverride]) -> str:
    parts = []
    for override in overrides:
        if override.percent_change is not None:
            parts.append(f"{override.percent_change:+g}%")
        elif override.seconds is not None:
            parts.append(f"{override.seconds:g}")
        else:
            parts.append(f"{override.delta_s or 0:+g} s")
    return ", ".join(parts)


# Per pool, in the table's column order.
POOL_FIELDS = ("runners", "utilization", "background", "price")


class ScenarioForm(forms.Form):
    statistic = forms.ChoiceField(choices=STATISTICS, initial="latest", label="Duration statistic")
    trigger = forms.ChoiceField(
        choices=TRIGGER_CHOICES,
        required=False,
        label="The pipeline runs for",
        help_text="Jobs whose if: skips them for this event take no time and no runner; "
        "conditions the workflow file cannot decide count as running and are listed.",
    )
    include_failed_runs = forms.BooleanField(
        required=False,
        label="Include failed, cancelled and timed-out runs",
        help_text="Off: durations come from successful runs only. Skipped runs never count.",
    )
    concurrency = forms.ChoiceField(choices=CONCURRENCY, initial="one", label="Concurrency")
    pipelines_per_hour = forms.FloatField(
        required=False,
        min_value=0.01,
        max_value=limits.MAX_PIPELINES_PER_HOUR,
        label="Pipelines/hour",
        help_text=limits.HELP["pipelines_per_hour"],
    )
    pipelines_at_once = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=limits.MAX_PIPELINES_AT_ONCE,
        label="PRs at once",
        help_text=limits.HELP["pipelines_at_once"],
    )
    remove_needs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Remove needs",
        help_text="One per line: job-key: needed-job-key. Unticking an edge above writes it here.",
    )
    add_needs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Add needs",
        help_text="One per line: job-key: needed-job-key",
    )
    milestone = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Milestone jobs"
    )
    pipelines_per_month = forms.FloatField(
        required=False,
        min_value=0,
        max_value=limits.MAX_PIPELINES_PER_MONTH,
        label="Pipelines/month",
        help_text=limits.HELP["pipelines_per_month"],
    )
    people_waiting = forms.FloatField(
        min_value=0,
        max_value=limits.MAX_PEOPLE_WAITING,
        initial=1,
        label="People waiting per pipeline",
        help_text=limits.HELP["people_waiting"],
    )
    loaded_usd_per_hour = forms.FloatField(
        required=False,
        min_value=0,
        max_value=limits.MAX_USD_PER_HOUR,
        label="Loaded $/hour",
        help_text=limits.HELP["usd_per_hour"],
    )
    target_queue_wait_s = forms.FloatField(
        min_value=0,
        max_value=limits.MAX_TYPED_DURATION_S,
        initial=60,
        label="Target queue wait (s, p90 on the critical path)",
        help_text=limits.HELP["typed_duration"],
    )
    growth_pct_per_month = forms.FloatField(
        required=False,
        min_value=0,
        max_value=limits.MAX_GROWTH_PCT_PER_MONTH,
        label="Growth of pipelines (% a month)",
        help_text=limits.HELP["growth_pct_per_month"],
    )
    # The options a budget holder weighs (engine/options.py).
    hosted_size = forms.ChoiceField(
        initial="linux-2-core",
        label="GitHub-hosted size",
        help_text="The size the pools' jobs could move or overflow to, from the price book.",
    )
    hosted_speed = forms.FloatField(
        initial=1,
        min_value=limits.MIN_SPEED_FACTOR,
        max_value=limits.MAX_SPEED_FACTOR,
        label="Speed on hosted runners (x)",
        help_text=limits.HELP["speed_factor"],
    )
    overflow_after_s = forms.FloatField(
        required=False,
        min_value=0,
        max_value=limits.MAX_TYPED_DURATION_S,
        label="Overflow to hosted after (s of waiting)",
        help_text="Blank: the target queue wait. " + limits.HELP["typed_duration"],
    )
    price_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Price date",
        help_text=(
            f"The day whose rates apply, {limits.EARLIEST_PRICE_DATE:%Y} to "
            f"{limits.LATEST_PRICE_DATE:%Y} (GitHub lowered most on 1 January 2026). "
            "Blank: the rates in force now."
        ),
    )
    bigger_speed = forms.FloatField(
        initial=1.5,
        min_value=limits.MIN_SPEED_FACTOR,
        max_value=limits.MAX_SPEED_FACTOR,
        label="Speed of bigger runners (x)",
        help_text=limits.HELP["speed_factor"],
    )
    bigger_usd_per_runner_month = forms.FloatField(
        required=False,
        min_value=0,
        max_value=limits.MAX_USD_PER_RUNNER_MONTH,
        label="Bigger runner $ per runner-month",
        help_text="Blank: twice each pool's price. " + limits.HELP["usd_per_runner_month"],
    )
    platform_charge = forms.BooleanField(
        required=False,
        label="Count GitHub's platform charge on self-hosted minutes",
        help_text="Announced for 1 March 2026 and postponed by GitHub: off unless you tick it.",
    )
    presets = forms.CharField(required=False, widget=forms.HiddenInput)
    # The measured defaults the page opened with, signed (adapter.measured.signed_defaults).
    measured = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        workflow: engine_inputs.Workflow,
        pools: list[engine_inputs.Pool],
        measured: MeasuredDefaults | None = None,
        prices: PriceBook | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.workflow = workflow
        self.pools = pools
        hosted_size = self.fields["hosted_size"]
        assert isinstance(hosted_size, forms.ChoiceField)
        # GitHub's sizes are always offered, so a scenario's size stays valid whatever the
        # team's book holds; a size with no rate on the price date is said to be unpriced.
        hosted_size.choices = size_choices(
            PriceBook(rates=[*(prices.rates if prices else []), *github_price_book().rates])
        )
        # The measured defaults: a value posted back unchanged is recorded as measured. A
        # posted form carries them signed, so a recalculation does not measure again.
        if measured is None:
            measured = defaults_from_signed(str((data or {}).get("measured") or ""))
        self.measured_defaults = measured
        self.measured_inputs = measured.inputs()
        self.jobs = {job.id: job for job in workflow.jobs}
        milestone = self.fields["milestone"]
        assert isinstance(milestone, forms.MultipleChoiceField)
        milestone.choices = [(str(job.id), job.name) for job in workflow.jobs]
        for index, pool in enumerate(pools):
            self.fields[f"runners_{index}"] = forms.IntegerField(
                min_value=0,
                max_value=limits.MAX_RUNNERS,
                initial=pool.runners,
                label=f"{pool.name} runners",
                help_text=limits.HELP["runners"],
            )
            self.fields[f"utilization_{index}"] = forms.FloatField(
                min_value=0,
                max_value=100,
                initial=round(pool.baseline_utilization * 100, 2),
                label=f"{pool.name} baseline utilization (%)",
            )
            self.fields[f"background_{index}"] = forms.FloatField(
                required=False,
                min_value=1,
                max_value=limits.MAX_TYPED_DURATION_S,
                initial=pool.mean_background_job_s,
                label=f"{pool.name} background job length (s)",
                help_text="Blank: the mean of this workflow's measured jobs on the pool.",
            )
            self.fields[f"price_{index}"] = forms.FloatField(
                min_value=0,
                max_value=limits.MAX_USD_PER_RUNNER_MONTH,
                initial=pool.monthly_usd_per_runner,
                label=f"{pool.name} $/month",
                help_text=limits.HELP["usd_per_runner_month"],
            )
        for job in workflow.jobs:
            self.fields[f"override_{job.id}"] = forms.CharField(
                required=False,
                label=f"{job.name} duration override",
                help_text="300 (seconds), -90 s (change), -20% (scale); comma-separated steps. "
                f"Each step up to {limits.MAX_TYPED_DURATION_S / 3600:.0f} h or "
                f"+{limits.MAX_PERCENT_CHANGE:.0f}%.",
            )
            # Estimates are for jobs with no successful run; including failed runs may
            # measure them after all, and then the runs win, as for any measured job.
            if not counted(job.samples, include_failed_runs=False).samples:
                self.fields[f"estimate_{job.id}"] = forms.FloatField(
                    required=False,
                    min_value=0,
                    max_value=limits.MAX_TYPED_DURATION_S,
                    label=f"{job.name} estimate (s)",
                    help_text=limits.HELP["typed_duration"],
                )

    # Grouped fields for the template, which cannot build field names itself.
    def pool_rows(self) -> list[tuple[engine_inputs.Pool, list[forms.BoundField]]]:
        """Each pool's inputs; the table shows the pool's name above them, not beside each, so
        each input is named for screen readers by its field's label."""
        for index in range(len(self.pools)):
            for kind in POOL_FIELDS:
                field = self.fields[f"{kind}_{index}"]
                field.widget.attrs.setdefault("aria-label", str(field.label))
        return [
            (pool, [self[f"{kind}_{index}"] for kind in POOL_FIELDS])
            for index, pool in enumerate(self.pools)
        ]

    def measured_notes(self) -> list[str]:
        """Where the load's defaults came from, and what could not be measured."""
        return [
            measured_words(value) for value in self.measured_inputs
        ] + self.measured_defaults.missing

    def pool_help(self) -> str:
        return (
            f"Runners per pool: {limits.HELP['runners']} "
            f"$ per runner-month: {limits.HELP['usd_per_runner_month']}"
        )

    def job_help(self) -> str:
        return (
            f"Overrides and estimates: {limits.HELP['typed_duration']} A change in % "
            f"from -100% to +{limits.MAX_PERCENT_CHANGE:.0f}%; at most {MAX_OVERRIDE_STEPS} "
            "steps per job."
        )

    def edge_rows(self) -> list[EdgeRow]:
        """Every current edge, ticked unless the posted (or initial) text removes it."""
        by_key = {job.key: job.id for job in self.workflow.jobs}
        removed = set()
        for line in str(self["remove_needs"].value() or "").splitlines():
            edge = parse_edge(line, by_key)
            if edge is not None:
                removed.add((edge.job, edge.need))
        return [
            EdgeRow(job, self.jobs[need], (job.id, need) not in removed)
            for job in self.workflow.jobs
            for need in job.needs
        ]

    def job_rows(
        self,
    ) -> list[tuple[engine_inputs.Job, forms.BoundField, forms.BoundField | None, str]]:
        """Per job: its override and estimate fields, and the runs its duration uses."""
        include_failed_runs = bool(self["include_failed_runs"].value())
        return [
            (
                job,
                self[f"override_{job.id}"],
                self[f"estimate_{job.id}"] if f"estimate_{job.id}" in self.fields else None,
                counted(job.samples, include_failed_runs).counts.text,
            )
            for job in self.workflow.jobs
        ]

    @property
    def job_errors(self) -> bool:
        """Whether an override or estimate is refused: a folded job table then opens."""
        return any(name.startswith(("override_", "estimate_")) for name in self.errors)

    def clean_price_date(self) -> date | None:
        day: date | None = self.cleaned_data.get("price_date")
        if day is not None and not limits.EARLIEST_PRICE_DATE <= day <= limits.LATEST_PRICE_DATE:
            raise forms.ValidationError(
                f"Give a day from {limits.EARLIEST_PRICE_DATE:%-d %B %Y} to "
                f"{limits.LATEST_PRICE_DATE:%-d %B %Y}."
            )
        return day

    def error_slots(self) -> list[forms.BoundField]:
        """Fields the page shows an error next to (hidden fields cannot fail)."""
        return [field for field in self if not field.is_hidden]

    def _edges(self, text: str) -> list[engine_inputs.Edge]:
        """One edge per non-blank line, each once, in the order given."""
        by_key = {job.key: job.id for job in self.workflow.jobs}
        edges: list[engine_inputs.Edge] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            edge = parse_edge(line, by_key)
            if edge is None:
                job, sep, need = (part.strip() for part in line.partition(":"))
                unknown = next((key for key in (job, need) if key not in by_key), "")
                what = f"no job '{unknown}'" if sep else "write job-key: need-key"
                raise forms.ValidationError(f"Line {number}: {what}.")
            if edge not in edges:
                edges.append(edge)
        return edges

    def clean_add_needs(self) -> list[engine_inputs.Edge]:
        return self._edges(self.cleaned_data["add_needs"])

    def clean_remove_needs(self) -> list[engine_inputs.Edge]:
        edges = self._edges(self.cleaned_data["remove_needs"])
        for edge in edges:
            if edge.need not in self.jobs[edge.job].needs:
                job, need = self.jobs[edge.job].key, self.jobs[edge.need].key
                raise forms.ValidationError(f"{job} does not need {need}: nothing to remove.")
        return edges

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        mode = cleaned.get("concurrency")
        if mode == "per_hour" and not cleaned.get("pipelines_per_hour"):
            self.add_error("pipelines_per_hour", "Give how many pipelines start per hour.")
        if mode == "at_once" and not cleaned.get("pipelines_at_once"):
            self.add_error("pipelines_at_once", "Give how many PRs build at once.")
        for job in self.workflow.jobs:
            name = f"override_{job.id}"
            try:
                cleaned[name] = parse_overrides(cleaned.get(name) or "", job.id)
            except forms.ValidationError as error:
                self.add_error(name, error)
        if not self.errors:
            try:
                cleaned["scenario"] = self._scenario(cleaned)
            except ValidationError as error:
                message = "; ".join(
                    detail["msg"].removeprefix("Value error, ") for detail in error.errors()
                )
                field = "add_needs" if "cycle" in message or "need" in message else None
                self.add_error(field, message)
        return cleaned

    def _scenario(self, cleaned: dict[str, Any]) -> engine_inputs.Scenario:
        mode = cleaned["concurrency"]
        data = {
            "statistic": cleaned["statistic"],
            "trigger": cleaned.get("trigger") or None,
            "include_failed_runs": cleaned["include_failed_runs"],
            "remove_needs": cleaned["remove_needs"],
            "add_needs": cleaned["add_needs"],
            "overrides": [
                override
                for job in self.workflow.jobs
                for override in cleaned.get(f"override_{job.id}") or []
            ],
            "estimates": [
                engine_inputs.Estimate(job=job.id, seconds=cleaned[f"estimate_{job.id}"])
                for job in self.workflow.jobs
                if cleaned.get(f"estimate_{job.id}") is not None
            ],
            "runners": self._changed("runners", lambda pool: pool.runners, cleaned),
            "utilization": {
                name: value / 100
                for name, value in self._changed(
                    "utilization", lambda pool: pool.baseline_utilization * 100, cleaned
                ).items()
            },
            "usd_per_runner": self._changed(
                "price", lambda pool: pool.monthly_usd_per_runner, cleaned
            ),
            "background_job_s": {
                pool.name: cleaned[f"background_{index}"]
                for index, pool in enumerate(self.pools)
                if cleaned.get(f"background_{index}") is not None
                and cleaned[f"background_{index}"] != pool.mean_background_job_s
            },
            "milestone": [int(job_id) for job_id in cleaned["milestone"]],
            "pipelines_per_hour": cleaned["pipelines_per_hour"] if mode == "per_hour" else None,
            "pipelines_at_once": cleaned["pipelines_at_once"] if mode == "at_once" else None,
            "pipelines_per_month": cleaned["pipelines_per_month"],
            "people_waiting_per_pipeline": cleaned["people_waiting"],
            "loaded_usd_per_hour": cleaned["loaded_usd_per_hour"],
            "target_queue_wait_s": cleaned["target_queue_wait_s"],
            "growth_pct_per_month": cleaned.get("growth_pct_per_month"),
            "hosted_size": cleaned["hosted_size"],
            "hosted_speed": cleaned["hosted_speed"],
            "overflow_after_s": cleaned.get("overflow_after_s"),
            "price_date": cleaned.get("price_date"),
            "bigger_speed": cleaned["bigger_speed"],
            "bigger_usd_per_runner_month": cleaned.get("bigger_usd_per_runner_month"),
            "platform_charge": cleaned.get("platform_charge", False),
            "presets": [
                engine_inputs.AppliedPreset(name=name)
                for name in (cleaned.get("presets") or "").split(",")
                if name
            ],
        }
        data["measured"] = self._still_measured(cleaned)
        return engine_inputs.Scenario.model_validate(
            data, context={"workflow": self.workflow, "pools": self.pools}
        )

    def _still_measured(self, cleaned: dict[str, Any]) -> list[engine_inputs.MeasuredInput]:
        """The measured defaults the user left as they were; a changed one is typed."""
        index_of = {pool.name: index for index, pool in enumerate(self.pools)}
        kept = []
        for value in self.measured_inputs:
            if value.kind == "pipelines_per_hour":
                given = (
                    cleaned["pipelines_per_hour"] if cleaned["concurrency"] == "per_hour" else None
                )
            elif value.pool not in index_of:
                continue
            elif value.kind == "utilization":
                percent = cleaned.get(f"utilization_{index_of[value.pool]}")
                given = None if percent is None else percent / 100
            else:
                given = cleaned.get(f"background_{index_of[value.pool]}")
            if given is not None and abs(given - value.value) <= 1e-6 * max(1.0, value.value):
                kept.append(value)
        return kept

    def _changed(self, kind: str, inventory: Any, cleaned: dict[str, Any]) -> dict[str, Any]:
        """Only what differs from the inventory is stored, so pool edits elsewhere still apply."""
        changed = {}
        for index, pool in enumerate(self.pools):
            value = cleaned.get(f"{kind}_{index}")
            if value is not None and abs(value - inventory(pool)) > 1e-9:
                changed[pool.name] = value
        return changed


def form_data(
    scenario: engine_inputs.Scenario,
    workflow: engine_inputs.Workflow,
    pools: list[engine_inputs.Pool],
) -> dict[str, Any]:
    """The form's field values for a stored scenario: what a browser would post back."""
    keys = {job.id: job.key for job in workflow.jobs}
    mode = "one"
    if scenario.pipelines_per_hour is not None:
        mode = "per_hour"
    elif scenario.pipelines_at_once is not None:
        mode = "at_once"
    data: dict[str, Any] = {
        "statistic": scenario.statistic,
        "trigger": scenario.trigger or "",
        "concurrency": mode,
        "pipelines_per_hour": scenario.pipelines_per_hour or "",
        "pipelines_at_once": scenario.pipelines_at_once or "",
        "remove_needs": "\n".join(f"{keys[e.job]}: {keys[e.need]}" for e in scenario.remove_needs),
        "add_needs": "\n".join(f"{keys[e.job]}: {keys[e.need]}" for e in scenario.add_needs),
        "milestone": [str(job_id) for job_id in scenario.milestone],
        "pipelines_per_month": _blank(scenario.pipelines_per_month),
        "people_waiting": scenario.people_waiting_per_pipeline,
        "loaded_usd_per_hour": _blank(scenario.loaded_usd_per_hour),
        "target_queue_wait_s": scenario.target_queue_wait_s,
        "growth_pct_per_month": _blank(scenario.growth_pct_per_month),
        "hosted_size": scenario.hosted_size,
        "hosted_speed": scenario.hosted_speed,
        "overflow_after_s": _blank(scenario.overflow_after_s),
        "price_date": scenario.price_date.isoformat() if scenario.price_date else "",
        "bigger_speed": scenario.bigger_speed,
        "bigger_usd_per_runner_month": _blank(scenario.bigger_usd_per_runner_month),
        "presets": ",".join(preset.name for preset in scenario.presets),
    }
    if scenario.include_failed_runs:
        data["include_failed_runs"] = "on"
    if scenario.platform_charge:
        data["platform_charge"] = "on"
    for index, pool in enumerate(pools):
        data[f"runners_{index}"] = scenario.runners.get(pool.name, pool.runners)
        utilization = scenario.utilization.get(pool.name, pool.baseline_utilization)
        data[f"utilization_{index}"] = round(utilization * 100, 4)
        data[f"price_{index}"] = scenario.usd_per_runner.get(pool.name, pool.monthly_usd_per_runner)
        background = scenario.background_job_s.get(pool.name, pool.mean_background_job_s)
        # Whole seconds (as measured) read "1041", not "1041.0", in a narrow field.
        if background is not None and background.is_integer():
            data[f"background_{index}"] = int(background)
        else:
            data[f"background_{index}"] = _blank(background)
    for job in workflow.jobs:
        steps = [override for override in scenario.overrides if override.job == job.id]
        data[f"override_{job.id}"] = format_overrides(steps)
    for estimate in scenario.estimates:
        data[f"estimate_{estimate.job}"] = estimate.seconds
    return data


def size_choices(book: PriceBook) -> list[tuple[str, str]]:
    """Every runner size the book prices per minute (not the platform charge), once each, in
    the book's order; labelled as people call them."""
    labels: dict[str, str] = {}
    for rate in book.rates:
        if rate.kind != "platform_charge" and rate.size not in labels:
            vendor = f"{rate.vendor}: " if rate.vendor else ""
            labels[rate.size] = f"{vendor}{rate.label or rate.size}"
    return list(labels.items())


def _blank(value: float | None) -> float | str:
    return "" if value is None else value


class ScenarioSaveForm(forms.Form):
    """Name, note and the version being edited (optimistic locking) of a saved scenario."""

    name = forms.CharField(max_length=200)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the scenario a name.")
        return name
