"""Hotspot polygons of real experiments on the real QtWebEngine map, saved as PNGs to look at."""

from __future__ import annotations

import json

import pytest

from crimedesk.config.settings import settings_path
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.hotspots.map_polygons import hotspot_polygons
from crimedesk.models.training import run_experiment
from crimedesk.regions.store import import_boundary_layer
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.map.map_pane import MapPane
from tests.models.store_sample import district_csv, store_with
from tests.ui.panes.map.mapjs import assert_stayed_offline, js, wait_js

pytestmark = pytest.mark.webengine


@pytest.fixture
def engine(chicago_full, data_dir, tmp_path):
    """District 011, February–April 2016, with the police districts for the choropleth."""
    engine = store_with(
        district_csv(chicago_full, tmp_path / "d.csv", "011", "2016-02-01", "2016-05-01"), tmp_path
    )
    import_boundary_layer(
        engine,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
    )
    return engine


@pytest.fixture
def pane(qtbot, engine):
    settings_path().unlink(missing_ok=True)
    pane = MapPane(engine, FilterState.from_dict({"date_from": "2016-03-06", "date_to": "2016-04-30"}))
    pane.resize(1000, 800)
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        pane.show()
    yield pane
    pane.close()  # the page must go before its profile: delete while the loop still runs
    pane.deleteLater()
    qtbot.wait(50)
    settings_path().unlink(missing_ok=True)


@pytest.mark.parametrize("kind", ["hotspots_dbscan", "hotspots_gistar"])
def test_hotspot_polygons_show_on_the_map_with_text_labels(qtbot, engine, pane, artifacts, kind):
    exp = run_experiment(engine, kind)
    geojson = projected_geojson(hotspot_polygons(engine, exp.id))
    name = f"hotspots {exp.id}"
    pane.set_visible_layers(["points"])  # first, so that the polygons are drawn over the incidents
    pane.show_overlay(name, geojson)
    wait_js(qtbot, pane, f"crimedesk.stats().overlays.includes({json.dumps(name)})")
    overlay = f"crimedesk.overlays[{json.dumps(name)}]"
    assert js(qtbot, pane, f"{overlay}.getLayers().length") == len(geojson["features"]) > 0
    fills = js(qtbot, pane, f"{overlay}.getLayers().map(l => l.options.fillColor)")
    assert fills == [f["properties"]["color"] for f in geojson["features"]]
    js(qtbot, pane, f"{overlay}.getLayers()[0].openTooltip() && 1")
    label = geojson["features"][0]["properties"]["label"]
    assert js(qtbot, pane, "document.querySelector('.leaflet-tooltip').textContent") == label
    js(qtbot, pane, f"{overlay}.getLayers()[0].closeTooltip() && 1")
    legend = "document.querySelector('.cd-legend').textContent"
    assert f"{name}: incidents per hotspot" in js(qtbot, pane, legend)
    assert "Incidents per region" not in js(qtbot, pane, legend)  # the choropleth is off
    js(qtbot, pane, f"crimedesk.map.fitBounds({overlay}.getBounds().pad(0.15)) && 1")
    pane.export_png(artifacts / f"map_{kind}.png", 1000, 800)
    _click_layer_switch(qtbot, pane, name)  # unticked in the layer control: its legend goes too
    wait_js(qtbot, pane, f"!crimedesk.map.hasLayer({overlay})")
    assert name not in js(qtbot, pane, legend) and "Incidents" in js(qtbot, pane, legend)
    _click_layer_switch(qtbot, pane, name)
    wait_js(qtbot, pane, f"{legend}.includes({json.dumps(name)})")
    assert_stayed_offline(pane)


def _click_layer_switch(qtbot, pane, name: str) -> None:
    """Click the layer control's checkbox labelled ``name``, as a user would."""
    script = (
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        f".find(l => l.textContent.trim() === {json.dumps(name)}).querySelector('input').click() || 1"
    )
    js(qtbot, pane, script)
