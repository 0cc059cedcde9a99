"""Percentiles and time differences computed by the database, the same on both backends.

PostgreSQL has `percentile_cont`, an ordered-set aggregate; SQLite has none, so
`register_sqlite_functions` adds one with the same definition (linear interpolation between
the two closest ranks: the value at rank fraction x (n - 1), counted from 0) to every new
SQLite connection (models.py imports this module, so it is connected before any query).
NULLs are ignored by both, and an empty group gives NULL.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func
from django.db.models.sql.compiler import SQLCompiler

SQLITE_PERCENTILE = "decider_percentile_cont"


class _SQLitePercentileCont:
    """SQLite's aggregate protocol: step per row, finalize per group."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont(fraction) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


@dataclass(frozen=True)
class CountedValues:
    """A multiset of numbers kept compactly: values ascending (repeats allowed) and how many
    times each. Its percentiles are `percentile_cont`'s of the values it stands for."""

    values: array[float]
    counts: array[int]

    @classmethod
    def of(cls, tally: Counter[float]) -> CountedValues:
        ordered = sorted(tally.items())
        return cls(array("d", [v for v, _ in ordered]), array("I", [c for _, c in ordered]))

    @classmethod
    def merged(cls, parts: list[CountedValues]) -> CountedValues:
        if len(parts) == 1:
            return parts[0]
        # Each part is sorted already: Timsort merges such runs in little more than a pass.
        pairs = sorted(
            chain.from_iterable(zip(part.values, part.counts, strict=True) for part in parts)
        )
        return cls(array("d", [v for v, _ in pairs]), array("I", [c for _, c in pairs]))

    def pack(self) -> bytes:
        """Little-endian: the number of values (4 bytes), the values (8 each), the counts."""
        values, counts = array("d", self.values), array("I", self.counts)
        if sys.byteorder == "big":
            values.byteswap()
            counts.byteswap()
        return len(values).to_bytes(4, "little") + values.tobytes() + counts.tobytes()

    @classmethod
    def unpack(cls, data: bytes | memoryview) -> CountedValues:
        raw = bytes(data)
        size = int.from_bytes(raw[:4], "little")
        values, counts = array("d"), array("I")
        values.frombytes(raw[4 : 4 + 8 * size])
        counts.frombytes(raw[4 + 8 * size : 4 + 12 * size])
        if sys.byteorder == "big":
            values.byteswap()
            counts.byteswap()
        return cls(values, counts)

    def total(self) -> int:
        return sum(self.counts)

    def mean(self) -> float | None:
        total = self.total()
        return (
            sum(v * c for v, c in zip(self.values, self.counts, strict=True)) / total
            if total
            else None
        )

    def percentile(self, fraction: float) -> float | None:
        """`percentile_cont(fraction)`: ranks read off the running counts."""
        running = list(accumulate(self.counts))
        if not running or not running[-1]:
            return None
        rank = fraction * (running[-1] - 1)
        below = math.floor(rank)
        above = min(below + 1, running[-1] - 1)
        low = self.values[bisect_right(running, below)]
        high = self.values[bisect_right(running, above)]
        return low + (high - low) * (rank - below)


def register_sqlite_functions(
    sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """Every new SQLite connection learns the percentile (connected below)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SQLitePercentileCont)


def percentile_sql(vendor: str, column: str, fraction: float) -> str:
    """The SQL of the percentile of `column` (trusted SQL, never user input)."""
    fraction = float(fraction)
    if not 0 <= fraction <= 1:
        raise ValueError(f"A percentile's fraction lies in [0, 1], not {fraction}")
    if vendor == "postgresql":
        return f"percentile_cont({fraction!r}) WITHIN GROUP (ORDER BY {column})"
    return f"{SQLITE_PERCENTILE}({column}, {fraction!r})"


class Percentile(Aggregate):
    """`Percentile("wait_s", 0.9)`: the continuous percentile of a numeric expression."""

    name = "Percentile"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        template = percentile_sql(connection.vendor, "%(expressions)s", self.fraction)
        return super().as_sql(compiler, connection, template=template, **extra_context)


class SecondsBetween(Func):
    """later - earlier in seconds, rounded to the millisecond (NULL when either is NULL).

    SQLite's only fractional clock, julianday, is a float of days good to about 20 µs;
    rounding both backends to the millisecond makes them give the same figures."""

    output_field = FloatField()
    arity = 2

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        if connection.vendor == "postgresql":
            template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s)), 3) AS double precision)"
            return super().as_sql(
                compiler, connection, template=template, arg_joiner=" - ", **extra_context
            )
        template = "ROUND((julianday(%(expressions)s)) * 86400.0, 3)"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )


connection_created.connect(register_sqlite_functions, dispatch_uid="decider-sqlite-functions")
