"""Fast bulk writes in the caller's transaction: executemany on SQLite (sqlite_rows), binary COPY on
PostgreSQL (pg_binary)."""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, Index, PrimaryKeyConstraint, select, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from crimedesk.storage import pg_binary, sqlite_rows
from crimedesk.storage.dbapi import dbapi_cursor
from crimedesk.storage.schema import incident_regions, incidents

COPY_CHUNK_ROWS = 5_000  # a batch is written as a few chunks, so encoding overlaps the server's work


def insert_arrow(
    conn: Connection, table_name: str, table: pa.Table, constants: dict[str, object] | None = None
) -> None:
    """Insert every row of ``table``; ``constants`` are values shared by every row (column -> value)."""
    if table.num_rows == 0:
        return
    if conn.dialect.name == "postgresql":
        for name, value in (constants or {}).items():
            table = table.append_column(name, pa.array([value] * table.num_rows))
        types = pg_binary.column_types(conn, table_name)
        table = table.select(pg_binary.fixed_width_first([types[name] for name in table.column_names]))
        names = ", ".join(table.column_names)
        sql = f"COPY {table_name} ({names}) FROM STDIN WITH (FORMAT binary)"
        _copy(conn, sql, table, [types[name] for name in table.column_names])
        return
    sqlite_rows.insert_rows(conn, table_name, sqlite_rows.encode_rows(table, constants))


def copy_records(
    conn: Connection, table_name: str, records: pg_binary.CopyRecords, ids: np.ndarray, import_id: int
) -> None:
    """COPY rows encoded ahead (pg_binary.encode_records) with their ``ids`` and ``import_id``."""
    if len(ids) == 0:
        return
    sql = f"COPY {table_name} ({', '.join(records.columns)}) FROM STDIN WITH (FORMAT binary)"
    with closing(dbapi_cursor(conn)) as cursor, cursor.copy(sql) as copy:
        copy.write(pg_binary.SIGNATURE)
        copy.write(records.stamped(ids, import_id))
        copy.write(pg_binary.TRAILER)


def _copy(conn: Connection, sql: str, table: pa.Table, types: list[str]) -> None:
    """COPY ``table`` in binary form; the next chunk is encoded by a thread while the server takes
    this one (numpy's copies and psycopg's wait both release the GIL)."""
    starts = range(0, table.num_rows, COPY_CHUNK_ROWS)
    with (
        closing(dbapi_cursor(conn)) as cursor,
        cursor.copy(sql) as copy,
        ThreadPoolExecutor(1, thread_name_prefix="copy-encode") as encoder,
    ):
        copy.write(pg_binary.SIGNATURE)
        pending: Future[bytes] | None = None
        for start in starts:
            following = encoder.submit(pg_binary.encode, table.slice(start, COPY_CHUNK_ROWS), types)
            if pending is not None:
                copy.write(pending.result())
            pending = following
        if pending is not None:
            copy.write(pending.result())
        copy.write(pg_binary.TRAILER)


def placeholder(conn: Connection) -> str:
    """The DBAPI driver's parameter mark: sqlite3's qmark or psycopg's format style."""
    return "?" if conn.dialect.name == "sqlite" else "%s"


def any_of(conn: Connection, values: list) -> tuple[str, object]:
    """SQL for "is one of ``values``", with the list bound as one parameter, and that parameter.

    SQLite reads a JSON array with json_each, PostgreSQL an array: no statement with thousands of
    parameters for SQLAlchemy to compile and the database to parse.
    """
    if conn.dialect.name == "sqlite":
        return "IN (SELECT value FROM json_each(?))", json.dumps(values)
    return "= ANY(%s)", values


def update_by_id(conn: Connection, table_name: str, ids: np.ndarray, table: pa.Table) -> None:
    """Overwrite the rows with ``ids`` by the values in ``table`` (same order).

    Through the DBAPI cursor with positional parameters, zipped column by column: SQLAlchemy's
    per-row parameter processing cost twice the database's own work on a large update.
    """
    if len(ids) == 0:
        return
    mark = placeholder(conn)
    sets = ", ".join(f"{name} = {mark}" for name in table.column_names)
    columns = [table.column(name).to_pylist() for name in table.column_names]
    rows = list(zip(*columns, np.asarray(ids).tolist(), strict=True))
    with closing(dbapi_cursor(conn)) as cursor:
        cursor.executemany(f"UPDATE {table_name} SET {sets} WHERE id = {mark}", rows)


Droppable = Index | PrimaryKeyConstraint


def drop_indexes_for_bulk_load(conn: Connection, new_rows: int, keep_key_index: bool) -> list[Droppable]:
    """Drop the secondary incident indexes when an import will at least double the table.

    Building an index once over sorted data is far cheaper than updating it row by row, and
    rebuilding a unique index checks its keys once more. Keep the unique ones when the source
    already has stored rows: the importer looks their keys up, and replaces the region rows of the
    incidents it updates. On PostgreSQL the region table's primary key goes too (its rows are
    written at the end of the load; SQLite stores the table in that key's order, with nothing else
    to drop). The drop happens inside the import's transaction, so a failed import restores them;
    on PostgreSQL it holds an exclusive lock on the tables until the import commits (only big
    first loads do this).
    """
    bigger = conn.execute(select(incidents.c.id).limit(1).offset(max(new_rows - 1, 0))).first()
    if bigger is not None or not _owns_incidents(conn):
        return []
    dropped: list[Droppable] = [
        index
        for table in (incidents, incident_regions)
        for index in table.indexes
        if not (keep_key_index and index.unique)
    ]
    if conn.dialect.name == "postgresql":
        dropped.append(incident_regions.primary_key)
    for item in dropped:
        conn.execute(DropConstraint(item) if isinstance(item, PrimaryKeyConstraint) else DropIndex(item))
    return dropped


def _owns_incidents(conn: Connection) -> bool:
    """Only the tables' owner may drop their indexes; a crimedesk analyst login updates them instead."""
    if conn.dialect.name != "postgresql":
        return True
    query = (
        "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables WHERE tablename = 'incidents'"
    )
    return bool(conn.execute(text(query)).scalar())


def create_indexes(conn: Connection, dropped: list[Droppable]) -> None:
    """Build again what :func:`drop_indexes_for_bulk_load` dropped.

    On PostgreSQL with room to sort in memory, for this transaction only: the key index of 7M
    incidents spilled to disk with 256 MB (its builds took 20 % less time at 1M with 1 GB).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    for item in dropped:
        conn.execute(AddConstraint(item) if isinstance(item, PrimaryKeyConstraint) else CreateIndex(item))


def next_ids(conn: Connection, table_name: str, count: int) -> np.ndarray:
    """Reserve ``count`` new primary keys (the caller holds the write transaction)."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if conn.dialect.name == "postgresql":  # one round trip: the sequence values as one array
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table_name}).scalar()
        query = text("SELECT array_agg(nextval(CAST(:s AS regclass))) FROM generate_series(1, :n)")
        return np.array(conn.execute(query, {"s": sequence, "n": count}).scalar(), dtype=np.int64)
    start = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table_name}").scalar_one() + 1
    return np.arange(start, start + count, dtype=np.int64)
