"""Real QtWebEngine tests of the map pane, offscreen, with no network (checked by the pane's guard)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.config.settings import load_settings
from crimedesk.regions.store import import_boundary_layer
from crimedesk.state.selection import SelectionState
from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.map.map_export import ExportRequest
from crimedesk.ui.panes.map.map_pane import MapPane, register_map_schemes
from crimedesk.ui.panes.map.map_scheme import _file_under
from crimedesk.ui.runtime import workers
from tests.ui.gui_thread import statements_on_gui_thread
from tests.ui.panes.map.conftest import on_districts
from tests.ui.panes.map.mapjs import (
    XSS,
    XSS_BLOCK,
    assert_stayed_offline,
    count_mappable,
    js,
    wait_js,
)

register_map_schemes()  # at collection time, before pytest-qt creates the QApplication

pytestmark = pytest.mark.webengine


def test_points_clusters_heat_and_choropleth_render(qtbot, districts_store, make_pane, artifacts):
    pane = make_pane(districts_store)
    total = count_mappable(districts_store)
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
    pane.export_png(artifacts / "map_clusters.png", 900, 700)
    pane.set_visible_layers(["heat", "regions"])
    wait_js(
        qtbot,
        pane,
        "(() => { const c = crimedesk.layers.heat._canvas; if (!c) return false;"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; })()",
    )
    pane.export_png(artifacts / "map_heat.png", 900, 700)
    pane.set_visible_layers(["points"])
    pane.export_png(artifacts / "map_points.png", 900, 700)
    pane.set_visible_layers(["regions"])
    image = pane.export_png(artifacts / "map_choropleth.png", 640, 480)
    assert (image.width(), image.height()) == (640, 480)
    assert_stayed_offline(pane)


def test_points_and_counts_come_from_the_mirror_and_only_once_shown(qtbot, districts_store, make_pane):
    mirror = AnalyticsMirror(districts_store)
    mirror.sync()
    statements: list[str] = []
    event.listen(mirror.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    filters = on_districts(districts_store)
    hidden = MapPane(districts_store, filters, query_engine=lambda: mirror.engine)
    with qtbot.waitSignal(hidden._debounce.timeout, timeout=5_000):  # then refresh() has run
        filters.update(categories={"violent"})
    assert (statements, workers.pending_jobs()) == ([], 0)  # a pane never shown queries nothing
    hidden.deleteLater()
    pane = make_pane(districts_store, filters, query_engine=lambda: mirror.engine)
    assert any("GROUP BY" in sql for sql in statements)  # the choropleth's counts
    assert js(qtbot, pane, "crimedesk.stats().points") == count_mappable(districts_store, category="violent")
    assert js(qtbot, pane, "crimedesk.stats().regions") == 23  # shapes from the store
    mirror.close()


def test_region_click_toggles_the_filter_and_the_map_follows_in_place(qtbot, districts_store, make_pane):
    filters = on_districts(districts_store)
    pane = make_pane(districts_store, filters)
    layer = pane.region_layer_id
    js(qtbot, pane, "window.__samePage = 1")
    region = "crimedesk.layers.regions.getLayers()[0].getLayers()"
    click = f"{region}.find(l => l.feature.properties.region_id === '11').fire('click')"
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(qtbot, pane, click + " && 1")
    assert (filters.region_layer_id, filters.region_ids) == (layer, frozenset({"11"}))
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert 0 < stats["points"] < count_mappable(districts_store)
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
    assert js(qtbot, pane, "crimedesk.stats().points") == count_mappable(districts_store, category="violent")
    assert js(qtbot, pane, "window.__samePage") == 1
    assert_stayed_offline(pane)


def test_drawing_sets_the_spatial_filter(qtbot, districts_store, make_pane):
    filters = on_districts(districts_store)
    pane = make_pane(districts_store, filters)
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        js(
            qtbot,
            pane,
            "crimedesk.map.fire('draw:created', {layerType: 'rectangle',"
            " layer: L.rectangle([[41.85, -87.70], [41.90, -87.62]])}) && 1",
        )
    assert filters.bbox == (-87.70, 41.85, -87.62, 41.90) and filters.polygon_wkt is None
    boxed = js(qtbot, pane, "crimedesk.stats().points")
    assert 0 < boxed < count_mappable(districts_store)
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


def test_incident_click_selects_it_and_shows_markup_as_text(qtbot, districts_store, make_pane):
    selection = SelectionState()
    pane = make_pane(districts_store, selection=selection)
    with districts_store.connect() as conn:
        xss_id = conn.execute(select(incidents.c.id).where(incidents.c.source_key == "xss")).scalar_one()
    find = f"crimedesk.layers.points.getLayers().find(m => m.options.incidentId === {xss_id})"
    with qtbot.waitSignal(pane.incident_selected, timeout=10_000) as selected:
        js(qtbot, pane, f"{find}.fire('click') && 1")
    assert selected.args == [xss_id]
    assert selection.ids == (xss_id,)
    wait_js(qtbot, pane, "!!document.querySelector('.leaflet-popup .cd-popup')")
    text = js(qtbot, pane, "document.querySelector('.cd-popup').textContent")
    assert XSS in text and XSS_BLOCK in text
    assert js(qtbot, pane, "document.querySelector('.cd-popup').dataset.incidentId") == str(xss_id)
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


def test_above_the_point_limit_the_database_aggregates(qtbot, districts_store, make_pane, artifacts):
    pane = make_pane(districts_store)
    pane.point_limit = 500
    with qtbot.waitSignal(pane.updated, timeout=10_000) as shown:
        pane.refresh()
    assert shown.args[0].mode == "grid"
    stats = js(qtbot, pane, "crimedesk.stats()")
    assert stats["points"] == 0 and stats["aggregates"] > 50 and stats["heat"] == stats["aggregates"]
    pane.set_visible_layers(["aggregates", "regions"])
    pane.export_png(artifacts / "map_grid.png", 900, 700)


def test_view_persists_across_panes(qtbot, districts_store, make_pane):
    pane = make_pane(districts_store)
    js(qtbot, pane, "crimedesk.map.setView([41.80, -87.62], 13) && 1")
    qtbot.waitUntil(lambda: load_settings().map.zoom == 13, timeout=5_000)
    again = make_pane(districts_store)
    view = js(qtbot, again, "crimedesk.view()")
    assert view["zoom"] == 13 and view["lat"] == pytest.approx(41.80, abs=1e-3)


def test_the_choropleth_follows_the_filters_region_layer_and_exports_at_any_size(
    qtbot, districts_store, make_pane, tmp_path
):
    """One region-layer choice: FilterState's (the filter panel's). The map has no selector of
    its own that could say another layer."""
    pane = make_pane(districts_store)
    layer = pane.filters.region_layer_id
    bar = pane.toolbar
    assert bar.basemap.currentData() == "none"  # offline-safe default
    assert not hasattr(bar, "regions")
    assert pane.region_layer_id == layer and js(qtbot, pane, "crimedesk.stats().regions") == 23
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.filters.update(region_layer_id=None)
    assert pane.region_layer_id is None
    assert js(qtbot, pane, "crimedesk.stats().regions") == 0
    assert "regions" not in js(qtbot, pane, "crimedesk.listedLayers()")  # nothing to draw: not listed
    assert pane.status.text().endswith("choose a boundary layer under Filters ▸ Where to colour its regions")
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.filters.update(region_layer_id="district")  # a source column has no shapes
    assert pane.region_layer_id is None
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.filters.update(region_layer_id=layer)
    assert pane.region_layer_id == layer and js(qtbot, pane, "crimedesk.stats().regions") == 23
    with qtbot.waitSignal(pane.updated, timeout=30_000):  # the page is rebuilt for the basemap
        bar.basemap_chosen.emit("xyz", None, None)
    assert (pane.settings.basemap()[0], bar.basemap.currentData()) == ("xyz", "xyz")
    bar.basemap_chosen.emit("mbtiles", None, tmp_path / "missing.mbtiles")
    assert (pane.settings.basemap()[0], bar.basemap.currentData()) == ("xyz", "xyz")
    assert pane.status.text().startswith("Basemap not changed: MBTiles file not found")
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        bar.basemap_chosen.emit("none", None, None)
    bar.export_requested.emit(ExportRequest(tmp_path / "small.png", "Small", 320, 240, 96))
    assert pane.status.text() == f"Map exported to {tmp_path / 'small.png'}"
    assert (tmp_path / "small.png").stat().st_size > 0
    image = pane.export_png(tmp_path / "big.png", 1400, 1000, settle_ms=300)
    assert (image.width(), image.height()) == (1400, 1000)
    assert image.pixelColor(700, 500).name() != image.pixelColor(5, 995).name()  # not a blank page


def test_guard_blocks_any_request_that_would_leave_the_machine(qtbot, districts_store, make_pane):
    pane = make_pane(districts_store)
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


def test_the_pane_never_queries_on_the_gui_thread(qtbot, districts_store, make_pane):
    """Points, region layers and incident popups are all queried on workers."""
    filters = on_districts(districts_store)  # the test's own query, before recording
    with districts_store.connect() as conn:
        xss_id = conn.execute(select(incidents.c.id).where(incidents.c.source_key == "xss")).scalar_one()
    with statements_on_gui_thread(districts_store) as on_gui_thread:
        pane = make_pane(districts_store, filters)
        assert pane._layer_names == {pane.region_layer_id: "districts"}  # the layers, for the export
        pane.show_incident(xss_id)
        wait_js(qtbot, pane, "!!document.querySelector('.leaflet-popup .cd-popup')")
    assert on_gui_thread == []


def test_an_incident_selected_elsewhere_opens_its_popup(qtbot, districts_store, make_pane):
    """E.g. a row chosen in the Data pane: the map shows that incident's details."""
    selection = SelectionState()
    pane = make_pane(districts_store, selection=selection)
    with districts_store.connect() as conn:
        incident_id, case_number = conn.execute(
            select(incidents.c.id, incidents.c.case_number)
            .where(incidents.c.mappable.is_(True), incidents.c.source == "chicago")
            .order_by(incidents.c.id)
            .limit(1)
        ).one()
    selection.select(incident_id)
    popup = "document.querySelector('.leaflet-popup .cd-popup')"
    wait_js(qtbot, pane, f"!!{popup} && {popup}.dataset.incidentId === '{incident_id}'")
    assert f"Case: {case_number}" in js(qtbot, pane, f"{popup}.textContent")
    assert selection.ids == (incident_id,)  # showing it selected nothing else


def test_a_new_boundary_layer_leaves_the_map_on_the_filters_layer(
    qtbot, districts_store, make_pane, data_dir
):
    """Loading another layer (named to sort first) changes neither the filter's layer nor the map's."""
    pane = make_pane(districts_store)
    layer = pane.filters.region_layer_id
    import_boundary_layer(
        districts_store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="a beats copy",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
    )
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.refresh()
    assert pane.filters.region_layer_id == pane.region_layer_id == layer
    assert sorted(pane._layer_names.values()) == ["a beats copy", "districts"]
    assert js(qtbot, pane, "crimedesk.stats().regions") == 23
