"""Read table columns from the store as Arrow, with the schema's types (for the analytics mirror).

PostgreSQL goes through the ADBC driver (Arrow straight from libpq). A SQLite file is read by ADBC's
SQLite driver too, but in a child process (crimedesk.storage.sqlite_arrow_child) that streams Arrow
IPC back: a second SQLite library in the same process keeps separate POSIX locks and can corrupt a
WAL database that both open, while another process locks it like any reader. Python's sqlite3 module,
which builds a Python value per field (most of a 7M-row copy's 57 s), is left for in-memory stores,
which no other process can see.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Engine,
    Float,
    Integer,
    Select,
    String,
    Table,
    Text,
    func,
    select,
    true,
)

from crimedesk.domain.progress import CancelFn, check_cancel, never_cancel
from crimedesk.storage.arrow_rows import driver_struct, rows_batch
from crimedesk.storage.dbapi import dbapi_cursor
from crimedesk.storage.schema import LocalTime
from crimedesk.storage.sqlite_reader import read_in_child

CHUNK_ROWS = 200_000
#: Reading processes per large table of a SQLite store, each over a range of an indexed column:
#: ADBC's SQLite driver reads on one core, and the copy's other side (DuckDB) needs little.
READERS = 2
SPLIT_ON = {"incidents": "id", "incident_regions": "incident_id"}


def arrow_type(column_type: object) -> pa.DataType:
    if isinstance(column_type, Boolean):
        return pa.bool_()
    if isinstance(column_type, Float):
        return pa.float64()
    if isinstance(column_type, BigInteger | Integer | LocalTime):
        return pa.int64()
    if isinstance(column_type, String | Text):
        return pa.string()
    raise TypeError(f"no Arrow type for {column_type!r}")


def arrow_batches(
    store: Engine,
    table: Table,
    names: tuple[str, ...] | None = None,
    where: ColumnElement[bool] | None = None,
    cancel: CancelFn = never_cancel,
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """Columns ``names`` (default: all) of ``table`` for the rows matching ``where``, times as
    seconds: the schema, and the rows in batches of about ``CHUNK_ROWS``, read as they are consumed.

    Streamed so that a whole history is never held at once (7M incidents as one Arrow table took
    2.3 GB). ``cancel`` is checked between batches.
    """
    columns = [table.c[n] for n in names] if names else list(table.columns)
    selected = [c.cast(BigInteger).label(c.name) if isinstance(c.type, LocalTime) else c for c in columns]
    query = select(*selected) if where is None else select(*selected).where(where)
    schema = pa.schema([(c.name, arrow_type(c.type)) for c in columns])
    if store.dialect.name == "postgresql":
        return schema, _postgres(store, _sql(store, query), schema, cancel)
    database = store.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return schema, _sqlite_here(store, _sql(store, query), schema, cancel)
    path = str(Path(database).resolve())
    parts = [_sql(store, query.where(part)) for part in _parts(store, table)]
    readers = [read_in_child(path, sql, schema, CHUNK_ROWS, cancel) for sql in parts]
    return schema, _interleaved(readers)


def _sql(store: Engine, query: Select) -> str:
    return str(query.compile(store, compile_kwargs={"literal_binds": True}))


def _parts(store: Engine, table: Table) -> list[ColumnElement[bool]]:
    """``READERS`` ranges of the table's indexed split column (everything for other tables)."""
    name = SPLIT_ON.get(table.name)
    if name is None:
        return [true()]
    column = table.c[name]
    with store.connect() as conn:
        low, high = conn.execute(select(func.min(column), func.max(column))).one()
    if low is None:
        return [true()]
    step = (high - low) // READERS + 1
    return [column.between(low + k * step, low + (k + 1) * step - 1) for k in range(READERS)]


def _interleaved(readers: list[Generator[pa.RecordBatch]]) -> Iterator[pa.RecordBatch]:
    """Batches from each reader in turn: while one's batch is taken, the others build their next."""
    try:
        while readers:
            for reader in list(readers):
                batch = next(reader, None)
                if batch is None:
                    readers.remove(reader)
                else:
                    yield batch
    finally:
        for reader in readers:
            reader.close()  # stops its process


def read_arrow(
    store: Engine,
    table: Table,
    names: tuple[str, ...] | None = None,
    where: ColumnElement[bool] | None = None,
) -> pa.Table:
    """:func:`arrow_batches` as one table, for the small tables."""
    schema, batches = arrow_batches(store, table, names, where)
    return pa.Table.from_batches(list(batches), schema=schema)


def _sqlite_here(store: Engine, sql: str, schema: pa.Schema, cancel: CancelFn) -> Iterator[pa.RecordBatch]:
    with store.connect() as conn:
        cursor = dbapi_cursor(conn)
        cursor.execute(sql)
        raw = driver_struct(schema)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            check_cancel(cancel)
            yield rows_batch(rows, schema, raw)


def _postgres(store: Engine, sql: str, schema: pa.Schema, cancel: CancelFn) -> Iterator[pa.RecordBatch]:
    import adbc_driver_postgresql.dbapi

    uri = store.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc_driver_postgresql.dbapi.connect(uri) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        for batch in cursor.fetch_record_batch():
            check_cancel(cancel)
            yield batch.cast(schema)
