"""Turn a validated batch into the Arrow table of rows to store, and rejected rows into records."""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.columns import IMPORTED_COLUMNS
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.textstream import escaped
from crimedesk.ingest.validate.dates import MISSING

DISTINCT_COLUMNS = ("source_key", "case_number")  # one value per incident, or nearly
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
    """The accepted rows of ``batch`` as a table with IMPORTED_COLUMNS, in file order."""
    n = len(batch)
    values = dict(batch.values)
    values["source"] = pa.array(np.full(n, source, dtype=object), type=pa.string())
    values["xy_epsg"] = pa.array(np.full(n, xy_epsg or 0, dtype=np.int32), mask=np.full(n, xy_epsg is None))
    values["quality_flags"] = batch.flags
    table = pa.table({name: _arrow(name, values[name]) for name in IMPORTED_COLUMNS})
    mask = batch.accepted_mask()
    return table if mask.all() else table.filter(pa.array(mask))


def record_text(raw: pa.RecordBatch, row: int) -> str:
    """The row re-written as one CSV record (the source text, field by field)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(col[row].as_py() for col in raw.columns)
    return buffer.getvalue()


def raw_line(raw: pa.RecordBatch, row: int) -> str:
    """The record's text as stored with a rejection: control characters and unreadable bytes
    escaped (textstream.escaped)."""
    return escaped(record_text(raw, row))


def rejected_records(batch: Batch) -> list[tuple[int, str, str]]:
    """(line number, raw text, reasons) for every rejected row of ``batch``."""
    return [
        (int(batch.lines[row]), raw_line(batch.raw, row), "; ".join(reasons))
        for row, reasons in sorted(batch.reasons.items())
    ]


def key_hashes(table: pa.Table) -> np.ndarray:
    """64-bit hashes of the source keys (pure: computed ahead, by the reading process).

    Vectorised over the Arrow string buffers, so the reading process needs no pandas. Equal keys
    always hash alike, in any batch and any process; a rare collision only sends a key to the
    exact comparison in dedupe, never merges two keys.
    """
    keys = pc.fill_null(table.column("source_key").combine_chunks().cast(pa.string()), "")
    offsets = np.frombuffer(keys.buffers()[1], dtype=np.int32)[keys.offset : keys.offset + len(keys) + 1]
    data = np.frombuffer(keys.buffers()[2] or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]
    starts, lengths = offsets[:-1] - offsets[0], np.diff(offsets)
    position = np.arange(len(data)) - np.repeat(starts, lengths)
    terms = (data.astype(np.uint64) + np.uint64(1)) * _POWERS[np.minimum(position, len(_POWERS) - 1)]
    sums = np.zeros(len(keys), dtype=np.uint64)
    filled = lengths > 0
    if filled.any():
        sums[filled] = np.add.reduceat(terms, starts[filled])
    return _mix(sums ^ lengths.astype(np.uint64)).view(np.int64)


def _powers(count: int) -> np.ndarray:
    return np.array([pow(0x100000001B3, i, 1 << 64) for i in range(count)], dtype=np.uint64)


_POWERS = _powers(4096)  # longer keys share the last weight: still deterministic, just weaker


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole hash."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
