"""Import problems: what went wrong, where, and what to do about it.

Every importer raises `ImportRefused` with at least one `Problem`; nothing is written
when it does. A problem names its place (file, line, column, row, field) so the
message can be shown next to an upload form or printed by a management command.
"""

from pydantic import BaseModel


class Problem(BaseModel):
    message: str
    source: str = ""
    line: int | None = None
    column: int | None = None
    row: int | None = None
    field: str | None = None
    hint: str = ""

    def location(self) -> str:
        parts = [self.source] if self.source else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} {self.hint}".strip()


class ImportRefused(Exception):
    """The input cannot be imported; `problems` says why and where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))
