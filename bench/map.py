"""Map pane speed on the Chicago 2016-17 file (536,605 rows): first paint and filter → map updated.

    .venv/bin/python bench/map.py        # imports once into $TMPDIR/crimedesk_bench_map.sqlite

Figures: database-side map queries alone (no Qt), then the real pane offscreen: construction to
first data on the page, and each filter change to the moment the page has run the update script.
Medians of ``REPEAT`` runs; the first query of a kind warms SQLite's page cache.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from bench._common import DATA, peak_rss_mb

STORE = Path(tempfile.gettempdir()) / "crimedesk_bench_map.sqlite"
REPEAT = 3
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


def store():
    from crimedesk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{STORE}")
    with engine.connect() as conn:
        from sqlalchemy import func, select

        from crimedesk.storage.schema import incidents

        if conn.execute(select(func.count()).select_from(incidents)).scalar_one() > 500_000:
            return engine
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer

    started = time.perf_counter()
    import_boundary_layer(
        engine,
        DATA / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    import_file(engine, DATA / "chicago_crimes_2016_2017.csv.gz")
    print(f"imported once into {STORE} in {time.perf_counter() - started:.0f} s")
    return engine


def snapshot_for(change: dict, layer: int):
    from crimedesk.state.filters import FilterSnapshot

    return FilterSnapshot(region_layer_id=layer if "region_ids" in change else None, **change)


def queries(engine, layer: int) -> None:
    from crimedesk.mapping.query import collect

    print(f"\n{'database side (collect, no Qt)':34} {'median s':>9} {'mode':>7} {'incidents':>10}")
    for name, change in CHANGES:
        snap = snapshot_for(change, layer)
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            update = collect(engine, snap, layer, with_geometry=False)
            times.append(time.perf_counter() - started)
        print(f"{name:34} {statistics.median(times):9.3f} {update.data.mode:>7} {update.data.total:>10,}")


def pane(engine, layer: int) -> None:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # never the user's own map settings
    from crimedesk.ui.map_pane import register_map_schemes

    register_map_schemes()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from crimedesk.state.filters import FilterState
    from crimedesk.ui.map_pane import MapPane

    app = QApplication([])

    def timed(action, signal) -> float:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        started = time.perf_counter()
        if action():
            loop.exec()
        signal.disconnect(loop.quit)
        return time.perf_counter() - started

    filters = FilterState()
    started = time.perf_counter()
    view = MapPane(engine, filters)
    built = time.perf_counter() - started
    view.resize(1200, 800)
    timed(lambda: view.show() or True, view.updated)
    first_paint = time.perf_counter() - started
    print(f"\nfirst paint, new pane → all incidents as grid + district choropleth: {first_paint:.2f} s")
    print(f"  (constructor {built:.2f} s; the folium page is built when the pane is first shown)")
    print(f"\n{'filter change → map updated':34} {'median s':>9}")
    base = {
        "categories": frozenset(),
        "region_ids": frozenset(),
        "region_layer_id": None,
        "bbox": None,
        "polygon_wkt": None,
        "date_from": None,
        "date_to": None,
    }
    for name, change in CHANGES:
        start = {**base, "categories": {"violent"}} if not change else base
        target = {**base, **change, "region_layer_id": layer if "region_ids" in change else None}
        times = []
        for _ in range(REPEAT):
            timed(lambda start=start: filters.update(**start), view.updated)
            times.append(timed(lambda target=target: filters.update(**target), view.updated))
        print(f"{name:34} {statistics.median(times):9.3f}")
    print(f"\npeak RSS {peak_rss_mb():.0f} MB")
    view.deleteLater()
    app.processEvents()


def main() -> None:
    engine = store()
    from crimedesk.regions.store import list_layers

    with engine.connect() as conn:
        layer = next(layer.id for layer in list_layers(conn) if layer.name == "districts")
    queries(engine, layer)
    pane(engine, layer)


if __name__ == "__main__":
    main()
