"""Time a dashboard refresh (every aggregate a filter change triggers) on 536k and ~5.4M incidents.

    .venv/bin/python bench/dashboard.py            # SQLite and PostgreSQL, 536k and 5.4M rows
    .venv/bin/python bench/dashboard.py --quick    # 536k rows, SQLite only

A refresh is what the Dashboard computes after a filter change: KPIs with the previous period,
the daily trend with its 28-day average, top offenses, the hour-of-week grid and the CompStat
table by district (crimedesk.analytics). The app runs them on its DuckDB mirror of the store
(crimedesk.analytics.mirror); the same functions straight on the store, and hand-written DuckDB SQL
on an in-memory copy of the rows, are printed beside it. The 5.4M-row store tiles 2016-17 over earlier years
(whole 52-week shifts, so weekdays stay). Also: app start to first painted window.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import DATA, ROOT, create_pg_database, drop_pg_database

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


def build_store(url: str) -> object:
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
    import_file(engine, DATA / "chicago_crimes_2016_2017.csv.gz")
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


def app_start_seconds(url: str) -> float:
    """From launching ``main.py`` to the window's first paint (the store at ``url``)."""
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
        "PATH": "/usr/bin:/bin",
        "HOME": tempfile.gettempdir(),
    }
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", url, "--report-first-paint"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as app:
        for line in app.stdout:
            if line.startswith("first paint"):
                painted = time.perf_counter() - started
                break
        else:
            raise RuntimeError("the app never painted its window")
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


def main(quick: bool) -> None:

    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", f"sqlite:///{tmp}/dash.sqlite", None)]
        if not quick:
            url, handle = create_pg_database()
            backends.append(("PostgreSQL", url, handle))
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
    main(quick="--quick" in sys.argv)
