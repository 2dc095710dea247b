"""Build (once, cached outside the repository) a city's whole history for the scale benchmarks.

    .venv/bin/python bench/history.py --size 7m              # all three variants, path printed
    .venv/bin/python bench/history.py --size 1m --variant keyless

The Chicago 2016-17 export (536,605 rows) is tiled: copy k is shifted back by k whole years
(k = 0, 1, ...), so 13 copies cover 2004-2017 with about 7 million rows. Each copy gets fresh
ids (ID + k * 20,000,000) and case numbers (a letter before the real one); dates keep the
portal's text format (29 February becomes the 28th in a common year), and every other field is
the real one. Variants:

- ``clean``: as above;
- ``keyless``: every tenth row has an empty ``ID`` (rejected by the Chicago profile);
- ``updates``: after each copy, 5 % of its rows again with a newer ``Updated On`` and another
  ``Arrest`` value (updates inside one file).

Files go to $CRIMEDESK_BENCH_CACHE (default /work/cache/crimedesk-bench, else the temp directory)
and are built only when missing. Never commit them.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import DATA

CHICAGO = DATA / "chicago_crimes_2016_2017.csv.gz"
SOURCE_ROWS = 536_605
COPIES = {"536k": 1, "1m": 2, "2m": 4, "7m": 13}  # size label: number of shifted copies
VARIANTS = ("clean", "keyless", "updates")
ID_STRIDE = 20_000_000  # above every real Chicago ID
UPDATE_SHARE = 0.05
NEWER_UPDATED_ON = "01/15/2025 09:30:00 AM"  # later than any Updated On of the export
CASE_PREFIXES = "ABCDEFLMNOPQRSTUVW"


def cache_dir() -> Path:
    default = Path("/work/cache/crimedesk-bench")
    chosen = Path(os.environ.get("CRIMEDESK_BENCH_CACHE", default))
    try:
        chosen.mkdir(parents=True, exist_ok=True)
    except OSError:
        chosen = Path(tempfile.gettempdir()) / "crimedesk-bench"
        chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def history_path(size: str, variant: str = "clean") -> Path:
    """The cached history file of ``size`` and ``variant``, built first when missing."""
    path = cache_dir() / f"chicago_history_{size}_{variant}.csv"
    # one builder at a time (pytest workers ask at once); the others wait, then find it built
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build(path, COPIES[size], variant)
    return path


def expected_rows(size: str, variant: str = "clean") -> dict[str, int]:
    """Rows the file holds, and how many of them carry a key and how many repeat a key."""
    copies = COPIES[size]
    base = SOURCE_ROWS * copies
    keyless = sum(len(range(0, SOURCE_ROWS, 10)) for _ in range(copies)) if variant == "keyless" else 0
    repeats = copies * _update_rows(SOURCE_ROWS).size if variant == "updates" else 0
    return {"rows": base + repeats, "keyless": keyless, "repeats": repeats}


def _read_source() -> pa.Table:
    names = pcsv.read_csv(CHICAGO, read_options=pcsv.ReadOptions(block_size=1 << 20)).column_names
    return pcsv.read_csv(
        CHICAGO,
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )


def _shift_date(column: pa.ChunkedArray, years: int) -> pa.ChunkedArray:
    """``MM/DD/YYYY hh:mm:ss AM`` moved back by ``years``; 29 February becomes the 28th when
    the new year is not a leap year."""
    month_day = pc.utf8_slice_codeunits(column, 0, 6)
    year = pc.subtract(pc.cast(pc.utf8_slice_codeunits(column, 6, 10), pa.int32()), years)
    leap = pc.and_(
        pc.equal(pc.bit_wise_and(year, 3), 0),
        pc.or_(pc.not_equal(pc.remainder(year, 100), 0), pc.equal(pc.remainder(year, 400), 0)),
    )
    month_day = pc.if_else(
        pc.and_(pc.equal(month_day, "02/29/"), pc.invert(leap)), pa.scalar("02/28/"), month_day
    )
    rest = pc.utf8_slice_codeunits(column, 10)
    return pc.binary_join_element_wise(month_day, pc.cast(year, pa.string()), rest, "")


def _update_rows(rows: int) -> np.ndarray:
    """The rows repeated with a newer Updated On: every twentieth."""
    return np.arange(0, rows, int(1 / UPDATE_SHARE))


def shifted_copy(source: pa.Table, k: int, variant: str) -> pa.Table:
    """Copy ``k`` of the source: ``k`` years earlier, fresh ids and case numbers."""
    columns = {name: source.column(name) for name in source.column_names}
    if k:
        ids = pc.add(pc.cast(columns["ID"], pa.int64()), k * ID_STRIDE)
        columns["ID"] = pc.cast(ids, pa.string())
        columns["Case Number"] = pc.binary_join_element_wise(CASE_PREFIXES[k - 1], columns["Case Number"], "")
        columns["Date"] = _shift_date(columns["Date"], k)
        year = pc.subtract(pc.cast(columns["Year"], pa.int32()), k)
        columns["Year"] = pc.cast(year, pa.string())
    if variant == "keyless":
        keyless = np.zeros(source.num_rows, dtype=bool)
        keyless[::10] = True
        columns["ID"] = pc.if_else(pa.array(keyless), pa.scalar(""), columns["ID"])
    copy = pa.table(columns)
    if variant == "updates":
        again = copy.take(pa.array(_update_rows(copy.num_rows)))
        flipped = pc.if_else(pc.equal(again.column("Arrest"), "true"), "false", "true")
        again = again.set_column(again.column_names.index("Arrest"), "Arrest", flipped)
        newer = pa.array([NEWER_UPDATED_ON] * again.num_rows)
        again = again.set_column(again.column_names.index("Updated On"), "Updated On", newer)
        copy = pa.concat_tables([copy, again])
    return copy


def _as_written(table: pa.Table) -> pa.Table:
    """Empty strings as nulls, so the writer leaves the field empty as the portal does (not "")."""
    return pa.table(
        {name: pc.if_else(pc.equal(table[name], ""), None, table[name]) for name in table.column_names}
    )


def build(path: Path, copies: int, variant: str) -> None:
    """Write the copies one by one (DuckDB quotes a field only when it must, as the portal does)."""
    import duckdb

    source = _read_source()
    partial = path.with_suffix(".partial")
    part = path.with_suffix(".part")
    with partial.open("wb") as sink, duckdb.connect() as conn:
        sink.write((",".join(source.column_names) + "\n").encode())
        for k in range(copies):
            conn.register("tile", _as_written(shifted_copy(source, k, variant)))
            conn.execute(f"COPY tile TO '{part}' (FORMAT csv, HEADER false)")
            with part.open("rb") as written:
                shutil.copyfileobj(written, sink, 1 << 22)
            conn.unregister("tile")
            print(f"  copy {k + 1}/{copies} written", file=sys.stderr)
    part.unlink()
    partial.replace(path)  # a process killed mid-build leaves no file taken for a whole one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(COPIES), default="7m")
    parser.add_argument("--variant", choices=(*VARIANTS, "all"), default="all")
    args = parser.parse_args()
    for variant in VARIANTS if args.variant == "all" else (args.variant,):
        path = history_path(args.size, variant)
        expected = expected_rows(args.size, variant)
        print(f"{path}  {path.stat().st_size / 1e9:.2f} GB  {expected['rows']:,} rows ({variant})")


if __name__ == "__main__":
    main()
