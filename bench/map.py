"""Map pane speed at 536,605, 5,366,050 and 6,975,865 incidents: first paint and filter change → map updated.

    .venv/bin/python bench/map.py           # 536k and 5.4M (SQLite stores built once, cached in $TMPDIR)
    .venv/bin/python bench/map.py --quick   # 536k only, one process
    .venv/bin/python bench/map.py --size 7m [--store PATH]   # the 7M history's store (bench/dashboard.py's)

Each size is measured in fresh interpreters, like the app when the Map tab is first opened: the
store's DuckDB mirror is made ready first (the app does that in the background after start), then a
new MapPane is shown. The first process copies the mirror into an empty cache directory (the
baseline); the later ones start as the app does on a store it has opened before, from the mirror
file the first one left ("mirror ready", median over the processes). First paint runs from the pane's constructor to the page having drawn all
incidents as grid counts with the district choropleth (QtWebEngine start and folium's import
included), median over ``PAINT_RUNS`` processes. Each filter change runs from the FilterState
update to the page having run the update script, median of ``REPEAT``. Baselines from the same
process: the same queries (crimedesk.mapping.query.collect) on the SQLite store, which is where
the map ran them before it used the mirror, and on the mirror; both without Qt.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from bench._common import DATA, peak_rss_mb, report, run_child

SIZES = {
    "536k": Path(tempfile.gettempdir()) / "crimedesk_bench_map.sqlite",
    "5.4M": Path(tempfile.gettempdir()) / "crimedesk_bench_map_5m.sqlite",
}
TILES = 10  # the 5.4M store: 2016-17 and 9 copies shifted to earlier years (bench/dashboard.py)
REPEAT = 3
PAINT_RUNS = 3
CHANGES: list[tuple[str, dict]] = [
    ("all incidents (grid)", {}),
    ("violent only (grid)", {"categories": {"violent"}}),
    ("district 11 (grid)", {"region_ids": {"11"}}),
    ("one week (points)", {"date_from": date(2017, 3, 1), "date_to": date(2017, 3, 7)}),
    ("drawn box (points)", {"bbox": (-87.66, 41.86, -87.62, 41.89), "date_from": date(2017, 1, 1)}),
    (
        "drawn polygon (grid)",
        {"polygon_wkt": "POLYGON ((-87.75 41.85, -87.6 41.85, -87.6 41.95, -87.75 41.85))"},
    ),
]
TARGETS = "\ntargets: first paint <= 2 s; filter change → map updated <= 1 s at 5M incidents"
NO_FILTER: dict[str, object] = {
    "categories": frozenset(),
    "region_ids": frozenset(),
    "region_layer_id": None,
    "bbox": None,
    "polygon_wkt": None,
    "date_from": None,
    "date_to": None,
}


def open_store(path: Path, rows: int):
    """The SQLite store at ``path`` if it holds at least ``rows`` incidents, else None."""
    from sqlalchemy import func, select

    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.schema import incidents

    if not path.exists():
        return None
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(incidents)).scalar_one() >= rows:
            return engine
    engine.dispose()
    path.unlink()
    return None


def build_small(path: Path) -> None:
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer
    from crimedesk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    import_boundary_layer(
        engine,
        DATA / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    import_file(engine, DATA / "chicago_crimes_2016_2017.csv.gz")
    engine.dispose()


def build_large(path: Path) -> None:
    """A copy of the 536k store with 9 shifted copies of every incident and its regions."""
    from bench.dashboard import tile
    from crimedesk.storage.engine import make_engine

    with sqlite3.connect(SIZES["536k"]) as source, sqlite3.connect(path) as target:
        source.backup(target)
    engine = make_engine(f"sqlite:///{path}")
    tile(engine, TILES - 1)
    engine.dispose()


def ensure_stores(sizes: list[str]) -> None:
    for label, minimum, build in (("536k", 536_000, build_small), ("5.4M", 5_360_000, build_large)):
        if label not in sizes:
            continue
        engine = open_store(SIZES[label], minimum)
        if engine is None:
            started = time.perf_counter()
            build(SIZES[label])
            print(f"built {SIZES[label]} once in {time.perf_counter() - started:.0f} s")
        else:
            engine.dispose()


def snapshot_for(change: dict, layer: int):
    from crimedesk.domain.filters import FilterSnapshot

    return FilterSnapshot(region_layer_id=layer if "region_ids" in change else None, **change)


def median_seconds(action) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def query_seconds(store, mirror, layer: int) -> dict:
    """collect() without Qt: on the store (the baseline) and on the mirror, per filter change."""
    from crimedesk.mapping.query import collect

    out = {
        "first paint": {
            "store": median_seconds(lambda: collect(store, snapshot_for({}, layer), layer, True)),
        }
    }
    for name, change in CHANGES:
        snap = snapshot_for(change, layer)
        out[name] = {
            where: median_seconds(lambda e=engine, s=snap: collect(store, s, layer, False, aggregates=e))
            for where, engine in (("store", store), ("mirror", mirror))
        }
    return out


def pane_seconds(store, mirror, layer: int, changes: bool) -> dict:
    """First paint of a new pane, then (if ``changes``) each filter change → map updated."""
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # never the user's own map settings
    from crimedesk.ui.panes.map.map_pane import register_map_schemes

    register_map_schemes()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from crimedesk.domain.filters import FilterSnapshot
    from crimedesk.state.filters import FilterState
    from crimedesk.ui.panes.map.map_pane import MapPane

    app = QApplication([])

    def timed(action, signal) -> float:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        started = time.perf_counter()
        if action() is not False:  # an update that changes nothing announces nothing
            loop.exec()
        signal.disconnect(loop.quit)
        return time.perf_counter() - started

    filters = FilterState(FilterSnapshot(region_layer_id=layer))  # the districts' choropleth drawn
    started = time.perf_counter()
    view = MapPane(store, filters, query_engine=lambda: mirror)
    view.resize(1200, 800)
    timed(view.show, view.updated)
    out = {"first paint": time.perf_counter() - started}
    for name, change in CHANGES if changes else []:
        begin = {**NO_FILTER, "region_layer_id": layer, **({} if change else {"categories": {"violent"}})}
        target = {**NO_FILTER, **change, "region_layer_id": layer}
        runs = []
        for _ in range(REPEAT):
            timed(lambda begin=begin: filters.update(**begin), view.updated)
            runs.append(timed(lambda target=target: filters.update(**target), view.updated))
        out[name] = statistics.median(runs)
    view.close()
    view.deleteLater()  # the page must go before its profile, while the event loop still runs
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    app.shutdown()
    return out


def child(path: Path, full: bool, cache: Path) -> None:
    """One fresh process: make the mirror ready (from ``cache`` if an earlier process left it there),
    show a pane; with ``full`` also the changes and baselines."""
    from sqlalchemy import func, select

    from crimedesk.analytics.mirror import AnalyticsMirror
    from crimedesk.regions.store import layer_names
    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.schema import incidents

    store = make_engine(f"sqlite:///{path}")
    with store.connect() as conn:
        layer = next(i for i, name in layer_names(conn) if name == "districts")
        rows = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    messages: list[str] = []
    started = time.perf_counter()
    mirror = AnalyticsMirror(store, cache)
    mirror.sync(lambda _fraction, message: messages.append(message))
    synced = time.perf_counter() - started
    pane = pane_seconds(store, mirror.engine, layer, full)
    queries = query_seconds(store, mirror.engine, layer) if full else {}
    mirror.close()
    copied = any(m.startswith("copying") for m in messages)
    report(rows=rows, mirror_s=synced, copied=copied, pane=pane, queries=queries, peak_rss_mb=peak_rss_mb())


def print_size(store: Path, quick: bool) -> None:
    cache = Path(tempfile.mkdtemp(prefix="crimedesk-bench-mirror-"))
    try:
        full = run_child(Path(__file__), "--child", str(store), "full", str(cache))
        later = [
            run_child(Path(__file__), "--child", str(store), "paint", str(cache))
            for _ in range(1 if quick else PAINT_RUNS - 1)
        ]
    finally:
        shutil.rmtree(cache)
    assert full["copied"] and not any(run["copied"] for run in later)
    paints = [run["pane"]["first paint"] for run in (full, *later)]
    pane, queries = full["pane"], full["queries"]
    paint, base = statistics.median(paints), queries["first paint"]["store"]
    ready = [run["mirror_s"] for run in later]
    print(f"\n{full['rows']:,} incidents, SQLite store; DuckDB mirror copied in {full['mirror_s']:.1f} s")
    print(
        f"  app start with a persisted mirror: mirror ready in {statistics.median(ready):.2f} s"
        f" (median of {len(ready)} processes, no copy; rebuild {full['mirror_s']:.1f} s)"
    )
    print(
        f"  first paint (new pane → all incidents as grid + district choropleth): {paint:.2f} s,"
        f" median of {len(paints)} processes ({', '.join(f'{p:.2f}' for p in paints)})"
    )
    print(
        f"    baseline: its query on the store, no Qt {base:.2f} s; first paint / baseline {paint / base:.2f}"
    )
    print(
        f"  {'filter change → map updated':28} {'pane':>6} {'| query: mirror':>15} {'store':>6} {'pane/store':>11}"
    )
    for name, _change in CHANGES:
        q = queries[name]
        print(
            f"  {name:28} {pane[name]:6.3f}   {q['mirror']:13.3f} {q['store']:6.3f} {pane[name] / q['store']:11.2f}"
        )
    print(f"  peak RSS of the measuring process {full['peak_rss_mb']:.0f} MB")


def main(quick: bool) -> None:
    sizes = ["536k"] if quick else list(SIZES)
    ensure_stores(sizes)
    for label in sizes:
        print_size(SIZES[label], quick)
    print(TARGETS)


def main_7m(given: Path | None) -> None:
    """``given``: a SQLite store holding the 7M clean history with the districts (else bench/dashboard.py's)."""
    from bench.dashboard import store_7m

    print_size(given or store_7m(), quick=False)
    print(TARGETS)


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(Path(sys.argv[2]), sys.argv[3] == "full", Path(sys.argv[4]))
    elif "--size" in sys.argv:
        if sys.argv[sys.argv.index("--size") + 1 :][:1] != ["7m"]:
            sys.exit("bench/map.py: --size takes 7m (the other sizes run without --size)")
        main_7m(Path(sys.argv[sys.argv.index("--store") + 1]) if "--store" in sys.argv else None)
    else:
        main(quick="--quick" in sys.argv)
