"""Many rows in few statements, skipping rows the table's unique constraints already hold.

`bulk_create(ignore_conflicts=True)` skips such rows too, but cannot say how many rows it
inserted, and an import reports its counts from what the database really did (two identical
uploads at once must not both claim the rows). Hence one `INSERT ... ON CONFLICT DO NOTHING`
per chunk, and the cursor's row count.

On PostgreSQL the rows are COPied into a private staging table, then inserted from it:
COPY is the fastest way in (the driver writes rows in C), while a plain multi-row INSERT
spends most of a large import splicing parameters into SQL text in Python. COPY cannot skip
conflicts, hence the staging table. Elsewhere (SQLite) a multi-row VALUES list, as many rows
per statement as the driver takes parameters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import connection, models, transaction


def insert_ignoring_conflicts(
    model: type[models.Model], columns: list[str], rows: Sequence[tuple[object, ...]]
) -> int:
    """Insert `rows` (values in `columns` order, Python values as the model takes them);
    return how many were inserted."""
    if not rows:
        return 0
    fields: list[models.Field[Any, Any]] = []
    for column in columns:
        model_field = model._meta.get_field(column)
        assert isinstance(model_field, models.Field)
        fields.append(model_field)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(model_field.column)) for model_field in fields)
    if connection.vendor == "postgresql":
        return _copy_then_insert(table, names, fields, rows)
    return _insert_values(table, names, fields, rows)


def _copy_then_insert(
    table: str, names: str, fields: list[models.Field[Any, Any]], rows: Sequence[tuple[object, ...]]
) -> int:
    json_positions = [
        position
        for position, model_field in enumerate(fields)
        if isinstance(model_field, models.JSONField)
    ]
    # One staging table per column set: two inserts into the same table with different
    # columns in one transaction (a run's details, then the runs its jobs mention) must not
    # share one, which has the first insert's columns only.
    columns_key = hashlib.sha1(names.encode(), usedforsecurity=False).hexdigest()[:8]
    bare_table = table.strip('"')
    staging = connection.ops.quote_name(f"staging_{bare_table}_{columns_key}")
    with transaction.atomic(), connection.cursor() as cursor:
        # A table of the same columns without constraints, private to this session and
        # gone at commit; emptied after each batch.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                if json_positions:
                    values = list(row)
                    for position in json_positions:
                        values[position] = json.dumps(values[position])
                    copy.write_row(values)
                else:
                    copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        )
        inserted = int(cursor.rowcount)
        cursor.execute(f"TRUNCATE {staging}")
    return inserted


def _insert_values(
    table: str, names: str, fields: list[models.Field[Any, Any]], rows: Sequence[tuple[object, ...]]
) -> int:
    adapters: list[Callable[[Any], Any] | None] = [
        partial(model_field.get_db_prep_save, connection=connection)
        if isinstance(model_field, (models.DateTimeField, models.JSONField))
        else None
        for model_field in fields
    ]
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    max_params = connection.features.max_query_params or 30000
    per_statement = max(1, min(len(rows), max_params // len(fields)))
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                params.extend(
                    value if adapt is None or value is None else adapt(value)
                    for adapt, value in zip(adapters, row, strict=True)
                )
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES "
                + ", ".join([row_placeholder] * len(chunk))
                + " ON CONFLICT DO NOTHING",
                params,
            )
            inserted += cursor.rowcount
    return inserted
