"""Files -> engine inputs, for `analyze` and `simulate` without a database: the same parsers
as the upload forms, the same engine inputs as the pages."""

from __future__ import annotations

from dataclasses import dataclass

from decider.engine import inputs as engine_inputs
from decider.importers.job_runs import parse_runs
from decider.importers.matching import match_job_runs
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.workflow_yaml import parse_workflow_files


@dataclass
class FileInputs:
    """Engine inputs read straight from files, for `analyze` and `simulate` without a database."""

    workflow: engine_inputs.Workflow
    pools: list[engine_inputs.Pool]
    unmatched_runs: list[str]
    warnings: list[str]


def inputs_from_files(
    workflow_files: list[tuple[str, bytes]],
    run_files: list[tuple[str, bytes]],
    pools_file: tuple[str, bytes] | None,
) -> FileInputs:
    """Parse with the same importers as the upload forms; raises ImportRefused on bad input.

    The first file's workflow is analysed; the others may be the reusable workflows it calls.
    """
    records = parse_workflow_files(workflow_files)
    first_name = workflow_files[0][0]
    record = next((r for r in records if r.path == first_name), records[0])
    warnings = list(record.warnings)
    samples: dict[str, list[engine_inputs.Sample]] = {}
    unmatched: list[str] = []
    if run_files:
        run_import = parse_runs(run_files)
        warnings += run_import.warnings
        created = {run.github_run_id: run.created_at for run in run_import.runs}
        match = match_job_runs(record.jobs, run_import.jobs)
        warnings += match.warnings
        unmatched = sorted({run.job_name for run in match.unmatched})
        for key, run in match.matched:
            run_created = created.get(run.github_run_id) if run.github_run_id else None
            samples.setdefault(key, []).append(
                engine_inputs.Sample(
                    duration_s=run.seconds,
                    created_at=run_created or run.created_at,
                    run_id=run.github_run_id,
                    conclusion=run.conclusion,
                )
            )
    pools = engine_inputs.build_pools(parse_pools_csv(*pools_file)) if pools_file else []
    workflow = engine_inputs.build_workflow(
        record.name, record.jobs, samples, record.triggers, record.trigger_notes
    )
    return FileInputs(workflow=workflow, pools=pools, unmatched_runs=unmatched, warnings=warnings)
