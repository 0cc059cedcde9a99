"""What the importers produce: plain pydantic records, before anything touches the database.

Parsers turn bytes into these records (or raise `ImportRefused`); one transaction in
`decider/importers/store.py` writes them. Nothing here imports Django.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from decider.engine import limits
from decider.engine.inputs import RunsWhen
from decider.engine.vocabulary import Conclusion, JobKind, Trigger

# Why a job's data is not fully known statically; shown to the user next to the job.
JobFlag = Literal[
    "runs_on_expression",  # runs-on holds an expression we could not resolve (labels kept verbatim)
    "dynamic_matrix",  # strategy.matrix comes from fromJSON(...) or similar: kept as one instance
    "matrix_expression",  # a matrix value only the run can evaluate, shown as its expression
    "reusable_unexpanded",  # job-level `uses:` whose callee was not imported alongside
    "name_expression",  # the display name holds an expression we could not resolve
    "timeout_expression",  # timeout-minutes holds an expression we could not resolve
]

# `continue-on-error`: absent or false, true, or an expression only the run decides.
ContinueOnError = Literal["no", "yes", "expression"]


class JobRecord(BaseModel):
    """One job of a workflow as GitHub would schedule it (a matrix instance is one record)."""

    key: str  # unique in the workflow; the YAML id, or GitHub's display-style id for instances
    yaml_id: str  # the job id in the YAML that declared it (callee's id for expanded calls)
    name: str  # display name exactly as GitHub shows it in the UI and the REST API
    runs_on: list[str] = Field(default_factory=list)  # labels, verbatim when unresolved
    runs_on_group: str | None = None  # `runs-on: {group: ...}`
    needs: list[str] = Field(default_factory=list)  # keys of jobs in the same workflow
    matrix_values: dict[str, Any] = Field(default_factory=dict)
    flags: list[JobFlag] = Field(default_factory=list)
    kind: JobKind = "other"  # hint for the publish-gate safety rule
    caller_key: str | None = None  # the calling job's key when expanded from a reusable workflow
    line: int | None = None  # where the job is declared (1-based), for messages
    order: int = 0  # declaration order, used to break ties in the engine
    condition: str = ""  # the job's `if:` as written ("" when it has none)
    # Per trigger, whether `if:` (the calling job's too, for expanded calls) lets it run.
    runs_when: dict[Trigger, RunsWhen] = Field(default_factory=dict)
    # `timeout-minutes` as set; None: not set, GitHub's default of 360 applies.
    timeout_minutes: float | None = None
    continue_on_error: ContinueOnError = "no"


class WorkflowRecord(BaseModel):
    path: str  # e.g. .github/workflows/build.yml (or the uploaded file name)
    name: str  # the workflow's `name:`, or its path when it has none
    source: str  # the YAML text as given
    triggers: list[str] = Field(default_factory=list)  # event names from `on:`
    trigger_notes: dict[Trigger, str] = Field(default_factory=dict)  # what `on:` filters say
    jobs: list[JobRecord]
    warnings: list[str] = Field(default_factory=list)


class WorkflowRunRecord(BaseModel):
    github_run_id: int
    run_attempt: int | None = None
    created_at: datetime | None = None
    branch: str = ""
    event: str = ""
    workflow_name: str = ""
    workflow_path: str = ""


class JobRunRecord(BaseModel):
    """One measured execution of a job. Durations and queue waits are derived, not stored."""

    github_job_id: int | None = None
    github_run_id: int | None = None
    run_attempt: int | None = None
    job_name: str  # as the source names it: key, display name, or `caller / callee`
    created_at: datetime | None = None  # None: queue wait unknown (gh CLI output has none)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration_s: float | None = None  # given directly (CSV run_id, job, duration_s)
    conclusion: Conclusion | None = None  # None: the source gives none (counted as success)
    runner_name: str | None = None
    runner_group: str | None = None  # GitHub's runner_group_name: which pool served it
    runner_labels: list[str] = Field(default_factory=list)
    source_location: str = ""  # e.g. "runs.csv, row 4" or "page 2, jobs[3]", for messages

    @property
    def seconds(self) -> float:
        """The duration given, else completed - started (parsers refuse records with neither)."""
        if self.duration_s is not None:
            return self.duration_s
        if self.started_at is None or self.completed_at is None:
            raise ValueError(f"{self.source_location}: no duration and no start/end times")
        return (self.completed_at - self.started_at).total_seconds()


class RunImport(BaseModel):
    runs: list[WorkflowRunRecord] = Field(default_factory=list)
    jobs: list[JobRunRecord] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def batches(self, size: int = 5000) -> Iterator[list[JobRunRecord]]:
        """The jobs in slices, as the store writes them (see `RunUpload` for streamed data)."""
        for start in range(0, len(self.jobs), size):
            yield self.jobs[start : start + size]


class PoolRecord(BaseModel):
    name: str
    labels: list[str]
    runners: int = Field(ge=0, le=limits.MAX_RUNNERS)
    monthly_cost_usd_per_runner: float = Field(ge=0, le=limits.MAX_USD_PER_RUNNER_MONTH)
    baseline_utilization: float = Field(ge=0, le=1)
