"""Turn a validated batch into the Arrow table of rows to store, and rejected rows into records."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa

from crimedesk.ingest.batch import Batch
from crimedesk.ingest.validate.dates import MISSING

INCIDENT_COLUMNS = (
    "source",
    "source_key",
    "case_number",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "offense_code",
    "offense_type",
    "offense_description",
    "law_category",
    "category",
    "location_description",
    "block",
    "arrest",
    "domestic",
    "district",
    "beat",
    "ward",
    "community_area",
    "precinct",
    "borough",
    "latitude",
    "longitude",
    "x",
    "y",
    "xy_epsg",
    "mappable",
    "quality_flags",
    "source_updated_at",
)
TIME_COLUMNS = ("occurred_from", "occurred_to", "reported_at", "source_updated_at")
FLOAT_COLUMNS = ("latitude", "longitude", "x", "y")


def _arrow(name: str, values: object) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    if name in TIME_COLUMNS:
        return pa.array(values, type=pa.int64(), mask=values == MISSING)
    if name in FLOAT_COLUMNS:
        return pa.array(values, type=pa.float64(), from_pandas=True)
    if name in ("arrest", "domestic"):
        return pa.array(values, type=pa.bool_())
    return pa.array(values)


def accepted_table(batch: Batch, source: str, xy_epsg: int | None) -> pa.Table:
    """The accepted rows of ``batch`` as a table with INCIDENT_COLUMNS, in file order."""
    n = len(batch)
    values = dict(batch.values)
    values["source"] = pa.array(np.full(n, source, dtype=object), type=pa.string())
    values["xy_epsg"] = pa.array(np.full(n, xy_epsg or 0, dtype=np.int32), mask=np.full(n, xy_epsg is None))
    values["quality_flags"] = batch.flags
    table = pa.table({name: _arrow(name, values[name]) for name in INCIDENT_COLUMNS})
    mask = batch.accepted_mask()
    return table if mask.all() else table.filter(pa.array(mask))


def raw_line(batch: Batch, row: int) -> str:
    """The row re-written as one CSV record (the source text, field by field)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(col[row].as_py() for col in batch.raw.columns)
    return buffer.getvalue()


def rejected_records(batch: Batch) -> list[tuple[int, str, str]]:
    """(line number, raw text, reasons) for every rejected row of ``batch``."""
    return [
        (int(batch.lines[row]), raw_line(batch, row), "; ".join(reasons))
        for row, reasons in sorted(batch.reasons.items())
    ]


def key_hashes(table: pa.Table) -> np.ndarray:
    """64-bit hashes of the source keys (pure: computed ahead, by the reading process)."""
    keys = table.column("source_key").to_numpy(zero_copy_only=False)
    return pd.util.hash_array(keys.astype(object)).astype(np.int64)
