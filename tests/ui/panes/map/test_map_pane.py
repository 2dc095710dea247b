"""Real QtWebEngine tests of the map pane, offscreen, with no network (checked by the pane's guard)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.config.settings import load_settings, settings_path
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer
from crimedesk.state.filters import FilterState
from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.map.map_pane import MapPane, register_map_schemes
from crimedesk.ui.panes.map.map_scheme import _file_under
from tests.fill import add_import, add_incident

register_map_schemes()  # at collection time, before pytest-qt creates the QApplication

pytestmark = pytest.mark.webengine
ARTIFACTS = Path(__file__).resolve().parents[3] / "_artifacts"
XSS = "<img src=x onerror=window.__xss=1>"


@pytest.fixture
def chicago_store(sqlite_store, chicago_sample, data_dir):
    import_boundary_layer(
        sqlite_store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    import_file(sqlite_store, chicago_sample)
    with sqlite_store.begin() as conn:
        imp = add_import(conn, "xss.csv", source="xss")
        add_incident(
            conn,
            imp,
            "xss",
            datetime(2017, 1, 2),
            source="xss",
            latitude=41.88,
            longitude=-87.63,
            offense_description=XSS,
            block="<script>window.__xss=2</script>",
        )
    return sqlite_store


@pytest.fixture
def make_pane(qtbot):
    settings_path().unlink(missing_ok=True)
    panes: list[MapPane] = []

    def make(engine, filters: FilterState | None = None, **kwargs) -> MapPane:
        pane = MapPane(engine, filters or FilterState(), **kwargs)
        panes.append(pane)
        pane.resize(900, 700)
        with qtbot.waitSignal(pane.updated, timeout=30_000):
            pane.show()
        return pane

    yield make
    for pane in panes:  # the page must go before its profile: delete while the loop still runs
        pane.close()
        pane.deleteLater()
    qtbot.wait(50)
    settings_path().unlink(missing_ok=True)


def js(qtbot, pane: MapPane, script: str):
    out: list = []
    pane.view.page().runJavaScript(f"JSON.stringify({script})", 0, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return json.loads(out[0])


def wait_js(qtbot, pane: MapPane, script: str, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: js(qtbot, pane, script) is True, timeout=timeout)


def assert_stayed_offline(pane: MapPane) -> None:
    assert pane.guard.seen, "the interceptor saw no request at all"
    assert pane.guard.blocked == []
    assert all(url.startswith(("cdmap://app/", "data:")) for url in pane.guard.seen), pane.guard.seen


def count(engine, **where) -> int:
    with engine.connect() as conn:
        q = select(func.count()).select_from(incidents).where(incidents.c.mappable.is_(True))
        for name, value in where.items():
            q = q.where(incidents.c[name] == value)
        return conn.execute(q).scalar_one()


def test_points_clusters_heat_and_choropleth_render(qtbot, chicago_store, make_pane):
    pane = make_pane(chicago_store)
    total = count(chicago_store)
    wait_js(qtbot, pane, f"crimedesk.stats().clustered === {total}")  # chunked loading
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert stats["points"] == stats["heat"] == total
    assert stats["regions"] == 25 - 2 and stats["aggregates"] == 0  # 23 police districts
    wait_js(qtbot, pane, "document.querySelectorAll('.marker-cluster').length > 5")
    legend = "document.querySelector('.cd-legend').textContent"
    assert js(qtbot, pane, legend).startswith("Incidents") and "Incidents per region" in js(
        qtbot, pane, legend
    )
    fills = js(
        qtbot, pane, "crimedesk.layers.regions.getLayers()[0].getLayers().map(l => l.options.fillColor)"
    )
    assert len(set(fills)) >= 4  # a real choropleth, not one colour
    pane.export_png(ARTIFACTS / "map_clusters.png", 900, 700)
    pane.set_visible_layers(["heat", "regions"])
    wait_js(
        qtbot,
        pane,
        "(() => { const c = crimedesk.layers.heat._canvas; if (!c) return false;"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; })()",
    )
    pane.export_png(ARTIFACTS / "map_heat.png", 900, 700)
    pane.set_visible_layers(["points"])
    pane.export_png(ARTIFACTS / "map_points.png", 900, 700)
    pane.set_visible_layers(["regions"])
    image = pane.export_png(ARTIFACTS / "map_choropleth.png", 640, 480)
    assert (image.width(), image.height()) == (640, 480)
    assert_stayed_offline(pane)


def test_points_and_counts_come_from_the_mirror_and_only_once_shown(qtbot, chicago_store, make_pane):
    mirror = AnalyticsMirror(chicago_store)
    mirror.sync()
    statements: list[str] = []
    event.listen(mirror.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    filters = FilterState()
    hidden = MapPane(chicago_store, filters, query_engine=lambda: mirror.engine)
    filters.update(categories={"violent"})
    qtbot.wait(100)
    assert statements == []  # a pane never shown queries nothing
    hidden.deleteLater()
    pane = make_pane(chicago_store, filters, query_engine=lambda: mirror.engine)
    assert any("GROUP BY" in sql for sql in statements)  # the choropleth's counts
    assert js(qtbot, pane, "crimedesk.stats().points") == count(chicago_store, category="violent")
    assert js(qtbot, pane, "crimedesk.stats().regions") == 23  # shapes from the store
    mirror.close()


def test_region_click_toggles_the_filter_and_the_map_follows_without_reload(qtbot, chicago_store, make_pane):
    filters = FilterState()
    pane = make_pane(chicago_store, filters)
    layer = pane.region_layer_id
    js(qtbot, pane, "window.__samePage = 1")
    region = "crimedesk.layers.regions.getLayers()[0].getLayers()"
    click = f"{region}.find(l => l.feature.properties.region_id === '11').fire('click')"
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(qtbot, pane, click + " && 1")
    assert (filters.region_layer_id, filters.region_ids) == (layer, frozenset({"11"}))
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert 0 < stats["points"] < count(chicago_store)
    assert js(qtbot, pane, "window.__samePage") == 1
    selected = (
        "crimedesk.layers.regions.getLayers()[0].getLayers().filter(l => l.options.weight === 3).length"
    )
    assert js(qtbot, pane, selected) == 1
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(qtbot, pane, click + " && 1")  # a second click removes it again
    assert filters.region_ids == frozenset()
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        filters.update(categories={"violent"})
    assert js(qtbot, pane, "crimedesk.stats().points") == count(chicago_store, category="violent")
    assert js(qtbot, pane, "window.__samePage") == 1
    assert_stayed_offline(pane)


def test_drawing_sets_the_spatial_filter(qtbot, chicago_store, make_pane):
    filters = FilterState()
    pane = make_pane(chicago_store, filters)
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(
            qtbot,
            pane,
            "crimedesk.map.fire('draw:created', {layerType: 'rectangle',"
            " layer: L.rectangle([[41.85, -87.70], [41.90, -87.62]])}) && 1",
        )
    assert filters.bbox == (-87.70, 41.85, -87.62, 41.90) and filters.polygon_wkt is None
    boxed = js(qtbot, pane, "crimedesk.stats().points")
    assert 0 < boxed < count(chicago_store)
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(
            qtbot,
            pane,
            "crimedesk.map.fire('draw:created', {layerType: 'polygon',"
            " layer: L.polygon([[41.85, -87.70], [41.90, -87.62], [41.85, -87.62]])}) && 1",
        )
    assert filters.bbox is None and filters.polygon_wkt.startswith("POLYGON ((-87.7 41.85")
    assert 0 < js(qtbot, pane, "crimedesk.stats().points") < boxed
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(qtbot, pane, "crimedesk.map.fire('draw:deleted', {}) && 1")
    assert filters.bbox is None and filters.polygon_wkt is None


def test_incident_click_emits_its_id_and_shows_markup_as_text(qtbot, chicago_store, make_pane):
    pane = make_pane(chicago_store)
    with chicago_store.connect() as conn:
        xss_id = conn.execute(select(incidents.c.id).where(incidents.c.source_key == "xss")).scalar_one()
    find = f"crimedesk.layers.points.getLayers().find(m => m.options.incidentId === {xss_id})"
    with qtbot.waitSignal(pane.incident_selected, timeout=10_000) as selected:
        js(qtbot, pane, f"{find}.fire('click') && 1")
    assert selected.args == [xss_id]
    wait_js(qtbot, pane, "!!document.querySelector('.leaflet-popup .cd-popup')")
    text = js(qtbot, pane, "document.querySelector('.cd-popup').textContent")
    assert XSS in text and "<script>window.__xss=2</script>" in text
    assert (
        js(qtbot, pane, "document.querySelectorAll('.leaflet-popup img, .leaflet-popup script').length") == 0
    )
    pane.show_overlay(
        "Hotspots",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"label": XSS, "color": "#f00", "value": 1},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[-87.7, 41.85], [-87.6, 41.85], [-87.6, 41.9], [-87.7, 41.85]]],
                    },
                }
            ],
        },
    )
    wait_js(qtbot, pane, "crimedesk.stats().overlays.includes('Hotspots')")
    js(qtbot, pane, "crimedesk.overlays.Hotspots.getLayers()[0].openTooltip([41.87, -87.65]) && 1")
    assert js(qtbot, pane, "document.querySelector('.leaflet-tooltip').textContent") == XSS
    qtbot.wait(200)  # an onerror handler would have run by now
    assert js(qtbot, pane, "window.__xss === undefined") is True
    pane.remove_overlay("Hotspots")
    wait_js(qtbot, pane, "crimedesk.stats().overlays.length === 0")


def test_above_the_point_limit_the_database_aggregates(qtbot, chicago_store, make_pane):
    pane = make_pane(chicago_store)
    pane.point_limit = 500
    with qtbot.waitSignal(pane.updated, timeout=10_000) as shown:
        pane.refresh()
    assert shown.args[0].mode == "grid"
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert stats["points"] == 0 and stats["aggregates"] > 50 and stats["heat"] == stats["aggregates"]
    pane.set_visible_layers(["aggregates", "regions"])
    pane.export_png(ARTIFACTS / "map_grid.png", 900, 700)


def test_view_persists_across_panes(qtbot, chicago_store, make_pane):
    pane = make_pane(chicago_store)
    js(qtbot, pane, "crimedesk.map.setView([41.80, -87.62], 13) && 1")
    qtbot.waitUntil(lambda: load_settings().map.zoom == 13, timeout=5_000)
    again = make_pane(chicago_store)
    view = js(qtbot, again, "crimedesk.view()")
    assert view["zoom"] == 13 and view["lat"] == pytest.approx(41.80, abs=1e-3)


def test_toolbar_switches_the_choropleth_layer_and_exports_at_any_size(
    qtbot, chicago_store, make_pane, tmp_path
):
    pane = make_pane(chicago_store)
    bar = pane.toolbar
    assert bar.basemap.currentData() == "none"  # offline-safe default
    assert [bar.regions.itemText(i) for i in range(bar.regions.count())] == ["(none)", "districts"]
    assert bar.regions.currentText() == "districts"
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        bar.regions.activated.emit(0)
    assert pane.region_layer_id is None
    assert js(qtbot, pane, "crimedesk.stats().regions") == 0
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        bar.regions.activated.emit(1)
    assert js(qtbot, pane, "crimedesk.stats().regions") == 23
    image = pane.export_png(tmp_path / "big.png", 1400, 1000, settle_ms=300)
    assert (image.width(), image.height()) == (1400, 1000)
    assert image.pixelColor(700, 500).name() != image.pixelColor(5, 995).name()  # not a blank page


def test_guard_blocks_any_request_that_would_leave_the_machine(qtbot, chicago_store, make_pane):
    pane = make_pane(chicago_store)
    js(qtbot, pane, "(new Image()).src = 'https://tile.openstreetmap.org/0/0/0.png'")
    qtbot.waitUntil(lambda: bool(pane.guard.blocked), timeout=5_000)
    assert pane.guard.blocked == ["https://tile.openstreetmap.org/0/0/0.png"]


def test_scheme_serves_only_files_inside_its_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.js").write_text("1")
    (tmp_path / "secret.txt").write_text("no")
    assert _file_under(tmp_path / "a", "ok.js") == (tmp_path / "a" / "ok.js").resolve()
    assert _file_under(tmp_path / "a", "../secret.txt") is None
    assert _file_under(tmp_path / "a", "missing.js") is None
