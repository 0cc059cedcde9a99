"""Measured job runs from uploaded files: GitHub REST or gh CLI JSON, or CSV.

Each file is sniffed on its own: a name ending in `.json`, or text whose first non-blank
character is `{` or `[`, is JSON (`github_json`); anything else is CSV (`runs_csv`).
All files are parsed before anything is returned, and the problems of every file are
reported together: one bad file refuses the whole upload, so nothing is half-imported.
"""

from collections.abc import Sequence

from decider.importers.github_json import JsonRuns, parse_json_runs
from decider.importers.problems import ImportRefused, Problem
from decider.importers.records import JobRunRecord, RunImport, WorkflowRunRecord
from decider.importers.runs_csv import parse_runs_csv
from decider.importers.text_input import decode_text


def parse_runs(files: Sequence[tuple[str, str | bytes]]) -> RunImport:
    problems: list[Problem] = []
    parsed: list[JsonRuns] = []
    for name, content in files:
        try:
            parsed.append(_parse_file(name, content))
        except ImportRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise ImportRefused(problems)
    return _combine(parsed)


def _parse_file(name: str, content: str | bytes) -> JsonRuns:
    text = decode_text(name, content)
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return parse_json_runs(name, text)
    from_csv = parse_runs_csv(name, text)
    return JsonRuns(jobs=from_csv.jobs, warnings=from_csv.warnings)


def _combine(parsed: list[JsonRuns]) -> RunImport:
    """One import; a job or run given twice (the same page uploaded twice) counts once."""
    result = RunImport()
    jobs_by_id: dict[int, JobRunRecord] = {}
    runs_by_id: dict[tuple[int, int | None], WorkflowRunRecord] = {}
    repeated: list[tuple[JobRunRecord, JobRunRecord]] = []  # (repeat, first reading)
    for part in parsed:
        result.warnings.extend(part.warnings)
        for job in part.jobs:
            first = jobs_by_id.get(job.github_job_id) if job.github_job_id is not None else None
            if first is not None:
                repeated.append((job, first))
                continue
            if job.github_job_id is not None:
                jobs_by_id[job.github_job_id] = job
            result.jobs.append(job)
        for run in part.runs:
            key = (run.github_run_id, run.run_attempt)
            if key not in runs_by_id:
                runs_by_id[key] = run
                result.runs.append(run)
    if repeated:
        repeat, first = repeated[0]
        result.warnings.append(
            f"{len(repeated)} job(s) were given twice and count once (e.g. job "
            f"{repeat.github_job_id} '{repeat.job_name}' at {repeat.source_location} "
            f"repeats {first.source_location})."
        )
    result.warnings.extend(_missing_pages(parsed))
    return result


def _missing_pages(parsed: list[JsonRuns]) -> list[str]:
    listed_ids: dict[int, set[int]] = {}
    totals: dict[int, int] = {}
    for part in parsed:
        for run_id, job_ids in part.listed_job_ids_by_run.items():
            listed_ids.setdefault(run_id, set()).update(job_ids)
        for run_id, total in part.listed_total_by_run.items():
            totals[run_id] = max(total, totals.get(run_id, 0))
    return [
        f"Run {run_id}: GitHub reported {total} jobs but the files hold "
        f"{len(listed_ids.get(run_id, ()))}; upload the other pages too (page=2, ...) "
        "or ask for per_page=100."
        for run_id, total in sorted(totals.items())
        if len(listed_ids.get(run_id, ())) < total
    ]
