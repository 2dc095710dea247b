"""The filtered incidents as arrow batches, read from the store in chunks (bounded memory).

The rows come straight from the driver's cursor (sqlite3, psycopg) and go to Arrow in one
conversion per chunk: SQLAlchemy's result rows and a Python transpose cost more than the read.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import closing

import pyarrow as pa
from sqlalchemy import BigInteger, ColumnElement, Connection, Integer, Select, cast, select, type_coerce

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.arrow_rows import driver_struct, rows_batch
from crimedesk.storage.dbapi import driver_statement, streaming_cursor
from crimedesk.storage.schema import incidents

TIME_COLUMNS = ("occurred_from", "occurred_to", "reported_at")
TEXT_COLUMNS = (
    "source",
    "source_key",
    "case_number",
    "offense_code",
    "offense_type",
    "offense_description",
    "law_category",
    "category",
    "location_description",
    "block",
    "district",
    "beat",
    "ward",
    "community_area",
    "precinct",
    "borough",
)
#: Every exported column and its type, in file order.
INCIDENT_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        *((name, pa.string()) for name in TEXT_COLUMNS[:2]),
        ("case_number", pa.string()),
        *((name, pa.timestamp("s")) for name in TIME_COLUMNS),
        *((name, pa.string()) for name in TEXT_COLUMNS[3:]),
        ("arrest", pa.bool_()),
        ("domestic", pa.bool_()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)
_RAW = driver_struct(INCIDENT_SCHEMA)
CHUNK_ROWS = 50_000


def incident_batches(
    conn: Connection, filters: FilterSnapshot, chunk_rows: int = CHUNK_ROWS
) -> Generator[pa.RecordBatch]:
    """The filtered incidents in id order, ``chunk_rows`` at a time, times as local timestamps.

    One streamed query (a server-side cursor on PostgreSQL): only one chunk is held at a time.
    Closing the generator closes the cursor.
    """
    sql, params = driver_statement(conn, _query(filters))
    with closing(streaming_cursor(conn)) as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_rows):
            yield rows_batch(rows, INCIDENT_SCHEMA, _RAW)


def _query(filters: FilterSnapshot) -> Select:
    """The exported columns of the filtered incidents in id order; times and booleans as integers."""
    columns = [_raw_column(name) for name in INCIDENT_SCHEMA.names]
    return select(*columns).where(where_clause(filters, incidents)).order_by(incidents.c.id)


def _raw_column(name: str) -> ColumnElement:
    column = incidents.c[name]
    if name in TIME_COLUMNS:
        return type_coerce(column, BigInteger).label(name)
    if INCIDENT_SCHEMA.field(name).type == pa.bool_():
        return cast(column, Integer).label(name)
    return column
