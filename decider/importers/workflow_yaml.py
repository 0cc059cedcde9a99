"""GitHub Actions workflow YAML -> `WorkflowRecord`s, one per workflow, jobs as GitHub runs them.

Matrix jobs become one record per instance and reusable-workflow calls are expanded into the
callee's jobs when the callee is imported alongside, so the records match what the GitHub REST
API reports for a run: same job names, same count. Names follow GitHub:
- a job without `name` is shown as its id;
- a matrix instance gets ` (v1, v2, ...)` appended, the values of all its matrix keys in order
  (axes first, then keys added by `include`), empty values left out, unless its `name` holds an
  expression, which is then evaluated per instance and gets no suffix;
- a matrix value only the run can evaluate (`go: ["${{ needs.meta.outputs.go }}"]`) is shown
  as its expression text, in the suffix and wherever the name refers to it; the instance is
  flagged, and run imports match GitHub's evaluated names with that text as a wildcard;
- a called workflow's job is shown as `caller / callee` (nesting: `a / b / c`).
Keys are unique per workflow: the job id, the id plus the instance suffix for matrix instances,
and `caller_key / callee_key` for expanded calls.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from decider.engine.inputs import RunsWhen
from decider.engine.vocabulary import ConditionOutcome, JobKind, Trigger
from decider.importers.conditions import decide
from decider.importers.expressions import (
    UNKNOWN,
    ContextObject,
    Contexts,
    RunTimeValue,
    contains_expression,
    render,
    render_deep,
    to_string,
)
from decider.importers.job_kinds import job_kind
from decider.importers.matrix import MatrixError, expand_matrix, instance_suffix
from decider.importers.problems import ImportRefused, Problem
from decider.importers.records import ContinueOnError, JobFlag, JobRecord, WorkflowRecord
from decider.importers.reusable import find_callee, parse_call
from decider.importers.workflow_file import JobSpec, WorkflowFile, read_workflow_file

# GitHub allows ten levels of workflows (the caller plus nine nested calls).
MAX_CALL_DEPTH = 10
# Matrices of calls of matrices multiply; past this the plan is not something to simulate.
MAX_JOBS_PER_WORKFLOW = 2000

_NeedsRef = tuple[int, str]  # (expansion scope, job id in that scope's file)


def parse_workflow(
    name: str, content: str | bytes, repository: str | None = None
) -> WorkflowRecord:
    """One workflow file on its own (a reusable callee imported alone is returned too)."""
    return parse_workflow_files([(name, content)], repository=repository)[0]


def parse_workflow_files(
    files: Sequence[tuple[str, str | bytes]], repository: str | None = None
) -> list[WorkflowRecord]:
    """Every workflow in `files`, with calls between them expanded; `ImportRefused` otherwise.

    A file whose only trigger is `workflow_call` and that another file here calls is expanded
    into its callers and not returned on its own. `repository` (`owner/name`), when known,
    decides `if:` conditions such as `github.repository == 'owner/name'`.
    """
    if not files:
        raise ImportRefused(
            [Problem(message="No workflow file was given.", hint="Choose a workflow YAML file.")]
        )
    problems: list[Problem] = []
    workflows: dict[str, WorkflowFile] = {}
    for name, content in files:
        if name in workflows:
            problems.append(
                Problem(
                    message="The same file name was given twice.",
                    hint="Import each workflow file once.",
                    source=name,
                )
            )
            continue
        try:
            workflows[name] = read_workflow_file(name, content)
        except ImportRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise ImportRefused(problems)
    calls = _resolve_calls(workflows)
    called = {callee for (caller, _), callee in calls.items() if callee and callee != caller}
    records: list[WorkflowRecord] = []
    for path, workflow in workflows.items():
        if workflow.only_callable and path in called:
            continue
        try:
            records.append(_Expansion(workflows, calls, repository).run(workflow))
        except ImportRefused as refused:
            problems.extend(refused.problems)
    problems.extend(_too_long(records))
    if problems:
        raise ImportRefused(problems)
    return records


# Job keys and names are stored in columns of this many characters (`decider.models.Job`).
MAX_JOB_NAME_CHARS = 300


def _too_long(records: list[WorkflowRecord]) -> list[Problem]:
    """Names a database column cannot hold, refused here with their place rather than as a
    database error at the end (a matrix instance's name grows with every value, expressions
    kept verbatim included)."""
    return [
        Problem(
            message=(
                f"The job {what} is {len(text):,} characters long; decider keeps at most "
                f"{MAX_JOB_NAME_CHARS}."
            ),
            hint="Give the job a shorter `name:`, or shorter matrix values.",
            source=record.path,
            line=job.line,
            field=f"jobs.{job.yaml_id}.name",
        )
        for record in records
        for job in record.jobs
        for what, text in (("key", job.key), ("name", job.name))
        if len(text) > MAX_JOB_NAME_CHARS
    ]


def _resolve_calls(workflows: dict[str, WorkflowFile]) -> dict[tuple[str, str], str | None]:
    """The imported file each job-level `uses:` calls, or None when it is not here."""
    names = list(workflows)
    calls: dict[tuple[str, str], str | None] = {}
    for path, workflow in workflows.items():
        for job in workflow.jobs:
            if job.uses is None:
                continue
            target = parse_call(job.uses)
            callee, alternatives = find_callee(target, path, names) if target else (None, [])
            calls[(path, job.job_id)] = callee
            if alternatives:
                workflow.warnings.append(
                    f"Job '{job.job_id}' calls {job.uses}; several imported files match, "
                    f"{callee} was used (also matching: {', '.join(alternatives)})."
                )
    return calls


@dataclass(frozen=True)
class _CallSite:
    """The calling job instance, as seen by the jobs of the workflow it calls."""

    key: str
    name: str
    flags: tuple[JobFlag, ...]
    caller_words: tuple[str, ...]  # ids and names of the calling jobs, outermost first
    needs: tuple[_NeedsRef, ...]  # what the calling job waits for: the callee's first jobs wait too
    stack: tuple[str, ...]  # the files being expanded, outermost first, to catch call cycles
    runs_when: dict[Trigger, RunsWhen]  # the calling job's `if:`, which every callee job obeys


@dataclass
class _Instance:
    key: str
    name: str
    matrix_values: dict[str, Any]
    flags: list[JobFlag]
    contexts: Contexts


@dataclass
class _PendingJob:
    record: JobRecord
    needs: list[_NeedsRef]


@dataclass
class _Expansion:
    """Expands one top-level workflow; needs are resolved once every job has its keys."""

    workflows: dict[str, WorkflowFile]
    calls: dict[tuple[str, str], str | None]
    repository: str | None = None
    default_branch: str = "main"  # the top-level workflow's, for every file it calls
    pending: list[_PendingJob] = field(default_factory=list)
    keys_by_scope: list[dict[str, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def run(self, workflow: WorkflowFile) -> WorkflowRecord:
        self.default_branch = workflow.default_branch
        if workflow.only_callable:
            self._warn(
                "This workflow only runs when another workflow calls it and was imported on its "
                "own: inputs take their declared defaults, the others stay unresolved."
            )
        self._expand(workflow, _standalone_inputs(workflow), None)
        jobs: list[JobRecord] = []
        for pending in self.pending:
            needs: list[str] = []
            for scope, job_id in pending.needs:
                needs.extend(self.keys_by_scope[scope][job_id])
            pending.record.needs = list(dict.fromkeys(needs))
            jobs.append(pending.record)
        return WorkflowRecord(
            path=workflow.path,
            name=workflow.name,
            source=workflow.source,
            triggers=workflow.triggers,
            trigger_notes=workflow.trigger_notes,
            jobs=jobs,
            warnings=list(dict.fromkeys(workflow.warnings + self.warnings)),
        )

    def _expand(
        self, workflow: WorkflowFile, inputs: ContextObject, site: _CallSite | None
    ) -> list[str]:
        scope = len(self.keys_by_scope)
        self.keys_by_scope.append({})
        produced_here: list[str] = []
        for job in workflow.jobs:
            own_needs = [(scope, needed) for needed in job.needs]
            needs = own_needs if own_needs or site is None else list(site.needs)
            produced = self.keys_by_scope[scope].setdefault(job.job_id, [])
            for instance in self._instances(workflow, job, inputs):
                key = f"{site.key} / {instance.key}" if site else instance.key
                name = f"{site.name} / {instance.name}" if site else instance.name
                flags = _merge_flags(site.flags if site else (), instance.flags)
                callee = self.calls.get((workflow.path, job.job_id)) if job.uses else None
                if callee:
                    stack = site.stack if site else (workflow.path,)
                    callee_site = _CallSite(
                        key,
                        name,
                        tuple(flags),
                        (*_callers(site), _own_words(job)),
                        tuple(needs),
                        stack,
                        _runs_when(
                            job,
                            _Condition(
                                inputs if site else None, self.repository, self.default_branch
                            ),
                            site,
                            inherits_needs=True,
                        ),
                    )
                    produced.extend(self._call(workflow, job, callee, instance, callee_site))
                    continue
                if job.uses is not None:
                    flags = _merge_flags(flags, ["reusable_unexpanded"])
                    self._warn(
                        f"Job '{key}' calls {job.uses}, which was not imported alongside; it is "
                        "kept as one job with unknown runners. Import the called file with it "
                        "to see its jobs."
                    )
                labels, group, runs_on_resolved = _runs_on(job.runs_on, instance.contexts)
                if not runs_on_resolved:
                    flags = _merge_flags(flags, ["runs_on_expression"])
                timeout = _timeout_minutes(job.timeout_minutes, instance.contexts)
                if timeout == "expression":
                    flags = _merge_flags(flags, ["timeout_expression"])
                record = JobRecord(
                    key=key,
                    yaml_id=job.job_id,
                    name=name,
                    runs_on=labels,
                    runs_on_group=group,
                    matrix_values=instance.matrix_values,
                    flags=flags,
                    kind=_kind(site, job),
                    caller_key=site.key if site else None,
                    line=job.line,
                    order=len(self.pending),
                    condition=_condition_text(job.condition),
                    runs_when=_runs_when(
                        job,
                        _Condition(inputs if site else None, self.repository, self.default_branch),
                        site,
                        inherits_needs=not own_needs,
                    ),
                    timeout_minutes=None if timeout == "expression" else timeout,
                    continue_on_error=_continue_on_error(job.continue_on_error, instance.contexts),
                )
                self.pending.append(_PendingJob(record, needs))
                produced.append(key)
                if len(self.pending) > MAX_JOBS_PER_WORKFLOW:
                    raise _refuse_at(
                        workflow,
                        job,
                        f"The workflow expands to more than {MAX_JOBS_PER_WORKFLOW} jobs.",
                        "Import a smaller workflow; matrices of reusable calls multiply.",
                        field_name="strategy",
                    )
            produced_here.extend(produced)
        return produced_here

    def _call(
        self,
        workflow: WorkflowFile,
        job: JobSpec,
        callee_path: str,
        instance: _Instance,
        site: _CallSite,
    ) -> list[str]:
        if callee_path in site.stack:
            cycle = " -> ".join([*site.stack[site.stack.index(callee_path) :], callee_path])
            raise _refuse_at(
                workflow,
                job,
                f"Reusable workflows call each other in a cycle: {cycle}.",
                "GitHub refuses recursive calls; remove one of these `uses:`.",
            )
        if len(site.stack) >= MAX_CALL_DEPTH:
            raise _refuse_at(
                workflow,
                job,
                f"Reusable workflows nest deeper than {MAX_CALL_DEPTH} levels: "
                f"{' -> '.join([*site.stack, callee_path])}.",
                "GitHub allows at most 10 levels of workflows.",
            )
        callee = self.workflows[callee_path]
        for warning in callee.warnings:
            self._warn(f"{callee.path}: {warning}")
        inputs = _call_inputs(callee, job, instance.contexts)
        nested = _CallSite(
            site.key,
            site.name,
            site.flags,
            site.caller_words,
            site.needs,
            (*site.stack, callee_path),
            site.runs_when,
        )
        return self._expand(callee, inputs, nested)

    def _instances(
        self, workflow: WorkflowFile, job: JobSpec, inputs: ContextObject
    ) -> list[_Instance]:
        if job.matrix is None:
            contexts = Contexts({"inputs": inputs, "matrix": ContextObject({})})
            name, flags = _display_name(job, contexts, suffix="")
            return [_Instance(job.job_id, name, {}, flags, contexts)]
        try:
            expansion = expand_matrix(job.matrix, Contexts({"inputs": inputs}))
        except MatrixError as error:
            path = ("jobs", job.job_id, "strategy", "matrix", *error.path)
            raise ImportRefused(
                [
                    Problem(
                        message=f"Job '{job.job_id}': {error.message}",
                        hint=error.hint,
                        source=workflow.path,
                        line=workflow.loaded.value_line(path) or job.line,
                        column=workflow.loaded.value_column(path),
                        field=f"jobs.{job.job_id}.strategy.matrix",
                    )
                ]
            ) from None
        if expansion.dynamic:
            self._warn(
                f"Job '{job.job_id}' in {workflow.path} has a matrix known only at run time; it "
                "is kept as one job."
            )
            contexts = Contexts({"inputs": inputs, "matrix": UNKNOWN})
            name, flags = _display_name(job, contexts, suffix="")
            return [_Instance(job.job_id, name, {}, ["dynamic_matrix", *flags], contexts)]
        if expansion.run_time_values:
            self._warn(
                f"Job '{job.job_id}' in {workflow.path} has matrix values known only at run "
                "time; every combination is kept, named with the expression's text where "
                "GitHub shows its value."
            )
        instances: list[_Instance] = []
        seen_keys: set[str] = set()
        for combination in expansion.combinations:
            matrix = ContextObject(_run_time_values(combination))
            contexts = Contexts({"inputs": inputs, "matrix": matrix})
            suffix = instance_suffix(combination)
            name, flags = _display_name(job, contexts, suffix)
            if expansion.run_time_values and _holds_expression(combination):
                flags = _merge_flags(["matrix_expression"], flags)
            key = _unique(job.job_id + suffix, seen_keys)
            instances.append(_Instance(key, name, combination, flags, contexts))
        return instances

    def _warn(self, message: str) -> None:
        self.warnings.append(message)


_TRIGGERS: tuple[Trigger, ...] = get_args(Trigger)


@dataclass(frozen=True)
class _Condition:
    """What an `if:` may use beyond the trigger: a called workflow's inputs, the repository."""

    inputs: ContextObject | None
    repository: str | None
    default_branch: str


def _runs_when(
    job: JobSpec,
    known: _Condition,
    site: _CallSite | None,
    *,
    inherits_needs: bool,
) -> dict[Trigger, RunsWhen]:
    """Per trigger, whether the job's `if:` and its calling job's let it run.

    A called job that needs nothing in its own file waits for what the calling job needs, so
    a skipped need skips both; a later called job only obeys the calling job's trigger test.
    """
    if job.condition is None and site is None:
        return {}
    runs_when: dict[Trigger, RunsWhen] = {}
    for trigger in _TRIGGERS:
        own = RunsWhen(
            needs_ran=decide(
                job.condition,
                trigger,
                inputs=known.inputs,
                repository=known.repository,
                default_branch=known.default_branch,
            ),
            a_need_skipped=decide(
                job.condition,
                trigger,
                inputs=known.inputs,
                repository=known.repository,
                default_branch=known.default_branch,
                a_need_skipped=True,
            ),
        )
        caller = site.runs_when.get(trigger, RunsWhen()) if site else RunsWhen()
        caller_when_skipped = caller.a_need_skipped if inherits_needs else caller.needs_ran
        runs_when[trigger] = RunsWhen(
            needs_ran=_both(caller.needs_ran, own.needs_ran),
            a_need_skipped=_both(caller_when_skipped, own.a_need_skipped),
        )
    return {trigger: when for trigger, when in runs_when.items() if when != RunsWhen()}


def _both(first: ConditionOutcome, second: ConditionOutcome) -> ConditionOutcome:
    if "skips" in (first, second):
        return "skips"
    return "undecidable" if "undecidable" in (first, second) else "runs"


def _condition_text(condition: str | bool | int | float | None) -> str:
    if condition is None:
        return ""
    return to_string(condition)


def _timeout_minutes(value: Any, contexts: Contexts) -> float | str | None:
    """The job's timeout in minutes, None when not set, "expression" when only the run knows."""
    if value is None:
        return None
    rendered = render(value, contexts) if isinstance(value, str) else None
    if rendered is not None:
        if not rendered.resolved:
            return "expression"
        value = rendered.value
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return "expression"
    return minutes if 0 < minutes < float("inf") else "expression"


def _continue_on_error(value: Any, contexts: Contexts) -> ContinueOnError:
    if value is None:
        return "no"
    rendered = render(value, contexts) if isinstance(value, str) else None
    if rendered is not None and not rendered.resolved:
        return "expression"
    decided = rendered.value if rendered is not None else value
    if isinstance(decided, str):
        decided = decided.strip().lower() == "true"
    return "yes" if decided is True else "no"


def _own_words(job: JobSpec) -> str:
    # Ids and names as written: matrix values (file names, image names) would only add noise.
    return f"{job.job_id} {job.name or ''}"


def _callers(site: _CallSite | None) -> tuple[str, ...]:
    return site.caller_words if site else ()


def _kind(site: _CallSite | None, job: JobSpec) -> JobKind:
    """The job's own words decide; a called job that says nothing (`run`) takes its calling
    job's kind, so `publish / run` is still a gate."""
    for words in (_own_words(job), *_callers(site)[-1:]):
        kind = job_kind(words)
        if kind != "other":
            return kind
    return "other"


def _display_name(job: JobSpec, contexts: Contexts, suffix: str) -> tuple[str, list[JobFlag]]:
    if job.name is None:
        name = job.job_id + suffix
    elif not contains_expression(job.name):
        name = job.name + suffix
    else:
        # Unresolved parts stay as written (or as the run-time value's expression text).
        rendered = render(job.name, contexts)
        name = rendered.value if isinstance(rendered.value, str) else to_string(rendered.value)
        if not rendered.resolved:
            return name, ["name_expression"]
    return name, ["name_expression"] if contains_expression(name) else []


def _run_time_values(value: Any) -> Any:
    """Matrix values that are still expressions become `RunTimeValue`s, so an expression that
    uses them is unresolved instead of comparing or concatenating their text."""
    if isinstance(value, str) and contains_expression(value):
        return RunTimeValue(value)
    if isinstance(value, list):
        return [_run_time_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _run_time_values(item) for key, item in value.items()}
    return value


def _holds_expression(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_expression(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_expression(item) for item in value.values())
    return contains_expression(value)


def _runs_on(value: Any, contexts: Contexts) -> tuple[list[str], str | None, bool]:
    """Runner labels, runner group, and whether every expression in them was resolved."""
    if value is None:
        return [], None, True
    rendered = render_deep(value, contexts)
    if isinstance(rendered.value, dict):
        group_value = rendered.value.get("group")
        group = to_string(group_value) if group_value is not None else None
        labels = _labels(rendered.value.get("labels"))
        return labels, group, rendered.resolved
    return _labels(rendered.value), None, rendered.resolved


def _labels(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [to_string(item) for item in value if item is not None]
    return [to_string(value)]


def _standalone_inputs(workflow: WorkflowFile) -> ContextObject:
    """Inputs of a workflow run on its own: declared defaults; anything else is unknown."""
    values: dict[str, Any] = {}
    for name, declaration in workflow.inputs.items():
        values[name] = _default_value(declaration.default) if declaration.has_default else UNKNOWN
    return ContextObject(values, missing=UNKNOWN)


def _call_inputs(callee: WorkflowFile, job: JobSpec, contexts: Contexts) -> ContextObject:
    """Inputs of a called workflow: the caller's `with:` (evaluated for the calling instance),
    then declared defaults, then the empty value of the declared type, as GitHub does."""
    values: dict[str, Any] = {}
    for name, declaration in callee.inputs.items():
        if declaration.has_default:
            values[name] = _default_value(declaration.default)
        else:
            values[name] = {"boolean": False, "number": 0}.get(declaration.type or "", "")
    for name, raw in job.with_inputs.items():
        rendered = render_deep(raw, contexts)
        declared = callee.inputs.get(str(name))
        value = rendered.value if rendered.resolved else UNKNOWN
        if declared and declared.type == "string" and value is not UNKNOWN:
            value = to_string(value)
        values[str(name)] = value
    return ContextObject(values)


def _default_value(default: Any) -> Any:
    rendered = render_deep(default, Contexts())
    return rendered.value if rendered.resolved else UNKNOWN


def _merge_flags(*groups: Any) -> list[JobFlag]:
    return list(dict.fromkeys(flag for group in groups for flag in group))


def _unique(key: str, seen: set[str]) -> str:
    # Two instances can render alike (e.g. values that differ only by type); keep keys unique.
    candidate, number = key, 2
    while candidate in seen:
        candidate, number = f"{key} #{number}", number + 1
    seen.add(candidate)
    return candidate


def _refuse_at(
    workflow: WorkflowFile, job: JobSpec, message: str, hint: str, field_name: str = "uses"
) -> ImportRefused:
    return ImportRefused(
        [
            Problem(
                message=message,
                hint=hint,
                source=workflow.path,
                line=job.line,
                column=workflow.loaded.column_of(("jobs", job.job_id)),
                field=f"jobs.{job.job_id}.{field_name}",
            )
        ]
    )
