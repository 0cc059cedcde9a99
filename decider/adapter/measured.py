"""Measured load from the stored job runs: the pools' table and heatmaps, and the what-if's
measured defaults (baseline utilization, pipelines per hour, background job length).

The window is the last `days` days of data: it ends at the midnight (UTC) after the latest job
(or now, if that is earlier), so an import of last month's runs is still measured over the days
it covers, and the sentences give the dates.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db.models import Count, Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from pydantic import ValidationError

from decider.adapter.inputs import engine_pools
from decider.charts.heatmap import heatmap_svg
from decider.engine import inputs as engine_inputs
from decider.engine.formatting import duration, noun, percent
from decider.engine.measured_load import (
    DEFAULT_WINDOW_DAYS,
    LoadJob,
    MeasuredLoad,
    PoolLoad,
    Window,
    measure,
    pipelines_per_hour,
)
from decider.models import Job, JobRun, Team, WorkflowRun

WINDOW_CHOICES = (7, 14, 30)
# Rounded as the form shows them, so a default left alone is recognised as measured.
UTILIZATION_DIGITS = 3  # 0.1 %
PIPELINES_DIGITS = 2
MIN_PIPELINES_PER_HOUR = 0.01


@dataclass(frozen=True)
class _Data:
    """The window of a team's runs, and what identifies those runs (their newest row id and
    count change with every import, webhook or deletion): the key measurements are cached on."""

    window: Window
    key: tuple[int, int]


def _window(team: Team, days: int, now: datetime | None) -> _Data | None:
    latest = JobRun.objects.filter(job__workflow__repository__team=team).aggregate(
        started=Max("started_at"), created=Max("created_at"), newest=Max("id"), rows=Count("id")
    )
    moments = [latest[name] for name in ("started", "created") if latest[name] is not None]
    if not moments:
        return None
    # Whole days up to the midnight (UTC) after the latest job, or up to now.
    latest_day = max(moments).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    window = Window.ending(min(latest_day + timedelta(days=1), now or timezone.now()), days)
    return _Data(window=window, key=(latest["newest"], latest["rows"]))


# Measured loads per process, keyed on the team, window, pools and the runs' identity: a
# page viewed again, or a what-if opened twice, reads no job run. Small: a few teams' worth.
_CACHE: OrderedDict[tuple[object, ...], MeasuredLoad] = OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.Lock()  # gunicorn threads share the cache


def _measured(
    team: Team, data: _Data, pools: list[engine_inputs.Pool], exclude_workflow_id: int | None
) -> MeasuredLoad:
    pools_key = tuple((pool.name, tuple(pool.labels), pool.runners) for pool in pools)
    key = (team.pk, data.window.start, data.window.end, data.key, pools_key, exclude_workflow_id)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    measured = measure(_load_jobs(team, data.window, exclude_workflow_id), pools, data.window)
    with _LOCK:
        _CACHE[key] = measured
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return measured


def forget_measured() -> None:
    """Empty the cache (tests: a rolled-back test database hands out the same ids again)."""
    with _LOCK:
        _CACHE.clear()


def _load_jobs(team: Team, window: Window, exclude_workflow_id: int | None) -> list[LoadJob]:
    rows = JobRun.objects.filter(job__workflow__repository__team=team).filter(
        Q(started_at__gte=window.start, started_at__lt=window.end)
        | Q(created_at__gte=window.start, created_at__lt=window.end)
    )
    if exclude_workflow_id is not None:
        rows = rows.exclude(job__workflow_id=exclude_workflow_id)
    # Labels are read as text and decoded once per distinct set (a team has a handful), and
    # each job's runs-on once per job: a window can hold hundreds of thousands of runs.
    runs_on = dict(Job.objects.filter(workflow__repository__team=team).values_list("pk", "runs_on"))
    decoded: dict[str, tuple[str, ...]] = {}
    jobs: list[LoadJob] = []
    for created, started, completed, conclusion, labels_text, job_id, group, name in rows.annotate(
        labels_text=Cast("runner_labels", TextField())
    ).values_list(
        "created_at",
        "started_at",
        "completed_at",
        "conclusion",
        "labels_text",
        "job_id",
        "runner_group",
        "runner_name",
    ):
        labels = decoded.get(labels_text)
        if labels is None:
            labels = decoded[labels_text] = _labels(labels_text)
        jobs.append(
            LoadJob(
                created_at=created,
                started_at=started,
                completed_at=completed,
                conclusion=conclusion or None,
                # What the job asked for; runs imported without labels use its runs-on.
                labels=labels or tuple(runs_on.get(job_id) or ()),
                runner_group=group,
                runner_name=name,
            )
        )
    return jobs


def _labels(text: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return (
        tuple(label for label in value if isinstance(label, str)) if isinstance(value, list) else ()
    )


def window_words(window: Window) -> str:
    first, last = window.start, window.end - timedelta(microseconds=1)  # the end is excluded
    return f"{window.days:g} days ({first:%-d %b %Y} to {last:%-d %b %Y})"


def many(value: int, singular_and_plural: str) -> str:
    """'3,412 jobs': a count with thousands separators, as the sentences quote them."""
    return f"{value:,} {noun(value, singular_and_plural)}"


@dataclass(frozen=True)
class PoolLoadView:
    """One pool's measured load as the page shows it (the heatmap is our own escaped SVG)."""

    load: PoolLoad
    heatmap_svg: SafeString

    @property
    def utilization_text(self) -> str:
        return percent(self.load.served_utilization, 1)

    @property
    def offered_text(self) -> str:
        return percent(self.load.offered_utilization, 1)


@dataclass(frozen=True)
class TeamLoad:
    measured: MeasuredLoad
    pools: list[PoolLoadView]
    jobs: int

    @property
    def sentence(self) -> str:
        return f"Measured over {window_words(self.measured.window)} from {many(self.jobs, 'job')}"


def team_load(
    team: Team, days: int = DEFAULT_WINDOW_DAYS, now: datetime | None = None
) -> TeamLoad | None:
    """Every pool of the team over the last `days` days of its runs; None without any run."""
    data = _window(team, days, now)
    if data is None:
        return None
    measured = _measured(team, data, engine_pools(team), None)
    return TeamLoad(
        measured=measured,
        pools=[PoolLoadView(load, mark_safe(heatmap_svg(load))) for load in measured.pools],
        jobs=sum(load.jobs + load.cancelled_in_queue for load in measured.pools)
        + measured.unattributed,
    )


@dataclass
class MeasuredDefaults:
    """What the what-if starts from when the data says it: per pool, the load of the team's
    other workflows (the background this workflow's pipelines share the pool with) and its
    job length; the workflow's own pipelines per hour. `sources` says where each came from
    (keyed like `MeasuredInput.key`), `missing` what could not be measured, and why."""

    utilization: dict[str, float] = field(default_factory=dict)
    background_job_s: dict[str, float] = field(default_factory=dict)
    pipelines_per_hour: float | None = None
    sources: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def inputs(self) -> list[engine_inputs.MeasuredInput]:
        found: list[engine_inputs.MeasuredInput] = []
        for pool, value in self.utilization.items():
            found.append(_input("utilization", pool, value, self.sources))
        for pool, value in self.background_job_s.items():
            found.append(_input("background_job_s", pool, value, self.sources))
        if self.pipelines_per_hour is not None:
            found.append(_input("pipelines_per_hour", None, self.pipelines_per_hour, self.sources))
        return found


_SIGNING_SALT = "decider.measured-defaults"


def signed_defaults(defaults: MeasuredDefaults) -> str:
    """The defaults as a signed token the what-if form carries, so a recalculation knows
    which values were measured without measuring again (and nobody can forge one)."""
    inputs = [value.model_dump(mode="json") for value in defaults.inputs()]
    return signing.dumps({"inputs": inputs, "missing": defaults.missing}, salt=_SIGNING_SALT)


def defaults_from_signed(token: str) -> MeasuredDefaults:
    """What `signed_defaults` gave; nothing measured when the token is missing or altered."""
    try:
        data = signing.loads(token, salt=_SIGNING_SALT)
        inputs = [engine_inputs.MeasuredInput.model_validate(v) for v in data["inputs"]]
        missing = [str(sentence) for sentence in data["missing"]]
    except (signing.BadSignature, ValidationError, KeyError, TypeError):
        return MeasuredDefaults()
    defaults = MeasuredDefaults(missing=missing)
    for value in inputs:
        defaults.sources[value.key] = value.source
        if value.kind == "utilization" and value.pool is not None:
            defaults.utilization[value.pool] = value.value
        elif value.kind == "background_job_s" and value.pool is not None:
            defaults.background_job_s[value.pool] = value.value
        elif value.kind == "pipelines_per_hour":
            defaults.pipelines_per_hour = value.value
    return defaults


def _input(
    kind: engine_inputs.MeasuredKind, pool: str | None, value: float, sources: dict[str, str]
) -> engine_inputs.MeasuredInput:
    key = engine_inputs.MeasuredInput.key_of(kind, pool)
    return engine_inputs.MeasuredInput(kind=kind, pool=pool, value=value, source=sources[key])


def measured_defaults(
    team: Team, workflow_id: int, days: int = DEFAULT_WINDOW_DAYS, now: datetime | None = None
) -> MeasuredDefaults:
    """The what-if's measured defaults for the workflow; `missing` says what has none."""
    data = _window(team, days, now)
    if data is None:
        return MeasuredDefaults(missing=["No measured load: no job run of the team has times yet."])
    window = data.window
    defaults = MeasuredDefaults()
    span = window_words(window)
    background = _measured(team, data, engine_pools(team), workflow_id)
    for load in background.pools:
        if (
            load.jobs == 0
            or load.served_utilization is None
            or load.mean_job_s is None
            or round(load.mean_job_s) < 1
        ):
            defaults.missing.append(
                f"No measured load for {load.pool}: no job of the team's other workflows ran "
                f"on it in the last {span}."
            )
            continue
        source = f"measured over {span} from {many(load.jobs, 'job')} of other workflows"
        utilization = round(min(1.0, load.served_utilization), UTILIZATION_DIGITS)
        defaults.utilization[load.pool] = utilization
        defaults.sources[f"utilization:{load.pool}"] = source
        defaults.background_job_s[load.pool] = float(round(load.mean_job_s))
        defaults.sources[f"background_job_s:{load.pool}"] = source
    created = list(
        WorkflowRun.objects.filter(
            workflow_id=workflow_id, created_at__gte=window.start, created_at__lt=window.end
        ).values_list("created_at", flat=True)
    )
    rate = round(
        pipelines_per_hour([c for c in created if c is not None], window), PIPELINES_DIGITS
    )
    if rate >= MIN_PIPELINES_PER_HOUR:
        defaults.pipelines_per_hour = rate
        defaults.sources["pipelines_per_hour"] = (
            f"measured over {span} from {many(len(created), 'run')} of this workflow"
        )
    else:
        defaults.missing.append(
            f"No measured pipeline rate: {many(len(created), 'run')} of this workflow in the "
            f"last {span}."
        )
    return defaults


def window_days(text: str | None) -> int:
    """The window a page asks for (`?days=`), one of the choices, else the default."""
    return int(text) if text in {str(days) for days in WINDOW_CHOICES} else DEFAULT_WINDOW_DAYS


def measured_words(value: engine_inputs.MeasuredInput) -> str:
    """'small baseline utilization 23.4%: measured over 14 days (…) from 3,412 jobs'."""
    if value.kind == "utilization":
        what = f"{value.pool} baseline utilization {percent(value.value, 1)}"
    elif value.kind == "background_job_s":
        what = f"{value.pool} background job length {duration(value.value)}"
    else:
        what = f"pipelines per hour {value.value:g}"
    return f"{what}: {value.source}"


def load_sources(
    scenario: engine_inputs.Scenario, pools: list[engine_inputs.Pool]
) -> tuple[list[str], list[str]]:
    """The load inputs a scenario used, in words: those measured (with where from) and those
    typed (in the scenario, or on the team's pools page)."""
    inventory = {pool.name: pool for pool in pools}
    measured = {
        value.key: value for value in scenario.measured if _still_used(value, scenario, inventory)
    }
    typed: list[str] = []
    for pool in pools:
        if f"utilization:{pool.name}" not in measured:
            share = scenario.utilization.get(pool.name)
            where = "typed in the scenario" if share is not None else "the team's pools page"
            value = pool.baseline_utilization if share is None else share
            typed.append(f"{pool.name} baseline utilization {percent(value, 1)}: {where}")
        seconds = scenario.background_job_s.get(pool.name)
        if seconds is not None and f"background_job_s:{pool.name}" not in measured:
            typed.append(f"{pool.name} background job length {duration(seconds)}: typed")
    if scenario.pipelines_per_hour is not None and "pipelines_per_hour" not in measured:
        typed.append(f"pipelines per hour {scenario.pipelines_per_hour:g}: typed")
    return [measured_words(value) for value in measured.values()], typed


def _still_used(
    value: engine_inputs.MeasuredInput,
    scenario: engine_inputs.Scenario,
    pools: dict[str, engine_inputs.Pool],
) -> bool:
    """Whether the scenario still uses the measured value (an edit makes it typed)."""
    pool = pools.get(value.pool or "")
    if value.kind == "pipelines_per_hour":
        used = scenario.pipelines_per_hour
    elif pool is None:
        return False
    elif value.kind == "utilization":
        used = scenario.utilization.get(pool.name, pool.baseline_utilization)
    else:
        used = scenario.background_job_s.get(pool.name, pool.mean_background_job_s)
    return value.is_value_of(used)
