"""The filtered incidents as arrow batches, read from the store in chunks (bounded memory)."""

from __future__ import annotations

from collections.abc import Generator

import pyarrow as pa
from sqlalchemy import BigInteger, Connection, select, type_coerce

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.domain.filters import FilterSnapshot
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
CHUNK_ROWS = 50_000


def incident_batches(
    conn: Connection, filters: FilterSnapshot, chunk_rows: int = CHUNK_ROWS
) -> Generator[pa.RecordBatch]:
    """The filtered incidents in id order, ``chunk_rows`` at a time, times as local timestamps.

    One streamed query (a server-side cursor on PostgreSQL): only one chunk is held at a time.
    """
    columns = [
        type_coerce(incidents.c[name], BigInteger).label(name) if name in TIME_COLUMNS else incidents.c[name]
        for name in INCIDENT_SCHEMA.names
    ]
    query = select(*columns).where(where_clause(filters, incidents)).order_by(incidents.c.id)
    with conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(query) as result:
        for rows in result.partitions(chunk_rows):
            yield _batch(list(zip(*rows, strict=True)))


def _batch(columns: list[tuple]) -> pa.RecordBatch:
    arrays = []
    for field, values in zip(INCIDENT_SCHEMA, columns, strict=True):
        if pa.types.is_timestamp(field.type):
            arrays.append(pa.array(values, pa.int64()).cast(field.type))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=INCIDENT_SCHEMA)
