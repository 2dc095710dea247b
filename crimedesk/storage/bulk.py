"""Fast bulk writes inside the caller's transaction: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from sqlalchemy import Connection, text

COPY_CHUNK_ROWS = 50_000


def _rows(table: pa.Table) -> list[tuple]:
    columns = [_pylist(col) for col in table.columns]
    return list(zip(*columns, strict=True))


def _pylist(column: pa.ChunkedArray) -> list:
    if column.null_count == 0 and pa.types.is_integer(column.type):
        return column.to_numpy().tolist()
    if pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False)
        return [None if v != v else v for v in values.tolist()] if column.null_count else values.tolist()
    return column.to_pylist()


def insert_arrow(conn: Connection, table_name: str, table: pa.Table) -> None:
    """Insert every row of ``table`` (column names = table columns)."""
    if table.num_rows == 0:
        return
    names = ", ".join(table.column_names)
    if conn.dialect.name == "postgresql":
        _copy(conn, f"COPY {table_name} ({names}) FROM STDIN WITH (FORMAT csv)", table)
        return
    marks = ", ".join("?" * table.num_columns)
    conn.exec_driver_sql(f"INSERT INTO {table_name} ({names}) VALUES ({marks})", _rows(table))


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
