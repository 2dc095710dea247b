"""Fast bulk writes inside the caller's transaction: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from sqlalchemy import Connection, text

COPY_CHUNK_ROWS = 50_000


def python_rows(table: pa.Table) -> list[tuple]:
    """Rows of Python values for DBAPI executemany, built column-wise (much faster than to_pylist)."""
    columns = [
        _pylist(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col) for col in table.columns
    ]
    return list(zip(*columns, strict=True))


def _pylist(column: pa.Array) -> list:
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False)
        if column.null_count == 0:
            return values.tolist()
        return np.where(column.is_null().to_numpy(zero_copy_only=False), None, values.astype(object)).tolist()
    if pa.types.is_string(column.type):
        # Police data repeats few distinct strings: convert each distinct value once.
        encoded = column.dictionary_encode()
        uniques = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
        indices = encoded.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)
        return uniques[indices].tolist()
    return column.to_pylist()


def insert_arrow(conn: Connection, table_name: str, table: pa.Table) -> None:
    """Insert every row of ``table`` (column names = table columns)."""
    if table.num_rows == 0:
        return
    names = ", ".join(table.column_names)
    if conn.dialect.name == "postgresql":
        _copy(conn, f"COPY {table_name} ({names}) FROM STDIN WITH (FORMAT csv)", table)
        return
    insert_rows(conn, table_name, table.column_names, python_rows(table))


def insert_rows(conn: Connection, table_name: str, columns: list[str], rows: list[tuple]) -> None:
    """SQLite: one prepared INSERT executed for every row."""
    if not rows:
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({marks})", rows)


def _copy(conn: Connection, sql: str, table: pa.Table) -> None:
    options = pcsv.WriteOptions(include_header=False, quoting_style="needed")
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(sql) as copy:
        for start in range(0, table.num_rows, COPY_CHUNK_ROWS):
            buffer = io.BytesIO()
            pcsv.write_csv(table.slice(start, COPY_CHUNK_ROWS), buffer, options)
            copy.write(buffer.getvalue())


def update_by_id(conn: Connection, table_name: str, ids: np.ndarray, table: pa.Table) -> None:
    """Overwrite the rows with ``ids`` by the values in ``table`` (same order)."""
    if len(ids) == 0:
        return
    sets = ", ".join(f"{name} = :{name}" for name in table.column_names)
    params = [dict(row, _id=int(row_id)) for row_id, row in zip(ids, table.to_pylist(), strict=True)]
    conn.execute(text(f"UPDATE {table_name} SET {sets} WHERE id = :_id"), params)


def next_ids(conn: Connection, table_name: str, count: int) -> np.ndarray:
    """Reserve ``count`` new primary keys (the caller holds the write transaction)."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table_name, "n": count},
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
    start = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table_name}").scalar() + 1
    return np.arange(start, start + count, dtype=np.int64)
