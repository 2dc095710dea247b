"""Canonical incidents from the store as the DataFrame every model trains and scores on.

Only the requested columns are selected and rows arrive in chunks (``yield_per``), so loading a
city-sized slice never builds a million Python ``datetime`` objects: the ``LocalTime`` columns are
read as their stored integer seconds and converted by pandas in one vectorised step per chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Column, ColumnElement, Connection, select, true, type_coerce

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import LocalTime, incidents

MODEL_COLUMNS: tuple[str, ...] = (
    "occurred_from",
    "occurred_to",  # the end of a time window (NaT for a point time): aoristic hour features
    "x",
    "y",
    "category",
    "offense_type",
    "location_description",
    "district",
    "beat",
    "community_area",
    "mappable",
    "xy_epsg",
)
TEXT_COLUMNS = ("category", "offense_type", "location_description", "district", "beat", "community_area")
CHUNK_ROWS = 50_000


def incidents_frame(
    conn: Connection,
    filters: FilterSnapshot | None = None,
    columns: Sequence[str] = MODEL_COLUMNS,
    chunk_rows: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """Filtered incidents ordered by (occurred_from, id); times as ``datetime64[ns]``, text as strings.

    Missing region codes and descriptions become "" (a category of their own for encoders); missing
    coordinates stay NaN and ``mappable`` says whether the row may be used by spatial models.
    """
    unknown = [c for c in columns if c not in incidents.c]
    if unknown:
        raise ValueError(f"unknown incident columns {unknown}")
    selected = [_raw(incidents.c[name]) for name in columns]
    condition = true() if filters is None else where_clause(filters, incidents)
    query = select(*selected).where(condition).order_by(incidents.c.occurred_from, incidents.c.id)
    result = conn.execution_options(yield_per=chunk_rows).execute(query)
    chunks = [pd.DataFrame(part, columns=list(columns)) for part in result.partitions()]
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(columns))
    return _typed(frame)


def data_fingerprint(conn: Connection, filters: FilterSnapshot | None = None) -> str:
    """sha256 over the filtered rows' ids and source-updated times: changes when the data does."""
    digest = hashlib.sha256()
    condition = true() if filters is None else where_clause(filters, incidents)
    updated = type_coerce(incidents.c.source_updated_at, BigInteger)
    query = select(incidents.c.id, updated).where(condition).order_by(incidents.c.id)
    for part in conn.execution_options(yield_per=CHUNK_ROWS).execute(query).partitions():
        pairs = np.array([(i, -1 if t is None else t) for i, t in part], dtype=np.int64)
        digest.update(pairs.tobytes())
    return digest.hexdigest()


def _raw(column: Column) -> ColumnElement:
    """LocalTime columns as their stored integer seconds (converted vectorised afterwards)."""
    if isinstance(column.type, LocalTime):
        return type_coerce(column, BigInteger).label(column.name)
    return column


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for name in frame.columns:
        column = incidents.c[name]
        if isinstance(column.type, LocalTime):
            frame[name] = pd.to_datetime(pd.to_numeric(frame[name]), unit="s").astype("datetime64[ns]")
        elif name in TEXT_COLUMNS:
            frame[name] = frame[name].fillna("").astype("string")
        elif name in ("x", "y", "latitude", "longitude"):
            frame[name] = pd.to_numeric(frame[name]).astype(float)
        elif name == "mappable":
            frame[name] = frame[name].astype(bool)
        elif name == "xy_epsg":
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
    return frame
