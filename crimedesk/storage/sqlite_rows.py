"""Arrow tables as rows for SQLite's executemany, in two steps that may run in different processes.

:func:`encode_rows` works on Arrow arrays only: it leaves out all-NULL columns, turns columns that
hold one value in the whole batch into SQL literals and dictionary-encodes strings (police data
repeats few distinct strings), except the ones named as nearly all distinct, such as keys.
:func:`insert_rows` then makes Python values, converting each distinct string once, and binds only
the varying ones. An import's reading process does the first step, so the writing process, whose
time bounds the import, only does the second.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.storage.dbapi import dbapi_cursor

if TYPE_CHECKING:
    from sqlalchemy import Connection

ROWS_PER_STATEMENT = 100  # multi-row VALUES: fewer statement steps per row (100 measured best of 10-300)


@dataclass(frozen=True)
class EncodedRows:
    """The varying columns (strings dictionary-encoded, booleans as 0/1) and the constant ones."""

    table: pa.Table
    constants: dict[str, object]
    num_rows: int  # kept apart: when every column is constant the table has no columns (and no rows)

    def take(self, positions: np.ndarray) -> EncodedRows:
        taken = (
            self.table.take(pa.array(positions, type=pa.int64())) if self.table.num_columns else self.table
        )
        return replace(self, table=taken, num_rows=len(positions))

    def with_constants(self, constants: dict[str, object]) -> EncodedRows:
        return replace(self, constants={**self.constants, **constants})


def encode_rows(
    table: pa.Table, constants: dict[str, object] | None = None, distinct: Collection[str] = ()
) -> EncodedRows:
    """``table`` ready for :func:`insert_rows`; ``constants`` are extra columns shared by every row.

    The ``distinct`` columns hold (nearly) all different strings: a dictionary would be as large
    as the column, so they are left as they are.
    """
    shared = dict(constants or {})
    names, columns = [], []
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        column = column if name in distinct else _encoded(column)
        if column.null_count == len(column):
            continue
        if column.null_count == 0 and _one_value(column):
            shared[name] = table.column(name)[0].as_py()
        else:
            names.append(name)
            columns.append(column)
    return EncodedRows(pa.table(columns, names=names), shared, table.num_rows)


def insert_rows(conn: Connection, table_name: str, rows: EncodedRows) -> None:
    """Multi-row INSERTs through the DBAPI cursor of the caller's transaction."""
    with _cyclic_gc_paused():  # millions of new scalars and lists, none of them in a cycle
        _insert_values(conn, table_name, rows, _object_matrix(rows.table, rows.num_rows))


def _insert_values(conn: Connection, table_name: str, rows: EncodedRows, values: np.ndarray) -> None:
    if len(values) == 0:
        return
    columns, constants = rows.table.column_names, rows.constants
    per = max(1, min(ROWS_PER_STATEMENT, 30_000 // max(len(columns), 1)))
    full = len(values) // per * per
    names = ", ".join([*constants, *columns])
    row = "(" + ", ".join([*(_literal(v) for v in constants.values()), *("?" * len(columns))]) + ")"
    cursor = dbapi_cursor(conn)  # the DBAPI cursor takes lists of lists
    if full:
        block = values[:full].reshape(full // per, per * len(columns)).tolist()
        cursor.executemany(f"INSERT INTO {table_name} ({names}) VALUES {', '.join([row] * per)}", block)
    if full < len(values):
        cursor.executemany(f"INSERT INTO {table_name} ({names}) VALUES {row}", values[full:].tolist())


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The collector would walk the young lists again and again while they are made; it is off meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _is_text(data_type: pa.DataType) -> bool:
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)


def _encoded(column: pa.Array) -> pa.Array:
    if _is_text(column.type):
        return column.dictionary_encode()
    if pa.types.is_boolean(column.type):
        return column.cast(pa.int8())
    return column


def _one_value(column: pa.Array) -> bool:
    if pa.types.is_dictionary(column.type):
        return len(column.dictionary) == 1
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or _is_text(column.type):
        extremes = pc.min_max(column)  # a scan, cheaper than hashing every value
        return extremes["min"] == extremes["max"]
    return pc.count_distinct(column).as_py() == 1


def _object_matrix(table: pa.Table, num_rows: int) -> np.ndarray:
    """Rows x columns of Python values (None for nulls), built column by column."""
    matrix = np.empty((num_rows, table.num_columns), dtype=object)
    for j, column in enumerate(table.columns):
        matrix[:, j] = _python_values(column.combine_chunks())
    return matrix


def _python_values(column: pa.Array) -> np.ndarray:
    if pa.types.is_dictionary(column.type):
        uniques = np.empty(len(column.dictionary) + 1, dtype=object)  # the last one stands for NULL
        uniques[:-1] = column.dictionary.to_numpy(zero_copy_only=False)
        return uniques[column.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)]
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = column.fill_null(0).to_numpy().astype(object)  # integers stay integers
        if column.null_count:
            values[column.is_null().to_numpy(zero_copy_only=False)] = None
        return values
    return column.to_numpy(zero_copy_only=False)  # strings (None for NULL), in one conversion


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | int | np.integer):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"
