"""Read table columns from the store as Arrow, with the schema's types (for the analytics mirror).

PostgreSQL goes through the ADBC driver (Arrow straight from libpq). SQLite goes through Python's
own sqlite3 module on purpose: a second SQLite library in the same process (such as ADBC's) keeps
separate file locks and can corrupt a WAL database that both open.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from sqlalchemy import BigInteger, Boolean, ColumnElement, Engine, Float, Integer, String, Table, Text, select

from crimedesk.domain.progress import CancelFn, check_cancel, never_cancel
from crimedesk.storage.arrow_rows import driver_struct, rows_batch
from crimedesk.storage.dbapi import dbapi_cursor
from crimedesk.storage.schema import LocalTime

CHUNK_ROWS = 200_000


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
    sql = str(query.compile(store, compile_kwargs={"literal_binds": True}))
    read = _postgres if store.dialect.name == "postgresql" else _sqlite
    return schema, read(store, sql, schema, cancel)


def read_arrow(
    store: Engine,
    table: Table,
    names: tuple[str, ...] | None = None,
    where: ColumnElement[bool] | None = None,
) -> pa.Table:
    """:func:`arrow_batches` as one table, for the small tables."""
    schema, batches = arrow_batches(store, table, names, where)
    return pa.Table.from_batches(list(batches), schema=schema)


def _sqlite(store: Engine, sql: str, schema: pa.Schema, cancel: CancelFn) -> Iterator[pa.RecordBatch]:
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
