"""Options `analyze` and `simulate` share: where the workflow comes from, and runner counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from decider.adapter.files import inputs_from_files
from decider.adapter.inputs import engine_pools, engine_workflow
from decider.engine import inputs as engine_inputs
from decider.importers.problems import ImportRefused
from decider.management.commands._lookup import read_files, refusal_error
from decider.models import Workflow


def add_source_arguments(parser: CommandParser, *, required: bool) -> None:
    source = parser.add_mutually_exclusive_group(required=required)
    source.add_argument("--workflow-id", type=int, help="a workflow in the database")
    source.add_argument(
        "--workflow",
        action="append",
        metavar="FILE",
        help="workflow YAML (repeat for the reusable workflows it calls); no database used",
    )
    parser.add_argument("--runs", action="append", default=[], metavar="FILE")
    parser.add_argument("--pools", metavar="CSV")
    parser.add_argument(
        "--runners",
        action="append",
        default=[],
        metavar="POOL=N",
        help="runners in a pool; without --pools, a pool serving the jobs with that label",
    )


def parse_assignments(values: list[str], option: str, convert: type) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for value in values:
        name, sep, number = value.partition("=")
        if not sep or not name:
            raise CommandError(f"{option} takes NAME=VALUE, got '{value}'.")
        try:
            parsed[name] = convert(number)
        except ValueError as error:
            raise CommandError(
                f"{option} {value}: '{number}' is not a {convert.__name__}."
            ) from error
    return parsed


def load_source(
    options: dict[str, Any],
) -> tuple[engine_inputs.Workflow, list[engine_inputs.Pool], list[str]]:
    """The workflow and pools named by the options, plus warnings to print."""
    runners = parse_assignments(options["runners"], "--runners", int)
    if options.get("workflow_id") is not None:
        row = (
            Workflow.objects.select_related("repository__team")
            .filter(pk=options["workflow_id"])
            .first()
        )
        if row is None:
            raise CommandError(f"No workflow with id {options['workflow_id']}.")
        workflow, pools, warnings = engine_workflow(row), engine_pools(row.repository.team), []
    elif options.get("workflow"):
        pools_file = None
        if options["pools"]:
            path = Path(options["pools"])
            pools_file = read_files([str(path)])[0]
        try:
            loaded = inputs_from_files(
                read_files(options["workflow"]), read_files(options["runs"]), pools_file
            )
        except ImportRefused as refused:
            raise refusal_error(refused) from refused
        workflow, pools, warnings = loaded.workflow, loaded.pools, loaded.warnings
        warnings += [f"run data for '{name}' matched no job" for name in loaded.unmatched_runs]
    else:
        return _no_source()
    if not pools and runners:
        pools = pools_from_labels(workflow, runners)
    known = {pool.name for pool in pools}
    unknown = sorted(set(runners) - known)
    if unknown:
        names = ", ".join(sorted(known)) or "none"
        raise CommandError(f"--runners names unknown pools {', '.join(unknown)}; pools: {names}.")
    pools = [
        pool.model_copy(update={"runners": runners[pool.name]}) if pool.name in runners else pool
        for pool in pools
    ]
    return workflow, pools, warnings


def _no_source() -> Any:
    raise CommandError("Give --workflow-id N, or --workflow FILE with --runs FILE.")


def pools_from_labels(
    workflow: engine_inputs.Workflow, runners: dict[str, int]
) -> list[engine_inputs.Pool]:
    """A pool of N runners named LABEL serving every job whose runs-on includes LABEL.

    GitHub sends a job to a runner whose labels include all of the job's labels, so the pool
    carries the union of those jobs' labels.
    """
    pools = []
    for label, count in runners.items():
        served = [
            job for job in workflow.jobs if label.casefold() in {x.casefold() for x in job.runs_on}
        ]
        labels = sorted({x.casefold() for job in served for x in job.runs_on} | {label.casefold()})
        pools.append(engine_inputs.Pool(name=label, labels=labels, runners=count))
    return pools


def job_id(workflow: engine_inputs.Workflow, reference: str, option: str) -> int:
    for job in workflow.jobs:
        if reference in (job.key, job.name):
            return job.id
    keys = ", ".join(job.key for job in workflow.jobs)
    raise CommandError(f"{option}: no job '{reference}' in {workflow.name}. Jobs: {keys}.")
