"""What the engine is given: a workflow, the runner pools, and a scenario of edits and settings.

Everything here is JSON-serializable (scenarios are stored as JSON) and validated. A scenario
only makes sense against one workflow, so its graph checks run when the workflow is passed as
validation context: `Scenario.model_validate(data, context={"workflow": workflow})`.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Literal, Protocol, Self

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from decider.engine import limits
from decider.engine.graph import find_cycle
from decider.engine.vocabulary import Conclusion, ConditionOutcome, JobKind, Statistic, Trigger


class Sample(BaseModel):
    """One measured run of a job, used or not (see `decider.engine.runs`)."""

    duration_s: float = Field(ge=0, le=limits.MAX_MEASURED_DURATION_S)
    created_at: datetime | None = None
    run_id: int | None = None
    conclusion: Conclusion | None = None  # None: not given, counted as a successful run


class RunsWhen(BaseModel):
    """Whether a job's `if:` lets it run for one trigger (DESIGN.md semantics 16): when every
    job it needs ran, and when one of them was skipped. The defaults are a job without `if:`."""

    needs_ran: ConditionOutcome = "runs"
    a_need_skipped: ConditionOutcome = "skips"


class Job(BaseModel):
    id: int  # stable, given by the caller (e.g. the declaration index)
    key: str  # the YAML id
    name: str = ""
    runs_on: list[str] = Field(default_factory=list)
    needs: list[int] = Field(default_factory=list)
    kind: JobKind = "other"
    samples: list[Sample] = Field(default_factory=list)  # none usable: the job is unmeasured
    # Per trigger, when its `if:` lets it run; a trigger not listed: as a job without `if:`.
    runs_when: dict[Trigger, RunsWhen] = Field(default_factory=dict)


class Workflow(BaseModel):
    """Jobs in declaration order; that order breaks every tie in the engine."""

    name: str = ""
    jobs: list[Job]
    triggers: list[str] = Field(default_factory=list)  # event names from `on:`; [] unknown
    # Per trigger, when `on:` filters leave it out or may (branches, tags, paths).
    trigger_notes: dict[Trigger, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_form_a_dag(self) -> Self:
        ids = [job.id for job in self.jobs]
        if len(set(ids)) != len(ids):
            raise ValueError("job ids must be unique")
        keys = [job.key for job in self.jobs]
        if len(set(keys)) != len(keys):
            raise ValueError("job keys must be unique")
        known = set(ids)
        for job in self.jobs:
            unknown = [need for need in job.needs if need not in known]
            if unknown:
                raise ValueError(f"job '{job.key}' needs unknown job ids {unknown}")
        cycle = find_cycle({job.id: job.needs for job in self.jobs})
        if cycle:
            raise ValueError(f"needs form a cycle: {self._path(cycle)}")
        return self

    def by_id(self) -> dict[int, Job]:
        return {job.id: job for job in self.jobs}

    def _path(self, ids: list[int]) -> str:
        keys = {job.id: job.key for job in self.jobs}
        return " -> ".join(keys[job_id] for job_id in ids)


class Pool(BaseModel):
    name: str
    labels: list[str]
    runners: int = Field(ge=0, le=limits.MAX_RUNNERS)
    monthly_usd_per_runner: float = Field(default=0, ge=0, le=limits.MAX_USD_PER_RUNNER_MONTH)
    baseline_utilization: float = Field(default=0, ge=0, le=1)
    # The simulation's background job length; None: the mean of this pool's measured jobs.
    mean_background_job_s: float | None = Field(default=None, gt=0, le=limits.MAX_TYPED_DURATION_S)


class Edge(BaseModel):
    """`job` needs `need`."""

    job: int
    need: int


class DurationOverride(BaseModel):
    """Exactly one of: an absolute duration, a % change, or a change in seconds."""

    job: int
    seconds: float | None = Field(default=None, ge=0, le=limits.MAX_TYPED_DURATION_S)
    percent_change: float | None = Field(default=None, ge=-100, le=limits.MAX_PERCENT_CHANGE)
    delta_s: float | None = Field(
        default=None, ge=-limits.MAX_TYPED_DURATION_S, le=limits.MAX_TYPED_DURATION_S
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [v for v in (self.seconds, self.percent_change, self.delta_s) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of seconds, percent_change, delta_s")
        return self


class Estimate(BaseModel):
    """The user's duration for a job that has no measurement."""

    job: int
    seconds: float = Field(ge=0, le=limits.MAX_TYPED_DURATION_S)


class CachePair(BaseModel):
    """A test image build and the production build that might reuse its layers."""

    test: int
    prod: int


class AppliedPreset(BaseModel):
    name: str
    params: dict[str, float | int | str | list[int]] = Field(default_factory=dict)


MeasuredKind = Literal["utilization", "background_job_s", "pipelines_per_hour"]


class MeasuredInput(BaseModel):
    """A load input the scenario took from measured runs, not from a person: what it is, its
    value, and where it came from ("measured over 14 days (...) from 3,412 jobs"). Kept with
    the scenario so a report says which figures were measured and which typed."""

    kind: MeasuredKind
    pool: str | None = None
    value: float
    source: str = Field(max_length=300)

    @staticmethod
    def key_of(kind: MeasuredKind, pool: str | None) -> str:
        return f"{kind}:{pool}" if pool is not None else kind

    @property
    def key(self) -> str:
        return self.key_of(self.kind, self.pool)

    def is_value_of(self, used: float | None) -> bool:
        """Whether `used` is still this measured value (an edit makes it typed); a tolerance,
        as a value round-trips through the form's text."""
        return used is not None and abs(used - self.value) <= 1e-6 * max(1.0, self.value)


class Scenario(BaseModel):
    statistic: Statistic = "latest"
    # The event the pipeline runs for (DESIGN.md semantics 16); None: every job runs.
    trigger: Trigger | None = None
    # Durations also from failed, cancelled and timed-out runs (DESIGN.md semantics 12).
    include_failed_runs: bool = False
    remove_needs: list[Edge] = Field(default_factory=list)
    add_needs: list[Edge] = Field(default_factory=list)
    overrides: list[DurationOverride] = Field(default_factory=list)  # proposed graph only
    estimates: list[Estimate] = Field(default_factory=list)  # both graphs: they are facts
    runners: dict[str, int] = Field(default_factory=dict)  # both graphs: the inventory what-if
    # Per-pool what-ifs on the inventory's baseline load and price, both graphs.
    utilization: dict[str, float] = Field(default_factory=dict)
    usd_per_runner: dict[str, float] = Field(default_factory=dict)
    # Per pool, the simulation's background job length (s), instead of the inventory's.
    background_job_s: dict[str, float] = Field(default_factory=dict)
    # The load inputs above that were measured and left as measured (the rest were typed).
    measured: list[MeasuredInput] = Field(default_factory=list)
    milestone: list[int] = Field(default_factory=list)
    pipelines_per_hour: float | None = Field(default=None, gt=0, le=limits.MAX_PIPELINES_PER_HOUR)
    pipelines_at_once: int | None = Field(default=None, ge=1, le=limits.MAX_PIPELINES_AT_ONCE)
    pipelines_per_month: float | None = Field(default=None, ge=0, le=limits.MAX_PIPELINES_PER_MONTH)
    people_waiting_per_pipeline: float = Field(default=1, ge=0, le=limits.MAX_PEOPLE_WAITING)
    loaded_usd_per_hour: float | None = Field(default=None, ge=0, le=limits.MAX_USD_PER_HOUR)
    target_queue_wait_s: float = Field(default=60, ge=0, le=limits.MAX_TYPED_DURATION_S)
    # Pipelines arriving this many percent more each month (growth.py); None: not projected.
    growth_pct_per_month: float | None = Field(
        default=None, ge=0, le=limits.MAX_GROWTH_PCT_PER_MONTH
    )
    # The options a budget holder weighs (options.py, docs/plan.md rule 11).
    # The GitHub-hosted size (a price book size) the pools' jobs could move or overflow to.
    hosted_size: str = Field(default="linux-2-core", min_length=1, max_length=100)
    # How much faster a job runs there: 2 = half as long.
    hosted_speed: float = Field(default=1.0, ge=limits.MIN_SPEED_FACTOR, le=limits.MAX_SPEED_FACTOR)
    # Overflow: a job goes to hosted when its wait would pass this; None: the target wait.
    overflow_after_s: float | None = Field(default=None, ge=0, le=limits.MAX_TYPED_DURATION_S)
    # The day whose price book rates apply; None: the rates in force now (no end date).
    price_date: date | None = Field(
        default=None, ge=limits.EARLIEST_PRICE_DATE, le=limits.LATEST_PRICE_DATE
    )
    # Bigger self-hosted runners: how much faster, and their $/runner-month (None: twice each
    # pool's price).
    bigger_speed: float = Field(default=1.5, ge=limits.MIN_SPEED_FACTOR, le=limits.MAX_SPEED_FACTOR)
    bigger_usd_per_runner_month: float | None = Field(
        default=None, ge=0, le=limits.MAX_USD_PER_RUNNER_MONTH
    )
    # GitHub's postponed per-minute charge on self-hosted minutes, counted when True.
    platform_charge: bool = False
    simulated_pipelines: int = Field(default=400, ge=10, le=limits.MAX_SIMULATED_PIPELINES)
    cache_pairs: list[CachePair] = Field(default_factory=list)
    presets: list[AppliedPreset] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fits_the_workflow(self, info: ValidationInfo) -> Self:
        if any(not 0 <= count <= limits.MAX_RUNNERS for count in self.runners.values()):
            raise ValueError(f"runners per pool must be between 0 and {limits.MAX_RUNNERS:,}")
        if any(not 0 <= share <= 1 for share in self.utilization.values()):
            raise ValueError("baseline utilization per pool must be between 0 and 1")
        if any(
            not 0 <= price <= limits.MAX_USD_PER_RUNNER_MONTH
            for price in self.usd_per_runner.values()
        ):
            raise ValueError(
                f"$/month per runner must be between 0 and {limits.MAX_USD_PER_RUNNER_MONTH:,.0f}"
            )
        if any(
            not 0 < seconds <= limits.MAX_TYPED_DURATION_S
            for seconds in self.background_job_s.values()
        ):
            raise ValueError(
                "background job length per pool must be more than 0 s and at most "
                f"{limits.MAX_TYPED_DURATION_S / 3600:.0f} h"
            )
        if self.pipelines_per_hour is not None and self.pipelines_at_once is not None:
            raise ValueError("give pipelines per hour or pipelines at once, not both")
        workflow = (info.context or {}).get("workflow") if info.context else None
        if isinstance(workflow, Workflow):
            check_scenario_against(self, workflow)
        pools = (info.context or {}).get("pools") if info.context else None
        if pools is not None:
            known = {pool.name for pool in pools}
            named = (
                set(self.runners)
                | set(self.utilization)
                | set(self.usd_per_runner)
                | set(self.background_job_s)
            )
            unknown = sorted(named - known)
            if unknown:
                raise ValueError(f"the scenario names unknown pools: {', '.join(unknown)}")
        return self

    def concurrent_pipelines_given(self) -> bool:
        return self.pipelines_per_hour is not None or self.pipelines_at_once is not None


def check_scenario_against(scenario: Scenario, workflow: Workflow) -> None:
    """Raise ValueError naming the jobs when an edit refers to a missing job or makes a cycle."""
    keys = {job.id: job.key for job in workflow.jobs}

    def name(job_id: int) -> str:
        return keys.get(job_id, f"#{job_id}")

    problems: list[str] = []
    for label, edges in (("remove", scenario.remove_needs), ("add", scenario.add_needs)):
        for edge in edges:
            missing = [job_id for job_id in (edge.job, edge.need) if job_id not in keys]
            if missing:
                problems.append(
                    f"{label} needs {name(edge.job)} -> {name(edge.need)}: no job {missing}"
                )
            elif edge.job == edge.need:
                problems.append(f"{name(edge.job)} cannot need itself")
    current = {job.id: set(job.needs) for job in workflow.jobs}
    for edge in scenario.remove_needs:
        if edge.job in keys and edge.need not in current[edge.job]:
            problems.append(f"{name(edge.job)} does not need {name(edge.need)}: nothing to remove")
    referenced = [
        *((o.job, "override") for o in scenario.overrides),
        *((e.job, "estimate") for e in scenario.estimates),
        *((j, "milestone") for j in scenario.milestone),
        *((p.test, "cache pair") for p in scenario.cache_pairs),
        *((p.prod, "cache pair") for p in scenario.cache_pairs),
    ]
    problems += [
        f"{what} names unknown job #{job_id}" for job_id, what in referenced if job_id not in keys
    ]
    if problems:
        raise ValueError("; ".join(problems))
    cycle = find_cycle(edited_needs(workflow, scenario))
    if cycle:
        raise ValueError(f"the edited needs form a cycle: {' -> '.join(name(j) for j in cycle)}")


def edited_needs(workflow: Workflow, scenario: Scenario) -> dict[int, list[int]]:
    """The proposed graph's needs per job id, in a stable order (current needs, then added)."""
    removed = {(edge.job, edge.need) for edge in scenario.remove_needs}
    needs = {
        job.id: [need for need in job.needs if (job.id, need) not in removed]
        for job in workflow.jobs
    }
    for edge in scenario.add_needs:
        if edge.job in needs and edge.need not in needs[edge.job]:
            needs[edge.job].append(edge.need)
    return needs


def current_needs(workflow: Workflow) -> dict[int, list[int]]:
    return {job.id: list(job.needs) for job in workflow.jobs}


class JobRecordLike(Protocol):
    """The importers' JobRecord, or anything shaped like it."""

    key: str
    name: str
    runs_on: list[str]
    needs: list[str]
    kind: JobKind
    order: int
    runs_when: dict[Trigger, RunsWhen]


class PoolRecordLike(Protocol):
    name: str
    labels: list[str]
    runners: int
    monthly_cost_usd_per_runner: float
    baseline_utilization: float


def build_workflow(
    name: str,
    records: Iterable[JobRecordLike],
    samples_by_key: Mapping[str, list[Sample]] | None = None,
    triggers: Iterable[str] = (),
    trigger_notes: Mapping[Trigger, str] | None = None,
) -> Workflow:
    """A workflow from importer records; ids are declaration-order indexes."""
    ordered = sorted(records, key=lambda record: record.order)
    id_of = {record.key: index for index, record in enumerate(ordered)}
    samples_by_key = samples_by_key or {}
    jobs = [
        Job(
            id=id_of[record.key],
            key=record.key,
            name=record.name or record.key,
            runs_on=list(record.runs_on),
            needs=[id_of[need] for need in record.needs],
            kind=record.kind,
            samples=list(samples_by_key.get(record.key, [])),
            runs_when=dict(record.runs_when),
        )
        for record in ordered
    ]
    return Workflow(
        name=name, jobs=jobs, triggers=list(triggers), trigger_notes=dict(trigger_notes or {})
    )


def build_pools(records: Iterable[PoolRecordLike]) -> list[Pool]:
    return [
        Pool(
            name=record.name,
            labels=list(record.labels),
            runners=record.runners,
            monthly_usd_per_runner=record.monthly_cost_usd_per_runner,
            baseline_utilization=record.baseline_utilization,
        )
        for record in records
    ]
