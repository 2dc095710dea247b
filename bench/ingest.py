"""Import the Chicago 2016-17 file (536,605 rows) and compare with DuckDB and a naive pandas path.

    .venv/bin/python bench/ingest.py              # SQLite + PostgreSQL + baselines, 3 rounds
    .venv/bin/python bench/ingest.py --no-pg --rounds 1
    .venv/bin/python bench/ingest.py --size 7m     # the tiled history (bench/history.py), 3 variants
    .venv/bin/python bench/ingest.py --size 7m --variant keyless   # one of them

crimedesk's figure is end to end: detection, validation, cleaning, projection, de-duplication,
the district region join (the district layer is loaded first) and the commit. It also imports
the same file a second time into its store, the case of an updated export imported over the last
one (every row looked up). Each measurement runs in its own process; peak memory is that
process's maximum RSS (for crimedesk, plus its reading process's).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    DATA,
    children_peak_rss_mb,
    create_pg_database,
    drop_pg_database,
    peak_rss_mb,
    report,
    run_child,
)

CHICAGO = DATA / "chicago_crimes_2016_2017.csv.gz"
DISTRICTS = DATA / "chicago_police_districts_2012.geojson"
ROWS = 536_605
DATE_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def crimedesk_import(url: str, again: bool = False) -> None:
    """The import into a fresh store; with ``again``, the same file's second import (every row
    looked up and found unchanged), as when an updated export is imported over the last one."""
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    import_boundary_layer(
        engine, DISTRICTS, layer_name="districts", id_field="DIST_NUM", incident_field="district"
    )
    if again:
        import_file(engine, CHICAGO)
    started = time.perf_counter()
    result = import_file(engine, CHICAGO, again=again)  # the same bytes: read again only when asked
    seconds = time.perf_counter() - started
    assert result.counts.reconciles() and result.counts.rows_read == ROWS, result.summary()
    assert result.counts.unchanged == (ROWS if again else 0), result.summary()
    # Importer and reading process together: an upper bound, their peaks need not coincide.
    report(seconds=seconds, peak_mb=peak_rss_mb() + children_peak_rss_mb(), summary=result.summary())


def duckdb_read_csv(path: str) -> None:
    import duckdb

    started = time.perf_counter()
    with duckdb.connect(path) as conn:
        conn.execute(f"CREATE TABLE crimes AS SELECT * FROM read_csv('{CHICAGO}')")
        rows = conn.execute("SELECT count(*) FROM crimes").fetchall()[0][0]
    seconds = time.perf_counter() - started
    assert rows == ROWS
    report(seconds=seconds, peak_mb=peak_rss_mb())


def naive_pandas(path: str, date_format: str | None = None) -> None:
    """read_csv + to_datetime + to_sql, as written without tuning (or with the format given)."""
    import sqlite3

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(CHICAGO)
    for column in ("Date", "Updated On"):
        frame[column] = pd.to_datetime(frame[column], format=date_format)
    with sqlite3.connect(path) as conn:
        frame.to_sql("crimes", conn, index=False, chunksize=50_000)
    report(seconds=time.perf_counter() - started, peak_mb=peak_rss_mb())


MEASURES = {  # name: (child, where it writes; {tmp} is a fresh directory each round)
    "crimedesk (SQLite)": ("crimedesk", "sqlite:///{tmp}/crimedesk.sqlite"),
    "DuckDB read_csv": ("duckdb", "{tmp}/duck.db"),
    "naive pandas": ("pandas", "{tmp}/naive.sqlite"),
    "pandas, explicit format": ("pandas-format", "{tmp}/tuned.sqlite"),
    "crimedesk re-import": ("crimedesk-again", "sqlite:///{tmp}/again.sqlite"),
}


def one_round(with_pg: bool) -> dict[str, dict]:
    me = Path(__file__)
    with tempfile.TemporaryDirectory() as tmp:
        figures = {
            name: run_child(me, child, where.format(tmp=tmp)) for name, (child, where) in MEASURES.items()
        }
    if with_pg:
        url, handle = create_pg_database()
        try:
            figures["crimedesk (PostgreSQL)"] = run_child(me, "crimedesk", url)
        finally:
            drop_pg_database(handle)
    return figures


def main(with_pg: bool, rounds: int) -> None:
    """Every measurement once per round, interleaved, so that drifts in the machine's speed (seen
    here at +-20 % from minute to minute) touch crimedesk and its baselines alike; medians printed."""
    runs = [one_round(with_pg) for _ in range(rounds)]
    seconds = {name: [run[name]["seconds"] for run in runs] for name in runs[0]}
    median = {name: statistics.median(values) for name, values in seconds.items()}
    ours = median["crimedesk (SQLite)"]
    peak = max(run["crimedesk (SQLite)"]["peak_mb"] for run in runs)
    print(f"Chicago 2016-17, {ROWS:,} rows ({CHICAGO.name}); median of {rounds} interleaved rounds")
    print(runs[0]["crimedesk (SQLite)"]["summary"])
    for name, values in seconds.items():
        print(
            f"  {name:24s} {median[name]:6.2f} s ({min(values):.2f}-{max(values):.2f})"
            f"  {ROWS / median[name]:>9,.0f} rows/s  ratio to crimedesk SQLite {median[name] / ours:5.2f}"
        )
    per_round = [(run["crimedesk (SQLite)"]["seconds"], run) for run in runs]
    duck = ", ".join(f"{t / run['DuckDB read_csv']['seconds']:.2f}x" for t, run in per_round)
    naive = ", ".join(f"{run['naive pandas']['seconds'] / t:.2f}x" for t, run in per_round)
    print(f"targets: >= 100,000 rows/s (SQLite): {ROWS / ours:,.0f} (median)")
    print(f"         <= 3x DuckDB, each round: {duck}")
    print(f"         >= 3x faster than naive pandas, each round: {naive}")
    print(f"         peak < 1,500 MB (importer and reading process): {peak:.0f} MB")
    again = median["crimedesk re-import"]
    print(f"re-import of the unchanged file (SQLite): {again:.2f} s, {again / ours:.2f}x the first import")
    if with_pg:
        pg = median["crimedesk (PostgreSQL)"]
        print(f"PostgreSQL: {ROWS / pg:,.0f} rows/s (median; target >= 60,000)")


def crimedesk_import_file(url: str, path: str, rows: str) -> None:
    """One first import of a history file (bench/history.py) into a fresh store."""
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    import_boundary_layer(
        engine, DISTRICTS, layer_name="districts", id_field="DIST_NUM", incident_field="district"
    )
    started = time.perf_counter()
    result = import_file(engine, path)
    seconds = time.perf_counter() - started
    assert result.counts.reconciles() and result.counts.rows_read == int(rows), result.summary()
    report(
        seconds=seconds,
        peak_mb=peak_rss_mb(),
        reader_peak_mb=children_peak_rss_mb(),
        rejected=result.counts.rejected,
        summary=result.summary(),
    )


def duckdb_read_file(path: str, csv_path: str) -> None:
    import duckdb

    started = time.perf_counter()
    with duckdb.connect(path) as conn:
        conn.execute(f"CREATE TABLE crimes AS SELECT * FROM read_csv('{csv_path}')")
        rows = conn.execute("SELECT count(*) FROM crimes").fetchall()[0][0]
    report(seconds=time.perf_counter() - started, peak_mb=peak_rss_mb(), rows=rows)


def psql_copy(url: str, csv_path: Path, columns: int) -> dict:
    """``\\copy`` of the raw CSV into a table of text columns, by psql, timed from here."""
    import subprocess

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    fields = ", ".join(f"c{i} text" for i in range(columns))
    subprocess.run(["psql", dsn, "-qc", f"CREATE TABLE raw_copy ({fields})"], check=True)
    started = time.perf_counter()
    subprocess.run(
        ["psql", dsn, "-qc", f"\\copy raw_copy FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"], check=True
    )
    return {"seconds": time.perf_counter() - started}  # psql's memory is not the question here


def scale_round(size: str, variant: str, with_pg: bool) -> dict[str, dict]:
    from bench.history import expected_rows, history_path

    path = history_path(size, variant)
    rows = str(expected_rows(size, variant)["rows"])
    me = Path(__file__)
    with tempfile.TemporaryDirectory() as tmp:
        figures = {
            "crimedesk (SQLite)": run_child(
                me, "crimedesk-file", f"sqlite:///{tmp}/s.sqlite", str(path), rows
            ),
            "DuckDB read_csv": run_child(me, "duckdb-file", f"{tmp}/duck.db", str(path)),
        }
    if with_pg:
        for name, measure in (("crimedesk (PostgreSQL)", "pg"), ("psql \\copy", "copy")):
            url, handle = create_pg_database()
            try:
                if measure == "pg":
                    figures[name] = run_child(me, "crimedesk-file", url, str(path), rows)
                else:
                    columns = len(path.open().readline().split(","))
                    figures[name] = psql_copy(url, path, columns)
            finally:
                drop_pg_database(handle)
    return figures


def scale_main(size: str, variants: tuple[str, ...], with_pg: bool) -> None:
    """Variants of the tiled history, each measured once (they take minutes at 7 M)."""
    import os

    from bench.history import expected_rows

    for variant in variants:
        figures = scale_round(size, variant, with_pg)
        rows = expected_rows(size, variant)["rows"]
        print(f"history {size}, {variant}: {rows:,} rows; load average {os.getloadavg()[0]:.2f}")
        print("  " + figures["crimedesk (SQLite)"]["summary"])
        for name, got in figures.items():
            peak = f"  peak {got['peak_mb']:,.0f} MB" if "peak_mb" in got else ""
            reader = f", reading process {got['reader_peak_mb']:,.0f} MB" if "reader_peak_mb" in got else ""
            print(
                f"  {name:24s} {got['seconds']:7.2f} s {rows / got['seconds']:>10,.0f} rows/s{peak}{reader}"
            )
        ratio = figures["crimedesk (SQLite)"]["seconds"] / figures["DuckDB read_csv"]["seconds"]
        print(f"  SQLite / DuckDB read_csv: {ratio:.2f}x (target <= 2)")
        if with_pg:
            pg = figures["crimedesk (PostgreSQL)"]["seconds"] / figures["psql \\copy"]["seconds"]
            print(f"  PostgreSQL / psql \\copy: {pg:.2f}x (target <= 3)")


if __name__ == "__main__":
    children = {
        "crimedesk": crimedesk_import,
        "crimedesk-again": lambda url: crimedesk_import(url, again=True),
        "duckdb": duckdb_read_csv,
        "pandas": naive_pandas,
        "pandas-format": lambda path: naive_pandas(path, DATE_FORMAT),
    }
    if len(sys.argv) == 3 and sys.argv[1] in children:  # one measurement, in its own process
        children[sys.argv[1]](sys.argv[2])
    elif sys.argv[1:2] == ["crimedesk-file"]:
        crimedesk_import_file(*sys.argv[2:])
    elif sys.argv[1:2] == ["duckdb-file"]:
        duckdb_read_file(*sys.argv[2:])
    elif "--size" in sys.argv:
        from bench.history import VARIANTS

        chosen = sys.argv[sys.argv.index("--variant") + 1] if "--variant" in sys.argv else None
        size = sys.argv[sys.argv.index("--size") + 1]
        scale_main(size, (chosen,) if chosen else VARIANTS, with_pg="--no-pg" not in sys.argv)
    else:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
        main(with_pg="--no-pg" not in sys.argv, rounds=rounds)
