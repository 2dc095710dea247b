"""Time a dashboard refresh (every aggregate a filter change triggers) on 536k and ~5.4M incidents.

    .venv/bin/python bench/dashboard.py            # SQLite and PostgreSQL, 536k and 5.4M rows
    .venv/bin/python bench/dashboard.py --quick    # 536k rows, SQLite only
    .venv/bin/python bench/dashboard.py --size 7m  # the 7M history (bench/history.py), SQLite: cold start
    .venv/bin/python bench/dashboard.py --size 7m --store PATH   # a store already holding it

With ``--size 7m`` the SQLite store of the 7M clean history is imported once and kept beside the
history files; printed: the app's cold first start (no mirror) to a complete dashboard, the
mirror's copy time and peak memory (copying process and its reading process, each in a fresh
interpreter), and warm refreshes on the mirror, each beside the load average.

A refresh is what the Dashboard computes after a filter change: KPIs with the previous period,
the daily trend with its 28-day average, top offenses, the hour-of-week grid and the CompStat
table by district (crimedesk.analytics). The app runs them on its DuckDB mirror of the store
(crimedesk.analytics.mirror); the same functions straight on the store, and hand-written DuckDB SQL
on an in-memory copy of the rows, are printed beside it. The 5.4M-row store tiles 2016-17 over earlier years
(whole 52-week shifts, so weekdays stay). Also: app start to first painted window.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    DATA,
    ROOT,
    create_pg_database,
    drop_pg_database,
    peak_rss_mb,
    report,
    run_child,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

AS_OF = date(2017, 12, 31)
TILES = 10  # 2016-17 and 9 shifted copies: 5,366,050 incidents
SHIFT = 364 * 86_400 * 2  # two 52-week years


def refresh(conn, filters) -> None:
    from crimedesk.analytics.compstat import compstat
    from crimedesk.analytics.hour_of_week import hour_of_week
    from crimedesk.analytics.kpis import kpis
    from crimedesk.analytics.offenses import top_offenses
    from crimedesk.analytics.trend import trend

    kpis(conn, filters)
    trend(conn, filters, "day")
    top_offenses(conn, filters)
    hour_of_week(conn, filters)
    compstat(conn, filters, "district", AS_OF)


def filter_changes():
    from crimedesk.domain.filters import FilterSnapshot, preset_range

    last28 = FilterSnapshot(*preset_range("last_28", AS_OF), preset="last_28")
    ytd = FilterSnapshot(*preset_range("ytd", AS_OF), preset="ytd")
    return {
        "last 28 days": last28,
        "year to date": ytd,
        "YTD, violent only": replace(ytd, categories=frozenset({"violent"})),
        "all years": FilterSnapshot(date(1990, 1, 1), AS_OF),  # before the first tiled year
    }


def time_refreshes(engine) -> dict[str, float]:
    out = {}
    with engine.connect() as conn:
        for name, filters in filter_changes().items():
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                refresh(conn, filters)
                runs.append(time.perf_counter() - started)
            out[name] = statistics.median(runs)
    return out


def build_store(url: str, incidents_file: Path = DATA / "chicago_crimes_2016_2017.csv.gz") -> Engine:
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    import_boundary_layer(
        engine,
        DATA / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        incident_field="district",
    )
    import_file(engine, incidents_file)
    return engine


def tile(engine, copies: int) -> int:
    """Add ``copies`` shifted copies of every incident (and its regions), in SQL."""
    from sqlalchemy import text

    from crimedesk.storage.schema import incidents

    columns = [
        c.name
        for c in incidents.columns
        if c.name not in ("id", "source_key", "occurred_from", "occurred_to")
    ]
    names = ", ".join(columns)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM incidents")).scalar()
        for k in range(1, copies + 1):
            conn.execute(
                text(
                    f"INSERT INTO incidents (id, source_key, occurred_from, occurred_to, {names}) "
                    f"SELECT id + {k * top}, source_key || '~{k}', occurred_from - {k * SHIFT}, "
                    f"occurred_to - {k * SHIFT}, {names} FROM incidents WHERE id <= {top}"
                )
            )
            conn.execute(
                text(
                    f"INSERT INTO incident_regions (layer_id, incident_id, region_id) "
                    f"SELECT layer_id, incident_id + {k * top}, region_id FROM incident_regions WHERE incident_id <= {top}"
                )
            )
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('incidents', 'id'), (SELECT max(id) FROM incidents))"
                )
            )
            conn.execute(text("ANALYZE"))
        return conn.execute(text("SELECT count(*) FROM incidents")).scalar()


def duckdb_refresh_times(engine) -> dict[str, float]:
    """The same aggregates as hand-written DuckDB SQL on an in-memory copy of the rows."""
    import duckdb
    import pandas as pd

    with engine.connect() as conn:
        frame = pd.read_sql(
            "SELECT occurred_from, occurred_to, category, offense_type, district, arrest, domestic,"
            " mappable FROM incidents",
            conn,
        )
    db = duckdb.connect()
    db.register("frame", frame)
    db.execute("CREATE TABLE i AS SELECT * FROM frame")
    out = {}
    for name, f in filter_changes().items():
        lo = int(time.mktime(f.date_from.timetuple())) - time.timezone
        hi = int(time.mktime(f.date_to.timetuple())) - time.timezone + 86_399
        days = (f.date_to - f.date_from).days + 1
        cat = "AND category = 'violent'" if f.categories else ""
        queries = [
            f"SELECT category, occurred_from >= {lo} AS now, count(*), sum(arrest::int), sum(domestic::int),"
            f" sum(mappable::int) FROM i WHERE occurred_from BETWEEN {lo - days * 86400} AND {hi} {cat} GROUP BY ALL",
            f"SELECT occurred_from // 86400 AS d, category, count(*) FROM i WHERE occurred_from BETWEEN"
            f" {lo - 27 * 86400} AND {hi} {cat} GROUP BY ALL",
            f"SELECT offense_type, count(*) n FROM i WHERE occurred_from BETWEEN {lo} AND {hi} {cat} GROUP BY ALL"
            " ORDER BY n DESC LIMIT 10",
            f"SELECT (occurred_from // 86400 + 3) % 7, occurred_from % 86400 // 3600, count(*) FROM i WHERE"
            f" occurred_from BETWEEN {lo} AND {hi} {cat} AND occurred_to IS NULL GROUP BY ALL",
            f"SELECT district, count(*) FILTER (occurred_from >= {hi - 28 * 86400}), count(*) FILTER (occurred_from >= "
            f"{hi - 365 * 86400} AND occurred_from < {hi - 337 * 86400}), count(*) FROM i WHERE occurred_from BETWEEN"
            f" {hi - 2 * 366 * 86400} AND {hi} {cat} GROUP BY ALL",
        ]
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            for query in queries:
                db.execute(query).fetchall()
            runs.append(time.perf_counter() - started)
        out[name] = statistics.median(runs)
    return out


def app_start_seconds(url: str, until: str = "first paint", home: str | None = None) -> float:
    """From launching ``main.py`` to the window's first paint, or to the line ``until`` it prints
    (the store at ``url``; ``home``: its home directory, so its cache of mirrors)."""
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
        "PATH": "/usr/bin:/bin",
        "HOME": home or tempfile.gettempdir(),
    }
    flag = "--report-first-paint" if until == "first paint" else "--report-complete-dashboard"
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", url, flag],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as app:
        assert app.stdout is not None
        for line in app.stdout:
            if line.startswith(until):
                painted = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"the app never printed {until!r}")
        app.wait()
    return painted


def print_rows(label: str, rows: int, engine) -> None:
    from crimedesk.analytics.mirror import AnalyticsMirror

    direct = time_refreshes(engine)
    with tempfile.TemporaryDirectory() as cache:  # empty: the mirror is copied, as on a first start
        mirror = AnalyticsMirror(engine, Path(cache))
        started = time.perf_counter()
        mirror.sync()
        synced = time.perf_counter() - started
        mirrored = time_refreshes(mirror.engine)
        mirror.close()
    duck = duckdb_refresh_times(engine)
    print(f"  {label} {rows:,} rows: mirror built in {synced:.1f} s (background, once per session)")
    for name in direct:
        print(
            f"    {name:18s} crimedesk (mirror) {mirrored[name] * 1000:6.0f} ms"
            f"   {label} SQL {direct[name] * 1000:7.0f} ms   DuckDB SQL {duck[name] * 1000:5.0f} ms"
            f"   mirror/DuckDB {mirrored[name] / duck[name]:4.1f}x"
        )


def store_7m() -> Path:
    """The SQLite store of the 7M clean history, imported once (several minutes) and kept."""
    from bench.history import cache_dir, history_path

    path = cache_dir() / "dashboard-7m.sqlite"
    if not path.exists():
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        engine = build_store(f"sqlite:///{building}", history_path("7m"))
        engine.dispose()
        building.rename(path)
    return path


def copy_child(store: str) -> None:
    """In a fresh interpreter: copy the mirror into an empty directory, then time warm refreshes."""
    from crimedesk.analytics.mirror import AnalyticsMirror
    from crimedesk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{store}")
    with tempfile.TemporaryDirectory() as cache:
        mirror = AnalyticsMirror(engine, Path(cache))
        load = os.getloadavg()[0]
        started = time.perf_counter()
        mirror.sync()
        seconds = time.perf_counter() - started
        copy = {"seconds": seconds, "load": load, "peak_mb": peak_rss_mb()}
        warm = {name: (ms * 1000, os.getloadavg()[0]) for name, ms in time_refreshes(mirror.engine).items()}
        mirror.close()
    report(copy=copy, warm=warm, rows=mirror.version.incidents if mirror.version else 0)


def main_7m(given: Path | None) -> None:
    """``given``: a SQLite store already holding the 7M clean history (else made once, kept)."""
    store = given or store_7m()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as home:  # no mirror in its cache: a first start
        cold = app_start_seconds(f"sqlite:///{store}", until="dashboard complete", home=home)
    print(f"7M SQLite store {store}")
    print(
        f"  cold first start (mirror absent) to a complete dashboard: {cold:.1f} s (target <= 10 s)  load {load:.2f}"
    )
    figures = run_child(Path(__file__), "--copy-child", str(store))
    copy = figures["copy"]
    print(
        f"  mirror copy of {figures['rows']:,} incidents: {copy['seconds']:.1f} s, peak {copy['peak_mb']:,.0f} MB"
        f" (the copying process; target < 1,000 MB)  load {copy['load']:.2f}"
    )
    targets = {"last 28 days": 150, "year to date": 150, "YTD, violent only": 150, "all years": 300}
    for name, (ms, at) in figures["warm"].items():
        print(
            f"  warm refresh on the mirror, {name:18s} {ms:6.0f} ms (target <= {targets[name]} ms)  load {at:.2f}"
        )


def main(quick: bool) -> None:

    with tempfile.TemporaryDirectory() as tmp:
        backends: list[tuple[str, str, tuple | None]] = [("SQLite", f"sqlite:///{tmp}/dash.sqlite", None)]
        if not quick:
            pg_url, pg_handle = create_pg_database()
            backends.append(("PostgreSQL", pg_url, pg_handle))
        for label, url, handle in backends:
            try:
                engine = build_store(url)
                print(f"app start to first painted window: {app_start_seconds(url):.2f} s (target <= 3 s)")
                print_rows(label, 536_605, engine)
                if not quick:
                    print_rows(label, tile(engine, TILES - 1), engine)
                engine.dispose()
            finally:
                if handle:
                    drop_pg_database(handle)
    print("targets (SQLite store): <= 150 ms at 536k rows, <= 1,000 ms at 5M rows")


if __name__ == "__main__":
    if "--copy-child" in sys.argv:
        copy_child(sys.argv[-1])
    elif sys.argv[1:3] == ["--size", "7m"]:
        main_7m(Path(sys.argv[4]) if sys.argv[3:4] == ["--store"] else None)
    else:
        main(quick="--quick" in sys.argv)
