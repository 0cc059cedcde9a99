"""Shared plumbing for the run and pool importers: decoding uploads, CSV rows, numbers, times.

Everything here turns user bytes into plain Python values or `Problem`s; nothing raises
anything but `ImportRefused`, so every parser built on it keeps that promise too.
"""

import codecs
import csv
import io
import math
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import BinaryIO

from decider.engine import limits
from decider.engine.vocabulary import CONCLUSION_VALUES, Conclusion
from decider.importers.problems import ImportRefused, Problem

# Large enough for years of job runs of a busy repository, small enough to parse in a request.
MAX_FILE_BYTES = 20 * 1024 * 1024
# A file with more problems than this is the wrong file, not a file with typos.
MAX_PROBLEMS = 20

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_LABEL_SEPARATORS = re.compile(r"[\s,]+")


class ProblemCollector:
    """Gathers problems of one file so the user can fix them all in one go."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, message: str, hint: str = "", **where: int | str | None) -> None:
        self.problems.append(Problem(message=message, hint=hint, source=self.source, **where))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(
                Problem(
                    message=f"Stopped after {MAX_PROBLEMS} problems.",
                    source=self.source,
                    hint="Check that this is the file you meant to upload.",
                )
            )
            raise ImportRefused(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems)


def refuse(source: str, message: str, hint: str = "", **where: int | str | None) -> ImportRefused:
    return ImportRefused([Problem(message=message, hint=hint, source=source, **where)])


def decode_text(source: str, content: str | bytes) -> str:
    """The upload as text: UTF-8 (BOM or not), or UTF-16 with a BOM (PowerShell's `>`)."""
    size = len(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    if size > MAX_FILE_BYTES:
        raise refuse(
            source,
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB.",
            hint="Split it into several files (e.g. one per month) and upload them together.",
        )
    if isinstance(content, str):
        text = content.removeprefix("\ufeff")
    else:
        text = _decode_bytes(source, content)
    if not text.strip():
        raise refuse(source, "The file is empty.", hint="Upload a file that holds job runs.")
    return text


def _decode_bytes(source: str, content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise refuse(
            source,
            f"The file is not {encoding.upper().removesuffix('-SIG')} text "
            f"(byte {error.start + 1} cannot be read).",
            hint="Save it as UTF-8 (in Excel: 'CSV UTF-8'), or upload the JSON exactly as "
            "GitHub or the gh CLI wrote it.",
        ) from None


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 date and time; times without an offset are taken as UTC, like GitHub's.

    Raises ValueError with a message fit for the user.
    """
    text = text.strip()
    if len(text) <= 10:
        raise ValueError(f"'{text}' is not a date and time (ISO 8601, e.g. 2024-05-01T12:30:00Z)")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date and time (ISO 8601, e.g. 2024-05-01T12:30:00Z)"
        ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"'{text}' is out of range") from None
    return plausible_run_time(moment, text)


def plausible_run_time(moment: datetime, text: str) -> datetime:
    """`moment` when a GitHub Actions run could have happened then: not before GitHub existed,
    not in the future (a year-9999 completion would make a job last millennia)."""
    latest = _latest_run_time(int(time.time() // 60))
    if moment < limits.EARLIEST_RUN_TIME or moment > latest:
        raise ValueError(
            f"'{text}' is not between {limits.EARLIEST_RUN_TIME:%Y-%m-%d} and "
            f"{latest:%Y-%m-%d} (tomorrow)"
        )
    return moment


@lru_cache(maxsize=1)
def _latest_run_time(minute: int) -> datetime:
    """The latest plausible run time, worked out once a minute rather than once per row (a
    million-row import would otherwise ask the clock a million times)."""
    return limits.latest_run_time(datetime.fromtimestamp(minute * 60 + 59, UTC))


def check_measured_duration(seconds: float) -> None:
    """Raise ValueError when a job run's duration cannot be real: GitHub ends a workflow run
    after 35 days, so none of its jobs takes longer."""
    if seconds > limits.MAX_MEASURED_DURATION_S:
        raise ValueError(
            f"{seconds:,.0f} s is longer than GitHub lets a workflow run last "
            f"({limits.MAX_MEASURED_DURATION_S / 86400:.0f} days)"
        )


def parse_decimal(text: str) -> float:
    """A finite decimal number written plainly (no `1_000`, no `nan`, no `inf`)."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"'{text}' is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is too large")
    return value


def parse_whole_number(text: str) -> int:
    text = text.strip()
    # isascii() first: isdigit() alone takes digits of other scripts and superscripts.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)


# Spellings GitHub's own values come in elsewhere: American English, and the `error` state a
# commit status (not a check run) reports in `gh pr checks`.
_CONCLUSION_SYNONYMS: dict[str, Conclusion] = {"canceled": "cancelled", "error": "failure"}


# Imports read the same few words on every row: each is worked out once.
@lru_cache(maxsize=256)
def parse_conclusion(text: str) -> Conclusion | None:
    """GitHub's conclusion in any case (`SUCCESS` from GraphQL, `timed-out`); '' is None."""
    word = re.sub(r"[\s-]+", "_", text.strip()).casefold()
    if not word:
        return None
    for value in CONCLUSION_VALUES:
        if word == value:
            return value
    if word in _CONCLUSION_SYNONYMS:
        return _CONCLUSION_SYNONYMS[word]
    raise ValueError(f"'{text.strip()[:40]}' is not one of GitHub's conclusions")


def split_labels(text: str) -> list[str]:
    """Labels separated by spaces (commas tolerated: no GitHub label holds either)."""
    return list(_labels(text))


@lru_cache(maxsize=1024)
def _labels(text: str) -> tuple[str, ...]:
    return tuple(label for label in _LABEL_SEPARATORS.split(text) if label)


@dataclass
class CsvTable:
    columns: dict[str, int]  # lower-cased, trimmed column name -> position
    rows: list[tuple[int, list[str]]]  # (row number counting the header as row 1, cells)


class CsvRows:
    """A CSV read one row at a time, so a file of any length takes the memory of one row.

    The header is read when opened; iterating yields (row number, trimmed cells) for the
    non-blank rows. Row numbers count every record, blank ones and the header (row 1)
    included, so they are the row numbers a spreadsheet shows. Rows whose cell count differs
    from the header's are reported to `problems` and skipped.
    """

    def __init__(self, source: str, stream: Iterable[str], problems: ProblemCollector) -> None:
        self.source = source
        self.problems = problems
        self._reader = csv.reader(stream)
        self._row_number = 0  # records read so far
        header = self._next_record() or []
        self._row_number = 1
        self.width = len(header)
        self.columns: dict[str, int] = {}
        for position, cell in enumerate(header):
            name = cell.strip().lower()
            if name in self.columns:
                problems.add(f"The column '{name}' appears twice.", hint="Keep one of them.", row=1)
            if name:
                self.columns[name] = position

    def _next_record(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as error:
            raise refuse(
                self.source,
                f"The file cannot be read as CSV ({error}).",
                hint="Save it as comma-separated values with a header row.",
                row=self._row_number + 1,
            ) from None
        except UnicodeDecodeError:
            raise refuse(
                self.source,
                "The file is not UTF-8 text from here on.",
                hint="Save it as UTF-8 (in Excel: 'CSV UTF-8').",
                row=self._row_number + 1,
            ) from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while (cells := self._next_record()) is not None:
            self._row_number += 1
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue
            if len(cells) != self.width:
                self.problems.add(
                    f"The row has {len(cells)} cells but the header has {self.width}.",
                    hint="Check for a missing or extra comma, or quote cells that contain commas.",
                    row=self._row_number,
                )
                continue
            yield self._row_number, stripped


def open_text(source: str, stream: BinaryIO) -> Iterator[str]:
    """A binary upload as lines of text, decoded as they are read: UTF-8 (BOM or not), or
    UTF-16 with a BOM. Refuses an empty file. UTF-8 is decoded line by line, so a file that
    stops being valid text is refused at the row where it does."""
    start = stream.read(4)
    stream.seek(0)
    if not start.strip():
        rest = stream.read(4096)
        stream.seek(0)
        if not rest.strip():
            raise refuse(source, "The file is empty.", hint="Upload a file that holds job runs.")
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return io.TextIOWrapper(stream, encoding="utf-16", newline="")
    return _utf8_lines(stream)


def _utf8_lines(stream: BinaryIO) -> Iterator[str]:
    first = True
    for line in stream:
        text = line.decode("utf-8")  # a UnicodeDecodeError names its row in CsvRows
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        yield text


def read_csv(source: str, text: str, problems: ProblemCollector) -> CsvTable:
    """The whole table, for files small enough to hold (pools)."""
    rows = CsvRows(source, io.StringIO(text, newline=""), problems)
    return CsvTable(columns=rows.columns, rows=list(rows))


def require_columns(
    table: CsvTable | CsvRows, required: list[str], hint: str, problems: ProblemCollector
) -> None:
    missing = [name for name in required if name not in table.columns]
    if missing:
        problems.add(
            f"The header lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(name) for name in missing)}.",
            hint=hint,
            row=1,
        )
