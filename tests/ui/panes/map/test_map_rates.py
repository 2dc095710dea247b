"""The choropleth's "Show" choice on a real page: counts, per km² (areas checked against geopandas
in an equal-area CRS, counts against SQL) and per 100,000 residents on a layer without population."""

from __future__ import annotations

import geopandas as gpd
import pytest

from crimedesk.mapping.classes import fmt
from crimedesk.mapping.options import Symbology
from crimedesk.regions.read import region_id_text
from crimedesk.ui.panes.map.map_pane import register_map_schemes
from tests.ui.panes.map.mapjs import js, wait_js
from tests.ui.panes.map.test_map_symbology import sql_counts

register_map_schemes()

pytestmark = pytest.mark.webengine
REGION_LABELS = (
    "Object.fromEntries(crimedesk.layers.regions.getLayers()[0].getLayers()"
    ".map(l => [l.feature.properties.region_id, [l.feature.properties.label, l.options.fillColor]]))"
)


def _areas_km2(data_dir) -> dict[str, float]:
    frame = gpd.read_file(data_dir / "chicago_police_districts_2012.geojson")
    frame["DIST_NUM"] = frame["DIST_NUM"].map(region_id_text)
    areas = frame.dissolve(by="DIST_NUM").to_crs("ESRI:102003").area / 1e6
    return {str(k): float(v) for k, v in areas.items()}


def _legend_titles(qtbot, pane) -> list[str]:
    return [s["title"] for s in js(qtbot, pane, "crimedesk.legendData()")["sections"]]


def _show(qtbot, pane, measure: str) -> None:
    """Pick what the choropleth shows in the Symbology form, as the analyst does."""
    form = pane.toolbar.style_form
    form.measure.setCurrentIndex(form.measure.findData(measure))
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        form.measure.activated.emit(form.measure.currentIndex())


def test_show_per_km2_then_per_100k_then_counts(qtbot, make_pane, districts_store, data_dir, tmp_path):
    pane = make_pane(districts_store)
    pane.resize(1366, 768)
    assert pane.toolbar.style_form.measure.currentData() == "count"
    _show(qtbot, pane, "per_km2")
    assert pane.settings.symbology().measure == "per_km2"  # click -> saved state
    wait_js(qtbot, pane, "crimedesk.legendData().sections.some(s => s.title === 'Incidents per km²')")
    counts, areas = sql_counts(districts_store, pane.region_layer_id), _areas_km2(data_dir)
    shown = js(qtbot, pane, REGION_LABELS)
    assert set(shown) == set(counts)
    for region, (label, _colour) in shown.items():
        value = float(label.removesuffix(" incidents per km²").replace(",", ""))
        assert value == pytest.approx(counts[region] / areas[region], rel=0.06, abs=0.051), region
    pane.set_visible_layers(["regions"])
    pane.grab().save(str(tmp_path / "map_per_km2.png"))
    pane.export_png(tmp_path / "map_per_km2_export.png", 1366, 768)

    _show(qtbot, pane, "per_100k")  # this layer was loaded without a population field
    wait_js(qtbot, pane, "crimedesk.legendData().sections.some(s => s.title.endsWith('100,000 residents'))")
    sections = js(qtbot, pane, "crimedesk.legendData()")["sections"]
    legend = next(s for s in sections if "residents" in s["title"])
    assert legend["rows"] == [["#dddddd", "no population"]]
    assert {label for label, _c in js(qtbot, pane, REGION_LABELS).values()} == {"no population"}

    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.set_symbology(Symbology(measure="count"))  # state -> form
    assert pane.toolbar.style_form.measure.currentData() == "count"
    wait_js(qtbot, pane, "crimedesk.legendData().sections.some(s => s.title === 'Incidents per region')")
    labels = js(qtbot, pane, REGION_LABELS)
    assert all(labels[r][0] == f"{fmt(n)} incidents" for r, n in counts.items())
