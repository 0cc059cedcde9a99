"""Job runs out of a hand-made or exported CSV.

Two headers are accepted (names trimmed and case-insensitive, in any order):
- `run_id, job, duration_s` with an optional `conclusion`: durations measured elsewhere, in
  seconds;
- `job, started_at, completed_at` with optional `created_at, runner_labels, run_id,
  conclusion, runner_name`: ISO 8601 times (UTC when they carry no offset), labels
  separated by spaces.
`conclusion` is GitHub's word for how the run ended (success, failure, cancelled, skipped,
timed_out, ...; any case). An empty cell, or no such column, counts as a successful run.
A bad row refuses the whole file (nothing is imported), but every bad row is reported, up to
`MAX_PROBLEMS`, so one upload shows everything to fix.
"""

import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from decider.engine.vocabulary import CONCLUSION_VALUES, Conclusion
from decider.importers.records import JobRunRecord, RunImport
from decider.importers.text_input import (
    CsvRows,
    ProblemCollector,
    check_measured_duration,
    parse_conclusion,
    parse_decimal,
    parse_timestamp,
    parse_whole_number,
    refuse,
    require_columns,
    split_labels,
)

DURATION_COLUMNS = ["run_id", "job", "duration_s"]
DURATION_OPTIONAL_COLUMNS = ["conclusion"]
TIMED_COLUMNS = ["job", "started_at", "completed_at"]
TIMED_OPTIONAL_COLUMNS = ["created_at", "runner_labels", "run_id", "conclusion", "runner_name"]
HEADER_HINT = (
    "The first row must be either 'run_id,job,duration_s' (optionally with conclusion) or "
    f"'job,started_at,completed_at' (optionally with {', '.join(TIMED_OPTIONAL_COLUMNS)})."
)
CONCLUSION_HINT = f"Give one of {', '.join(CONCLUSION_VALUES)}, or leave it empty for success."


def parse_runs_csv(source: str, text: str) -> RunImport:
    """The whole file's job runs at once (small files, and commands that read files)."""
    problems = ProblemCollector(source)
    runs = CsvRuns(source, io.StringIO(text, newline=""), problems)
    result = RunImport(jobs=list(runs.records()), warnings=runs.warnings)
    problems.raise_if_any()
    return result


class CsvRuns:
    """A runs CSV read row by row: the header is checked when opened (a bad header refuses at
    once), each row is parsed when iterated. Bad rows are reported to `problems` and yield
    nothing; the caller refuses the file when `problems` holds any once iteration is done."""

    def __init__(self, source: str, stream: Iterable[str], problems: ProblemCollector) -> None:
        self.source = source
        self.problems = problems
        self.rows = CsvRows(source, stream, problems)
        columns = self.rows.columns
        has_times = "started_at" in columns or "completed_at" in columns
        if "duration_s" in columns and has_times:
            raise refuse(
                source,
                "The header has both 'duration_s' and start/end times.",
                hint="Keep one way of giving the time: 'duration_s', or 'started_at' and "
                "'completed_at'.",
                row=1,
            )
        self.timed = "duration_s" not in columns
        known = (
            TIMED_COLUMNS + TIMED_OPTIONAL_COLUMNS
            if self.timed
            else DURATION_COLUMNS + DURATION_OPTIONAL_COLUMNS
        )
        require_columns(
            self.rows, TIMED_COLUMNS if self.timed else DURATION_COLUMNS, HEADER_HINT, problems
        )
        problems.raise_if_any()
        self.warnings: list[str] = []
        ignored = [name for name in columns if name not in known]
        if ignored:
            self.warnings.append(
                f"{source}: ignored the column(s) {', '.join(repr(name) for name in ignored)}."
            )

    def records(self) -> Iterator[JobRunRecord]:
        seen = 0
        for row_number, cells in self.rows:
            row = _Row(self.rows.columns, row_number, cells, self.problems)
            record = row.timed_record() if self.timed else row.duration_record()
            if record is not None:
                record.source_location = f"{self.source}, row {row_number}"
                seen += 1
                yield record
        if not seen and not self.problems.problems:
            self.warnings.append(f"{self.source}: the file has a header but no job runs.")


class _Row:
    def __init__(
        self, columns: dict[str, int], number: int, cells: list[str], problems: ProblemCollector
    ) -> None:
        self.columns = columns
        self.number = number
        self.cells = cells
        self.problems = problems
        self.valid = True

    def cell(self, column: str) -> str:
        position = self.columns.get(column)
        return "" if position is None else self.cells[position]

    def fail(self, column: str, message: str, hint: str) -> None:
        self.valid = False
        self.problems.add(message, hint=hint, row=self.number, field=column)

    def duration_record(self) -> JobRunRecord | None:
        job_name = self.job_name()
        run_id = self.run_id(required=True)
        conclusion = self.conclusion()
        duration = None
        try:
            duration = parse_decimal(self.cell("duration_s"))
        except ValueError as error:
            self.fail(
                "duration_s", f"The duration is not usable: {error}.", "Give seconds, e.g. 524."
            )
        if duration is not None and duration < 0:
            self.fail(
                "duration_s", f"The duration {duration:g} s is negative.", "Give seconds >= 0."
            )
        elif duration is not None:
            self.check_duration("duration_s", duration)
        if not self.valid or job_name is None:
            return None
        return JobRunRecord(
            job_name=job_name, github_run_id=run_id, duration_s=duration, conclusion=conclusion
        )

    def timed_record(self) -> JobRunRecord | None:
        job_name = self.job_name()
        run_id = self.run_id(required=False)
        started_at = self.moment("started_at", required=True)
        completed_at = self.moment("completed_at", required=True)
        created_at = self.moment("created_at", required=False)
        conclusion = self.conclusion()
        if started_at and completed_at and completed_at < started_at:
            self.fail(
                "completed_at",
                "The job completed before it started.",
                "Check the order of 'started_at' and 'completed_at'.",
            )
        elif started_at and completed_at:
            self.check_duration("completed_at", (completed_at - started_at).total_seconds())
        if created_at and started_at and created_at > started_at:
            self.fail(
                "created_at",
                "The job was created after it started.",
                "'created_at' is when the job was queued; it comes before 'started_at'.",
            )
        if not self.valid or job_name is None:
            return None
        return JobRunRecord(
            job_name=job_name,
            github_run_id=run_id,
            created_at=created_at,
            started_at=started_at,
            completed_at=completed_at,
            conclusion=conclusion,
            runner_name=self.cell("runner_name") or None,
            runner_labels=split_labels(self.cell("runner_labels")),
        )

    def check_duration(self, column: str, seconds: float) -> None:
        try:
            check_measured_duration(seconds)
        except ValueError as error:
            self.fail(
                column,
                f"The job cannot have run that long: {error}.",
                "Check the times (or seconds) of this row.",
            )

    def job_name(self) -> str | None:
        name = self.cell("job")
        if not name:
            self.fail("job", "The job name is missing.", "Give the job's id or display name.")
            return None
        return name

    def conclusion(self) -> Conclusion | None:
        try:
            return parse_conclusion(self.cell("conclusion"))
        except ValueError as error:
            self.fail("conclusion", f"The conclusion is not usable: {error}.", CONCLUSION_HINT)
            return None

    def run_id(self, required: bool) -> int | None:
        text = self.cell("run_id")
        if not text and not required:
            return None
        try:
            return parse_whole_number(text)
        except ValueError as error:
            self.fail("run_id", f"The run id is not usable: {error}.", "Give GitHub's run id.")
            return None

    def moment(self, column: str, required: bool) -> datetime | None:
        text = self.cell(column)
        if not text and not required:
            return None
        try:
            return parse_timestamp(text)
        except ValueError as error:
            self.fail(
                column,
                f"The time is not usable: {error}." if text else "The time is missing.",
                "Write times in ISO 8601, e.g. 2024-05-01T12:30:00Z.",
            )
            return None
