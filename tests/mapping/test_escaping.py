"""Text from data on the map shows as typed in a real QtWebEngine page: markup is never rendered,
in popups, tooltips, the legend or Leaflet's layer control (which takes HTML), and bidirectional
controls show as visible marks."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import shapely

from crimedesk.config.settings import settings_path
from crimedesk.domain.display_text import display_text
from crimedesk.mapping.layers import coloured_geojson
from crimedesk.regions.store import import_boundary_layer
from crimedesk.ui.panes.map.map_pane import MapPane, register_map_schemes
from tests.fill import add_import, add_incident
from tests.ui.panes.map.conftest import on_districts

register_map_schemes()  # at collection time, before pytest-qt creates the QApplication

pytestmark = pytest.mark.webengine
H1 = '<h1 style="color:red">X</h1>'
IMG = '<img src="file:///etc/passwd">'
LINK = '<a href="http://evil">click</a>'
BIDI = "1200 N STATE ST \u202egnp.exe"
SHOWN_BIDI = "1200 N STATE ST [U+202E]gnp.exe"
MARKUP = "h1, img, a, script"


def square(lon: float, lat: float, size: float = 0.02) -> dict:
    return shapely.geometry.mapping(shapely.box(lon, lat, lon + size, lat + size))


@pytest.fixture
def crafted_store(sqlite_store, tmp_path: Path):
    """Two regions and an incident whose names and fields are the injection strings."""
    names = {"1": (H1 + IMG, -87.65), "2": (LINK + BIDI, -87.6)}
    features = [
        {"type": "Feature", "properties": {"id": rid, "name": name}, "geometry": square(lon, 41.87)}
        for rid, (name, lon) in names.items()
    ]
    regions = {"type": "FeatureCollection", "features": features}
    path = tmp_path / "crafted.geojson"
    path.write_text(json.dumps(regions), encoding="utf-8")
    import_boundary_layer(sqlite_store, path, layer_name=H1, id_field="id", name_field="name")
    with sqlite_store.begin() as conn:
        imp = add_import(conn, "crafted.csv")
        add_incident(
            conn,
            imp,
            "crafted-1",
            datetime(2017, 1, 2, 10),
            latitude=41.88,
            longitude=-87.64,
            case_number=LINK,
            offense_type=H1,
            offense_description=IMG,
            block=BIDI,
        )
    return sqlite_store


@pytest.fixture
def pane(qtbot, crafted_store):
    settings_path().unlink(missing_ok=True)
    pane = MapPane(crafted_store, on_districts(crafted_store))  # the crafted layer's choropleth
    pane.resize(900, 700)
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        pane.show()
    yield pane
    pane.close()
    pane.deleteLater()  # the page must go before its profile: delete while the loop still runs
    qtbot.wait(50)
    settings_path().unlink(missing_ok=True)


def js(qtbot, pane: MapPane, script: str):
    out: list = []
    pane.view.page().runJavaScript(f"JSON.stringify({script})", 0, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return json.loads(out[0])


def wait_js(qtbot, pane: MapPane, script: str) -> None:
    qtbot.waitUntil(lambda: js(qtbot, pane, script) is True, timeout=10_000)


def test_the_helper_marks_every_bidi_control_and_nothing_else():
    controls = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    assert [display_text(chr(c)) for c in controls] == [f"[U+{c:04X}]" for c in controls]
    assert display_text("Straße 1 \u200f<b>") == "Straße 1 \u200f<b>"  # markup is the surface's job
    assert display_text(None) == ""


def test_region_names_show_as_text_in_tooltips(qtbot, pane):
    wait_js(qtbot, pane, "crimedesk.stats().regions === 2")
    for index in range(2):
        js(qtbot, pane, f"crimedesk.layers.regions.getLayers()[0].getLayers()[{index}].openTooltip() && 1")
    tips = js(qtbot, pane, "[...document.querySelectorAll('.leaflet-tooltip b')].map(b => b.textContent)")
    assert sorted(tips) == sorted([H1 + IMG, LINK + SHOWN_BIDI])
    assert js(qtbot, pane, f"document.querySelectorAll('.leaflet-tooltip :is({MARKUP})').length") == 0


def test_incident_details_show_as_text_in_the_popup(qtbot, pane, crafted_store):
    wait_js(qtbot, pane, "crimedesk.stats().points === 1")
    incident_id = js(qtbot, pane, "crimedesk.layers.points.getLayers()[0].options.incidentId")
    pane.show_incident(incident_id)
    wait_js(qtbot, pane, "document.querySelector('.cd-popup') !== null")
    rows = js(qtbot, pane, "[...document.querySelectorAll('.cd-popup span')].map(s => s.textContent)")
    assert [rows[0], rows[2], rows[3], rows[5]] == [LINK, H1, IMG, SHOWN_BIDI]
    assert js(qtbot, pane, f"document.querySelectorAll('.cd-popup :is({MARKUP})').length") == 0
    assert "\u202e" not in js(qtbot, pane, "document.querySelector('.cd-popup').textContent")


def test_overlay_names_and_labels_show_as_text_in_the_layer_control_and_legend(qtbot, pane):
    name = H1 + IMG + LINK + BIDI
    overlay = coloured_geojson([3.0], [IMG + BIDI], [shapely.box(-87.7, 41.85, -87.6, 41.9)], LINK)
    pane.show_overlay(name, overlay)
    wait_js(qtbot, pane, f"crimedesk.stats().overlays.includes({json.dumps(name)})")
    names = js(
        qtbot,
        pane,
        "[...document.querySelectorAll('.leaflet-control-layers-overlays label span span')]"
        ".map(s => s.textContent.trim())",
    )
    assert names[-1] == display_text(name) == H1 + IMG + LINK + SHOWN_BIDI
    control = ".leaflet-control-layers-overlays"
    assert js(qtbot, pane, f"document.querySelectorAll('{control} :is({MARKUP})').length") == 0
    legend = js(qtbot, pane, "document.querySelector('.cd-legend').textContent")
    assert f"{H1}{IMG}{LINK}{SHOWN_BIDI}: {LINK}" in legend
    js(qtbot, pane, f"crimedesk.overlays[{json.dumps(name)}].getLayers()[0].openTooltip() && 1")
    assert js(qtbot, pane, "document.querySelector('.leaflet-tooltip').textContent") == IMG + SHOWN_BIDI
    assert js(qtbot, pane, f"document.querySelectorAll('.cd-legend :is({MARKUP})').length") == 0
    assert pane.guard.blocked == []  # nothing tried to load file:///etc/passwd
