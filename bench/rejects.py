"""Rejected rows against stored ones: preparing 300k rows that are all rejected (no ID) and the
same 300k rows keyed, in one process, and the row-by-row raw-text rebuild it replaced.

    .venv/bin/python bench/rejects.py
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import DATA

ROWS = 300_000


def _files(folder: Path) -> tuple[Path, Path]:
    with gzip.open(DATA / "chicago_crimes_2016_2017.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        lines = [next(handle) for _ in range(ROWS + 1)]
    keyed, keyless = folder / "keyed.csv", folder / "keyless.csv"
    keyed.write_text("".join(lines), encoding="utf-8", newline="")
    unkeyed = [lines[0]] + ["," + line.partition(",")[2] for line in lines[1:]]
    keyless.write_text("".join(unkeyed), encoding="utf-8", newline="")
    return keyed, keyless


def _prepare(path: Path) -> tuple[float, int]:
    from crimedesk.ingest.prepare import Preparer
    from crimedesk.ingest.profiles import all_profiles
    from crimedesk.ingest.source import inspect_file

    preparer = Preparer(inspect_file(path), all_profiles()["chicago"])
    started = time.perf_counter()
    rejected = sum(len(prepared.rejected) for prepared in preparer.batches())
    return time.perf_counter() - started, rejected


def _row_by_row(path: Path) -> float:
    """The rebuild the rejected rows used to get: each record written field by field."""
    import pyarrow as pa

    from crimedesk.ingest.rows import raw_line
    from crimedesk.ingest.source import RowSink, inspect_file, open_batches

    started = time.perf_counter()
    for raw in open_batches(inspect_file(path), RowSink()):
        batch = pa.RecordBatch.from_arrays(raw.columns, names=raw.schema.names)
        for row in np.arange(batch.num_rows):
            raw_line(batch, int(row))
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        keyed, keyless = _files(Path(tmp))
        stored, _ = _prepare(keyed)
        rejecting, rejected = _prepare(keyless)
        old = _row_by_row(keyless)
    assert rejected == ROWS
    print(f"preparing {ROWS:,} rows; load average {os.getloadavg()[0]:.2f}")
    print(f"  all stored (keyed):     {stored:6.2f} s  {stored / ROWS * 1e6:5.2f} us/row")
    print(f"  all rejected (no ID):   {rejecting:6.2f} s  {rejecting / ROWS * 1e6:5.2f} us/row")
    print(f"  rejected / stored per row: {rejecting / stored:.2f}x (target <= 1)")
    print(
        f"  baseline, the row-by-row raw text alone: {old:.2f} s ({old / rejecting:.1f}x the whole new path)"
    )


if __name__ == "__main__":
    main()
