"""Measured job runs from uploaded files: GitHub REST or gh CLI JSON, or CSV.

Each file is sniffed on its own: a name ending in `.json`, or text whose first non-blank
character is `{` or `[`, is JSON (`github_json`); anything else is CSV (`runs_csv`).
The problems of every file are reported together: one bad file refuses the whole upload, so
nothing is half-imported.

Two ways in. `parse_runs` reads everything at once (small files, commands that analyse
files). `open_runs` is what imports use: JSON files are parsed whole (each is capped at
`MAX_FILE_BYTES`, so their memory is bounded), CSV files are read row by row as
`RunUpload.batches()` is consumed, so a CSV of any length takes the memory of one batch.
A bad row found late refuses the file when the batches run out; the store's transaction
then rolls back whatever the earlier batches wrote.
"""

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import BinaryIO

from decider.importers.github_json import JsonRuns, parse_json_runs
from decider.importers.problems import ImportRefused, Problem
from decider.importers.records import JobRunRecord, RunImport, WorkflowRunRecord
from decider.importers.runs_csv import CsvRuns, parse_runs_csv
from decider.importers.text_input import MAX_FILE_BYTES, ProblemCollector, decode_text, open_text

# Job runs written per round trip: large enough that a million rows take 200 statements,
# small enough that a batch of records stays a few megabytes.
BATCH_SIZE = 5000


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


class RunUpload:
    """Run data to be stored batch by batch (see the module docstring)."""

    def __init__(self, json_part: RunImport, csv_files: list[tuple[CsvRuns, ProblemCollector]]):
        self.runs = json_part.runs
        self.warnings = list(json_part.warnings)
        self._json_jobs = json_part.jobs
        self._csv_files = csv_files
        self._batches = self._read()
        self._first: list[JobRunRecord] | None = None

    def sample(self) -> list[JobRunRecord]:
        """The first batch, read ahead: enough to tell which workflow the data belongs to."""
        if self._first is None:
            self._first = next(self._batches, [])
        return self._first

    def batches(self) -> Iterator[list[JobRunRecord]]:
        """Lists of at most BATCH_SIZE records; raises ImportRefused at the end when any row
        of any file was bad (after reading every file, so all their problems show at once)."""
        first = self.sample()
        self._first = []  # held once: the store keeps no batch longer than it writes it
        if first:
            yield first
        del first
        yield from self._batches

    def _read(self) -> Iterator[list[JobRunRecord]]:
        for start in range(0, len(self._json_jobs), BATCH_SIZE):
            yield self._json_jobs[start : start + BATCH_SIZE]
        problems: list[Problem] = []
        for csv_runs, collector in self._csv_files:
            try:
                records = csv_runs.records()
                while batch := list(islice(records, BATCH_SIZE)):
                    # Once a file is refused, keep reading only to report its other problems.
                    if not problems and not collector.problems:
                        yield batch
            except ImportRefused as refused:
                problems.extend(refused.problems)
                continue
            problems.extend(collector.problems)
            self.warnings.extend(csv_runs.warnings)
        if problems:
            raise ImportRefused(problems)


def open_runs(files: Sequence[tuple[str, BinaryIO]]) -> RunUpload:
    """Run data from open binary files. JSON problems and CSV header problems refuse here;
    CSV row problems refuse when the batches run out."""
    problems: list[Problem] = []
    json_parts: list[JsonRuns] = []
    csv_files: list[tuple[CsvRuns, ProblemCollector]] = []
    for name, stream in files:
        try:
            if _is_json(name, stream):
                content = stream.read(MAX_FILE_BYTES + 1)
                json_parts.append(_parse_file(name, content))
            else:
                collector = ProblemCollector(name)
                csv_files.append((CsvRuns(name, open_text(name, stream), collector), collector))
        except ImportRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise ImportRefused(problems)
    return RunUpload(_combine(json_parts), csv_files)


def _is_json(name: str, stream: BinaryIO) -> bool:
    head = stream.read(1024)
    stream.seek(0)
    text = head.decode("utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "ignore")
    return name.lower().endswith(".json") or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
