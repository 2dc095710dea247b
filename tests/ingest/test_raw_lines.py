"""The text kept with a rejected row, built column by column in Arrow (rows.raw_lines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from crimedesk.ingest.rows import raw_line, raw_lines

EDGES = [
    "plain", "", "a,b", 'say "hi"', '"', ",", "two\nlines", "cr\rhere", "\x00nul", "bell\x07",
    "\u202eright to left", "\uf7ffbyte", " leading space", "tab\there", "é ü ß",
]  # fmt: skip


def _batch(columns: int, rows: int) -> pa.RecordBatch:
    arrays = [pa.array([EDGES[(i * 7 + j) % len(EDGES)] for i in range(rows)]) for j in range(columns)]
    return pa.RecordBatch.from_arrays(arrays, names=[f"c{j}" for j in range(columns)])


def test_real_rows_come_back_as_the_lines_of_the_file(chicago_sample: Path) -> None:
    """The export quotes a field only when it must, so the rebuilt text is its line, byte for byte."""
    lines = chicago_sample.read_text(encoding="utf-8").splitlines()[1:]
    names = pcsv.read_csv(chicago_sample).column_names
    table = pcsv.read_csv(
        chicago_sample,
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    batch = table.combine_chunks().to_batches()[0]
    picked = np.arange(0, batch.num_rows, 3)
    assert raw_lines(batch, picked) == [lines[row] for row in picked]


def test_edge_values_as_the_csv_module_writes_them() -> None:
    """Quotes, delimiters, line breaks, control characters and unreadable bytes: the same text
    as the row-by-row csv.writer path (raw_line), in any order of rows asked for."""
    batch = _batch(4, 120)
    rows = np.array([5, 0, 119, 37, 37, 64])
    assert raw_lines(batch, rows) == [raw_line(batch, int(row)) for row in rows]
    assert "\\x00nul" in "".join(raw_lines(batch, np.arange(120)))  # escaped, never a raw NUL


def test_one_column_records_and_no_rows() -> None:
    batch = pa.RecordBatch.from_arrays([pa.array(EDGES)], names=["only"])
    assert raw_lines(batch, np.arange(len(EDGES))) == [raw_line(batch, row) for row in range(len(EDGES))]
    assert raw_lines(batch, np.arange(len(EDGES)))[1] == '""'  # an empty one-field record
    assert raw_lines(batch, np.empty(0, np.int64)) == []
