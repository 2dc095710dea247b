"""Reports and exports on Chicago 2016-17 (536,605 incidents), each beside a baseline in the same run.

    .venv/bin/python bench/reports.py                       # builds a SQLite store first
    .venv/bin/python bench/reports.py --store /path/s.sqlite  # a store already holding the file

- CompStat PDF for 2016-01-01 .. 2017-12-31 with one page per district, its aggregates on the
  dashboard's DuckDB mirror (target <= 5 s), against the same analytics calls run on the SQLite
  store without any PDF;
- every incident to GeoPackage, GeoJSON, CSV and Parquet, against geopandas/pandas writing the
  same rows read whole with pandas (``to_file``, ``to_csv``, ``to_parquet``; target <= 1.5x the
  baseline). Each run is its own process: peak memory is that process's RSS. Each export runs
  ``RUNS`` times; the figures are the range over the runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, report, run_child

PERIOD = (date(2016, 1, 1), date(2017, 12, 31))
FORMATS = ("gpkg", "geojson", "csv", "parquet")
RUNS = 2


def filters():
    from crimedesk.domain.filters import FilterSnapshot

    return FilterSnapshot(date_from=PERIOD[0], date_to=PERIOD[1])


def child_report(url: str, out: str) -> None:
    from crimedesk.analytics.mirror import AnalyticsMirror
    from crimedesk.auth.session import acting_user
    from crimedesk.reports.context import ReportOptions
    from crimedesk.reports.service import make_report
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    user = acting_user(engine)
    mirror = AnalyticsMirror(engine, Path(out).parent / "mirror")  # as in the app: synced at its start
    started = time.perf_counter()
    mirror.sync()
    synced = time.perf_counter() - started
    options = ReportOptions(region_pages=True)
    started = time.perf_counter()
    result = make_report(engine, user, "compstat", filters(), Path(out), options, query_engine=mirror.engine)
    seconds = time.perf_counter() - started
    mirror.close()
    report(seconds=seconds, sync_seconds=synced, pages=result.pages, peak_mb=peak_rss_mb())


def child_analytics(url: str, _out: str) -> None:
    """The numbers the report shows, computed by the same functions, with no PDF."""
    from crimedesk.analytics.compstat import CITYWIDE, compstat
    from crimedesk.analytics.hour_of_week import hour_of_week
    from crimedesk.analytics.kpis import kpis
    from crimedesk.analytics.offenses import top_offenses
    from crimedesk.analytics.trend import trend
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    f = filters()
    started = time.perf_counter()
    with engine.connect() as conn:  # on the store itself: the slow path the mirror avoids
        kpis(conn, f), trend(conn, f, "week"), hour_of_week(conn, f), top_offenses(conn, f)
        table = compstat(conn, f, "district", PERIOD[1]).table
        for region in table["region"]:
            if region is not None and region != CITYWIDE:
                kpis(conn, replace(f, region_layer_id="district", region_ids=frozenset({region})))
    report(seconds=time.perf_counter() - started, peak_mb=peak_rss_mb())


def child_export(url: str, out: str) -> None:
    from crimedesk.auth.session import acting_user
    from crimedesk.domain.filters import FilterSnapshot
    from crimedesk.reports.exports.service import export_incidents
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    user = acting_user(engine)
    started = time.perf_counter()
    result = export_incidents(engine, user, FilterSnapshot(), Path(out).suffix[1:], Path(out))
    report(seconds=time.perf_counter() - started, rows=result.rows, peak_mb=peak_rss_mb())


def child_geopandas(url: str, out: str) -> None:
    """Baseline: the same columns read whole with pandas, then ``GeoDataFrame.to_file``."""
    import geopandas as gpd
    import pandas as pd

    from crimedesk.reports.exports.rows import INCIDENT_SCHEMA
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql(f"SELECT {', '.join(INCIDENT_SCHEMA.names)} FROM incidents ORDER BY id", conn)
    for name in ("occurred_from", "occurred_to", "reported_at"):
        frame[name] = pd.to_datetime(frame[name], unit="s")
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    data = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
    kind = Path(out).suffix[1:]
    if kind == "csv":
        frame.to_csv(out, index=False)
    elif kind == "parquet":
        data.to_parquet(out)
    else:
        data.to_file(out, layer="incidents", driver={"gpkg": "GPKG", "geojson": "GeoJSON"}[kind])
    report(seconds=time.perf_counter() - started, rows=len(frame), peak_mb=peak_rss_mb())


def _runs(me: Path, child: str, url: str, out: str) -> dict:
    """``RUNS`` runs of a child: its seconds and peak MB as (lowest, highest), and its rows."""
    runs = [run_child(me, child, url, out) for _ in range(RUNS)]
    return {
        "rows": runs[0]["rows"],
        "seconds": (min(r["seconds"] for r in runs), max(r["seconds"] for r in runs)),
        "peak_mb": (min(r["peak_mb"] for r in runs), max(r["peak_mb"] for r in runs)),
    }


def _span(pair: tuple[float, float], unit: str, digits: int) -> str:
    return f"{pair[0]:.{digits}f}–{pair[1]:.{digits}f} {unit}"


def main(store: str | None) -> None:
    from bench.dashboard import build_store

    me = Path(__file__)
    with tempfile.TemporaryDirectory() as tmp:
        if store is None:
            store = f"{tmp}/reports.sqlite"
            build_store(f"sqlite:///{store}")
        url = f"sqlite:///{store}"
        pdf = run_child(me, "report", url, f"{tmp}/compstat.pdf")
        base = run_child(me, "analytics", url, "-")
        exports = {
            kind: (
                _runs(me, "export", url, f"{tmp}/ours.{kind}"),
                _runs(me, "geopandas", url, f"{tmp}/theirs.{kind}"),
            )
            for kind in FORMATS
        }
    print(f"CompStat report {PERIOD[0]} – {PERIOD[1]} with district pages: {pdf['pages']} pages")
    print(f"  crimedesk report      {pdf['seconds']:6.2f} s  peak {pdf['peak_mb']:5.0f} MB  (target <= 5 s)")
    print(f"    (on the analytics mirror; making the mirror first took {pdf['sync_seconds']:.2f} s)")
    print(
        f"  same analytics on the SQLite store, no PDF {base['seconds']:6.2f} s; ratio {pdf['seconds'] / base['seconds']:.2f}"
    )
    rows = exports["gpkg"][0]["rows"]
    print(f"Exports of all {rows:,} incidents, {RUNS} runs each (range), baseline in the same run:")
    for kind, (ours, theirs) in exports.items():
        ratio = (ours["seconds"][0] / theirs["seconds"][1], ours["seconds"][1] / theirs["seconds"][0])
        print(
            f"  {kind:8} crimedesk {_span(ours['seconds'], 's', 2)} peak {_span(ours['peak_mb'], 'MB', 0)}"
            f" | baseline {_span(theirs['seconds'], 's', 2)} peak {_span(theirs['peak_mb'], 'MB', 0)}"
            f" | ratio {ratio[0]:.2f}–{ratio[1]:.2f}"
        )
    print(
        "  (baseline: pandas read whole, then geopandas to_file / to_parquet, pandas to_csv; target <= 1.5)"
    )


if __name__ == "__main__":
    children = {"report": child_report, "analytics": child_analytics, "export": child_export}
    children["geopandas"] = child_geopandas
    if len(sys.argv) == 4 and sys.argv[1] in children:
        children[sys.argv[1]](sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[sys.argv.index("--store") + 1] if "--store" in sys.argv else None)
