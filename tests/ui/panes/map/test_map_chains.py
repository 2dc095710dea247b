"""Near-repeat chains of the real Chicago sample on the real QtWebEngine map, saved as a PNG."""

from __future__ import annotations

import json

import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.nearrepeat.chains import store_knox
from crimedesk.ui.panes.map.map_pane import MapPane
from crimedesk.ui.panes.models.knox_section import CHAINS_LAYER
from tests.ui.panes.map.conftest import on_districts
from tests.ui.panes.map.mapjs import assert_stayed_offline, js, wait_js

pytestmark = pytest.mark.webengine


def test_chains_are_drawn_as_thick_lines_coloured_by_chain_size(qtbot, districts_store, make_pane, artifacts):
    run = store_knox(districts_store, FilterSnapshot(), (0, 100, 200), (0, 0.25, 0.5), permutations=99)
    assert run.links is not None
    shown_pane = make_pane(districts_store)
    shown_pane.set_visible_layers(["points"])
    geojson = projected_geojson(run.links)
    shown_pane.show_overlay(CHAINS_LAYER, geojson)
    overlay = f"crimedesk.overlays[{json.dumps(CHAINS_LAYER)}]"
    wait_js(qtbot, shown_pane, f"crimedesk.stats().overlays.includes({json.dumps(CHAINS_LAYER)})")
    assert (
        js(qtbot, shown_pane, f"{overlay}.getLayers().length") == len(geojson["features"]) == run.total_links
    )
    styles = js(qtbot, shown_pane, f"{overlay}.getLayers().map(l => [l.options.color, l.options.weight])")
    assert styles == [[f["properties"]["color"], 3] for f in geojson["features"]]
    legend = js(qtbot, shown_pane, "document.querySelector('.cd-legend').textContent")
    assert f"{CHAINS_LAYER}: incidents in the chain" in legend
    # closely at the largest chain whose incidents are not all at one address (those links have no length)
    apart = f"{overlay}.getLayers().find(l => !l.getLatLngs()[0].equals(l.getLatLngs()[1]))"
    js(qtbot, shown_pane, f"crimedesk.map.setView({apart}.getCenter(), 17) && 1")
    shown_pane.export_png(artifacts / "map_near_repeat_chains.png", 1000, 800)
    assert_stayed_offline(shown_pane)


def test_a_layer_sent_before_the_map_was_shown_or_rebuilt_stays_on_it(qtbot, districts_store):
    """Models' "Show on map" with the Map tab never opened, then a basemap change rebuilding the
    page: the layer was lost both times."""
    run = store_knox(districts_store, FilterSnapshot(), (0, 100, 200), (0, 0.25, 0.5), permutations=99)
    pane = MapPane(districts_store, on_districts(districts_store))
    qtbot.addWidget(pane)
    try:
        pane.show_overlay(CHAINS_LAYER, projected_geojson(run.links))
        pane.show_overlay("dropped", projected_geojson(run.links))
        pane.remove_overlay("dropped")
        on_the_page = f"crimedesk.stats().overlays.includes({json.dumps(CHAINS_LAYER)})"
        with qtbot.waitSignal(pane.updated, timeout=30_000):
            pane.resize(900, 700)
            pane.show()
        wait_js(qtbot, pane, on_the_page)
        with qtbot.waitSignal(pane.ready, timeout=30_000):
            pane.set_basemap("none")
        wait_js(qtbot, pane, on_the_page)
        assert js(qtbot, pane, "crimedesk.stats().overlays") == [CHAINS_LAYER]
    finally:
        pane.close()
        pane.deleteLater()
