"""Turn a validated batch into the Arrow table of rows to store, and rejected rows into records."""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.arrow_buffers import offsets_and_bytes
from crimedesk.domain.columns import IMPORTED_COLUMNS
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.string_hashes import string_hashes
from crimedesk.ingest.textstream import CONTROL_CHARS, escaped
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
    """The row re-written as one CSV record (the source text, field by field; a field holding a
    line break quoted, as the source must have had it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(col[row].as_py() for col in raw.columns)
    return buffer.getvalue()[:-2]


def raw_line(raw: pa.RecordBatch, row: int) -> str:
    """The record's text as stored with a rejection: control characters and unreadable bytes
    escaped (textstream.escaped)."""
    return escaped(record_text(raw, row))


def raw_lines(raw: pa.RecordBatch, rows: np.ndarray) -> list[str]:
    """:func:`raw_line` of each of ``rows``, computed column by column in Arrow.

    A rejected row costs as little as a stored one: only the rare record holding a control
    character goes through Python, to be escaped.
    """
    if len(rows) == 0:
        return []
    picked = raw.take(pa.array(rows, type=pa.int64()))
    fields = [_csv_field(column, raw.num_columns == 1) for column in picked.columns]
    joined = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
    texts = joined.to_pylist()
    for row in np.flatnonzero(pc.match_substring_regex(joined, _CONTROL_PATTERN).to_numpy(False)):
        texts[row] = escaped(texts[row])
    return texts


_NEEDS_QUOTES = '[,"\r\n]'  # what makes csv.writer (comma, minimal quoting) quote a field
_CONTROL_PATTERN = f"[{CONTROL_CHARS}]"


def _csv_field(column: pa.Array, alone: bool) -> pa.Array:
    """Each value written as csv.writer writes a field: quoted, its quotes doubled, when needed
    (and, in a one-column record, when empty); a missing value is an empty field. Most columns
    hold none of the bytes that need quotes: one scan of their bytes says so."""
    column = pc.fill_null(column.cast(pa.string()), "")
    found = _special_bytes(column)
    if not found and not alone:
        return column
    needs = pc.match_substring_regex(column, _NEEDS_QUOTES) if found else pc.equal(column, "")
    if alone and found:
        needs = pc.or_(needs, pc.equal(column, ""))
    doubled = pc.replace_substring(column, '"', '""') if b'"' in found else column
    quoted = pc.binary_join_element_wise('"', doubled, '"', "")
    return pc.if_else(needs, quoted, column)


def _special_bytes(column: pa.Array) -> bytes:
    """Which of the bytes that make a field quoted (comma, quote, CR, LF) the column holds."""
    offsets, data = offsets_and_bytes(column)
    present = np.bincount(data[offsets[0] : offsets[-1]], minlength=256)
    return bytes(byte for byte in b',"\r\n' if present[byte])


def rejected_records(batch: Batch) -> list[tuple[int, str, str]]:
    """(line number, raw text, reasons) for every rejected row of ``batch``."""
    rows = sorted(batch.reasons)
    positions = np.array(rows, dtype=np.int64)
    texts = raw_lines(batch.raw, positions)
    reasons = ["; ".join(batch.reasons[row]) for row in rows]
    return list(zip(batch.lines[positions].tolist(), texts, reasons, strict=True))


def key_hashes(table: pa.Table) -> np.ndarray:
    """64-bit hashes of the source keys (pure: computed ahead, by the reading process). Equal keys
    always hash alike, in any batch and any process; a rare collision only sends a key to the
    exact comparison in dedupe, never merges two keys."""
    return string_hashes(table.column("source_key"))
