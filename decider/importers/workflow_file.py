"""Read one workflow file into checked job specs, refusing what GitHub would refuse.

Everything that does not depend on other files is checked here: the YAML itself, the `jobs`
mapping, job ids, field types, `needs` naming existing jobs, and `needs` cycles. Matrices and
reusable calls are expanded later, in `workflow_yaml`, because they depend on inputs and on the
other files of the import.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from decider.engine.graph import find_cycle
from decider.engine.vocabulary import Trigger
from decider.importers.problems import ImportRefused, Problem
from decider.importers.trigger_filters import default_branch, trigger_notes
from decider.importers.yaml_safety import LoadedYaml, load_workflow_yaml

# GitHub's rule for job ids.
_JOB_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass
class InputDeclaration:
    type: str | None
    default: Any
    has_default: bool


@dataclass
class JobSpec:
    job_id: str
    line: int | None
    name: str | None  # `name:` verbatim (a string), None when absent
    needs: list[str]
    runs_on: Any  # verbatim: string, list, or {group, labels} mapping; None when absent
    matrix: Any  # `strategy.matrix` verbatim, None when the job has no matrix
    uses: str | None  # job-level `uses:` (a reusable workflow call)
    with_inputs: dict[str, Any]
    condition: str | bool | int | float | None = None  # `if:` verbatim, None when absent
    timeout_minutes: Any = None  # a number, or an expression string; None when absent
    continue_on_error: Any = None  # a boolean, or an expression string; None when absent


@dataclass
class WorkflowFile:
    path: str
    source: str
    loaded: LoadedYaml
    name: str
    triggers: list[str]
    inputs: dict[str, InputDeclaration]
    jobs: list[JobSpec]
    warnings: list[str] = field(default_factory=list)
    trigger_notes: dict[Trigger, str] = field(default_factory=dict)  # what `on:` filters say
    default_branch: str = "main"  # what its `if:` conditions are decided for

    @property
    def only_callable(self) -> bool:
        """True when the file can only run when another workflow calls it."""
        return self.triggers == ["workflow_call"]

    def problem(
        self, message: str, hint: str, path: tuple[Any, ...] = (), field_name: str | None = None
    ) -> Problem:
        return Problem(
            message=message,
            hint=hint,
            source=self.path,
            line=self.loaded.value_line(path) if path else None,
            column=self.loaded.value_column(path) if path else None,
            field=field_name,
        )


def read_workflow_file(path: str, content: str | bytes) -> WorkflowFile:
    loaded = load_workflow_yaml(path, content)
    source = loaded.text
    data = loaded.data
    if not isinstance(data, dict):
        raise _refuse(
            path,
            "The file is not a workflow: its top level is not a mapping.",
            "A workflow starts with keys such as `name:`, `on:` and `jobs:`.",
            line=1,
        )
    workflow = WorkflowFile(
        path=path,
        source=source,
        loaded=loaded,
        name=_workflow_name(data, path),
        triggers=_triggers(data),
        inputs=_input_declarations(data),
        jobs=[],
        trigger_notes=trigger_notes(_trigger_section(data)),
        default_branch=default_branch(_trigger_section(data)),
    )
    if not workflow.triggers:
        workflow.warnings.append("The workflow has no `on:` triggers; GitHub would never run it.")
    jobs = data.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        raise ImportRefused(
            [
                Problem(
                    message="The file has no `jobs` mapping, so there is nothing to plan.",
                    hint="Import a workflow file (from .github/workflows/) with at least one job.",
                    source=path,
                    line=loaded.line_of(("jobs",)),
                    column=loaded.column_of(("jobs",)),
                    field="jobs",
                )
            ]
        )
    problems: list[Problem] = []
    for job_id, job in jobs.items():
        spec = _read_job(workflow, job_id, job, problems)
        if spec:
            workflow.jobs.append(spec)
    if not problems:
        problems.extend(_unknown_needs(workflow))
    if not problems:
        problems.extend(_needs_cycles(workflow))
    if problems:
        raise ImportRefused(problems)
    return workflow


def _workflow_name(data: dict[Any, Any], path: str) -> str:
    name = data.get("name")
    if isinstance(name, str | int | float) and not isinstance(name, bool) and str(name).strip():
        return str(name)
    return path


def _trigger_section(data: dict[Any, Any]) -> Any:
    # YAML 1.1 loaders read a bare `on` key as boolean true; accept both spellings.
    return data["on"] if "on" in data else data.get(True)


def _triggers(data: dict[Any, Any]) -> list[str]:
    section = _trigger_section(data)
    if isinstance(section, str):
        return [section]
    if isinstance(section, list):
        return [str(event) for event in section if isinstance(event, str)]
    if isinstance(section, dict):
        return [str(event) for event in section]
    return []


def _input_declarations(data: dict[Any, Any]) -> dict[str, InputDeclaration]:
    section = _trigger_section(data)
    declarations: dict[str, InputDeclaration] = {}
    if not isinstance(section, dict):
        return declarations
    # workflow_call first: when both declare an input, the caller's declaration is the one
    # that applies to an expanded call.
    for event in ("workflow_dispatch", "workflow_call"):
        trigger = section.get(event)
        inputs = trigger.get("inputs") if isinstance(trigger, dict) else None
        if not isinstance(inputs, dict):
            continue
        for name, declaration in inputs.items():
            declaration = declaration if isinstance(declaration, dict) else {}
            declared_type = declaration.get("type")
            declarations[str(name)] = InputDeclaration(
                type=declared_type if isinstance(declared_type, str) else None,
                default=declaration.get("default"),
                has_default="default" in declaration,
            )
    return declarations


def _read_job(
    workflow: WorkflowFile, job_id: Any, job: Any, problems: list[Problem]
) -> JobSpec | None:
    path = ("jobs", str(job_id))
    line = workflow.loaded.line_of(path)
    column = workflow.loaded.column_of(path)
    if not isinstance(job_id, str) or not _JOB_ID.match(job_id):
        problems.append(
            Problem(
                message=f"Job id '{job_id}' is not valid: GitHub job ids start with a letter or "
                "'_' and contain only letters, digits, '-' and '_'.",
                hint="Rename the job.",
                source=workflow.path,
                line=line,
                column=column,
                field="jobs",
            )
        )
        return None
    if not isinstance(job, dict):
        problems.append(
            Problem(
                message=f"Job '{job_id}' is not a mapping (found {_type_name(job)}).",
                hint="A job is a mapping with keys such as `runs-on:` and `steps:`.",
                source=workflow.path,
                line=line,
                column=column,
                field=f"jobs.{job_id}",
            )
        )
        return None
    needs = _needs(workflow, job_id, job.get("needs"), problems)
    name = _optional_text(workflow, job_id, job, "name", problems)
    uses = _optional_text(workflow, job_id, job, "uses", problems)
    with_inputs = job.get("with")
    if with_inputs is not None and not isinstance(with_inputs, dict):
        problems.append(_field_problem(workflow, job_id, "with", "a mapping of input values"))
        with_inputs = None
    strategy = job.get("strategy")
    matrix = None
    if isinstance(strategy, dict):
        matrix = strategy.get("matrix")
    elif isinstance(strategy, str):
        matrix = strategy  # a whole-strategy expression: only known at run time
    elif strategy is not None:
        problems.append(_field_problem(workflow, job_id, "strategy", "a mapping"))
    condition = job.get("if")
    if condition is not None and not isinstance(condition, str | bool | int | float):
        problems.append(_field_problem(workflow, job_id, "if", "an expression"))
        condition = None
    timeout = job.get("timeout-minutes")
    if timeout is not None and not _is_minutes(timeout):
        problems.append(
            _field_problem(
                workflow, job_id, "timeout-minutes", "a positive number of minutes or `${{ }}`"
            )
        )
        timeout = None
    continue_on_error = job.get("continue-on-error")
    if continue_on_error is not None and not isinstance(continue_on_error, bool | str):
        problems.append(
            _field_problem(workflow, job_id, "continue-on-error", "true, false or `${{ }}`")
        )
        continue_on_error = None
    runs_on = job.get("runs-on")
    if uses is None and runs_on is None:
        workflow.warnings.append(
            f"Job '{job_id}' has neither `runs-on` nor `uses`; GitHub would refuse it. "
            "It is kept with no runner labels."
        )
    return JobSpec(
        job_id=job_id,
        line=line,
        name=name,
        needs=needs,
        runs_on=runs_on,
        matrix=matrix,
        uses=uses,
        with_inputs=with_inputs or {},
        condition=condition,
        timeout_minutes=timeout,
        continue_on_error=continue_on_error,
    )


def _is_minutes(value: Any) -> bool:
    if isinstance(value, str):
        return "${{" in value or _is_minutes(_number_or_none(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 < value < float("inf")


def _number_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _needs(workflow: WorkflowFile, job_id: str, needs: Any, problems: list[Problem]) -> list[str]:
    if needs is None:
        return []
    if isinstance(needs, str):
        return [needs]
    if isinstance(needs, list) and all(isinstance(item, str) for item in needs):
        return list(dict.fromkeys(needs))
    problems.append(_field_problem(workflow, job_id, "needs", "a job id or a list of job ids"))
    return []


def _optional_text(
    workflow: WorkflowFile, job_id: str, job: dict[Any, Any], key: str, problems: list[Problem]
) -> str | None:
    value = job.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(_field_problem(workflow, job_id, key, "a string"))
        return None
    return str(value)


def _field_problem(workflow: WorkflowFile, job_id: str, key: str, expected: str) -> Problem:
    path = ("jobs", job_id, key)
    value = workflow.loaded.data["jobs"][job_id].get(key)
    return Problem(
        message=f"Job '{job_id}': `{key}` must be {expected} (found {_type_name(value)}).",
        hint=f"Fix `{key}` as GitHub's workflow syntax describes it.",
        source=workflow.path,
        line=workflow.loaded.line_of(path),
        column=workflow.loaded.column_of(path),
        field=f"jobs.{job_id}.{key}",
    )


def _unknown_needs(workflow: WorkflowFile) -> list[Problem]:
    known = {job.job_id for job in workflow.jobs}
    problems: list[Problem] = []
    for job in workflow.jobs:
        raw = workflow.loaded.data["jobs"][job.job_id].get("needs")
        for needed in job.needs:
            if needed in known:
                continue
            index = raw.index(needed) if isinstance(raw, list) else None
            path = ("jobs", job.job_id, "needs") + ((index,) if index is not None else ())
            problems.append(
                Problem(
                    message=f"Job '{job.job_id}' needs '{needed}', which is not a job of this "
                    "workflow.",
                    hint=f"Use one of: {', '.join(sorted(known))}; or remove it from `needs`.",
                    source=workflow.path,
                    line=workflow.loaded.value_line(path),
                    column=workflow.loaded.value_column(path),
                    field=f"jobs.{job.job_id}.needs",
                )
            )
    return problems


def _needs_cycles(workflow: WorkflowFile) -> list[Problem]:
    cycle = find_cycle({job.job_id: job.needs for job in workflow.jobs})
    if cycle is None:
        return []
    lines = {job.job_id: job.line for job in workflow.jobs}
    return [
        Problem(
            message=f"The jobs' `needs` form a cycle: {' -> '.join(cycle)}.",
            hint="GitHub would never start these jobs; remove one of these `needs`.",
            source=workflow.path,
            line=lines[cycle[0]],
            field=f"jobs.{cycle[0]}.needs",
        )
    ]


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _refuse(path: str, message: str, hint: str, line: int | None = None) -> ImportRefused:
    return ImportRefused([Problem(message=message, hint=hint, source=path, line=line)])
