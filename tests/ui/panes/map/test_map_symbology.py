"""Map symbology on a real page: the choropleth's palette and classes (checked against breaks
computed here from SQL counts, independently), the heat controls and legend, the layer control
listing only layers with something to draw, and the presentable export."""

from __future__ import annotations

import itertools
import statistics
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import Engine, func, select

from crimedesk.mapping.classes import PALETTES
from crimedesk.mapping.layers import CATEGORY_COLORS, CLUSTER_BUBBLE
from crimedesk.mapping.options import Symbology
from crimedesk.storage.schema import boundaries, incident_regions
from crimedesk.ui.panes.map.map_export import INCH_M, ExportDialog, ExportRequest, _legend_rows
from crimedesk.ui.panes.map.map_pane import MapPane, register_map_schemes
from crimedesk.ui.panes.map.map_toolbar import MapToolbar
from tests.ui.panes.map.conftest import on_districts
from tests.ui.panes.map.mapjs import js, wait_js

register_map_schemes()

pytestmark = pytest.mark.webengine
REGION_COLOURS = (
    "Object.fromEntries(crimedesk.layers.regions.getLayers()[0].getLayers()"
    ".map(l => [l.feature.properties.region_id, l.options.fillColor]))"
)


def sql_counts(engine: Engine, layer: int) -> dict[str, int]:
    """Incidents per region of the layer, every region (zero included), straight from SQL."""
    r = incident_regions.c
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(r.region_id, func.count()).where(r.layer_id == layer).group_by(r.region_id)
            ).all()
        )
        ids = conn.execute(select(boundaries.c.region_id).where(boundaries.c.layer_id == layer)).scalars()
        return {str(rid): counts.get(rid, 0) for rid in ids}


def expected_groups(values: list[int], method: str) -> list[list[int]]:
    """The sorted counts cut into classes, computed here: statistics' quantiles, equal steps, or
    the least-squares split found by trying every split (Jenks)."""
    x = sorted(values)
    if method == "jenks":
        best = min(
            itertools.combinations(range(1, len(x)), 4),
            key=lambda cuts: sum(
                statistics.pvariance(run) * len(run)
                for run in (x[i:j] for i, j in zip((0, *cuts), (*cuts, len(x)), strict=True))
            ),
        )
        return [x[i:j] for i, j in zip((0, *best), (*best, len(x)), strict=True)]
    if method == "quantile":
        bounds = [x[0], *statistics.quantiles(x, n=5, method="inclusive")]
    else:
        step = (x[-1] - x[0]) / 5
        bounds = [x[0] + i * step for i in range(5)]
    bounds = sorted(set(bounds))
    groups: list[list[int]] = [[] for _ in bounds]
    for v in x:
        groups[max(i for i, b in enumerate(bounds) if b <= v)].append(v)
    return groups


def choose(pane: MapPane, qtbot, palette: str, method: str) -> None:
    """Pick palette and classes in the toolbar's Symbology form, as the analyst does."""
    form = pane.toolbar.style_form
    form.colours.setCurrentIndex(form.colours.findData(palette))
    form.method.setCurrentIndex(form.method.findData(method))
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        form.method.activated.emit(form.method.currentIndex())


@pytest.mark.parametrize(
    "palette, method", [("Blues", "quantile"), ("Cividis", "equal"), ("YlOrRd", "jenks")]
)
def test_choropleth_classes_equal_breaks_computed_from_sql(
    qtbot, make_pane, districts_store, artifacts, palette, method
):
    pane = make_pane(districts_store)
    choose(pane, qtbot, palette, method)
    assert pane.settings.symbology().palette == palette and pane.settings.symbology().method == method
    counts = sql_counts(districts_store, pane.region_layer_id)
    groups = [g for g in expected_groups(list(counts.values()), method) if g]
    legend = next(s for s in js(qtbot, pane, "crimedesk.legendData()")["sections"] if "region" in s["title"])
    labels = [f"{g[0]:,}" if g[0] == g[-1] else f"{g[0]:,} – {g[-1]:,}" for g in groups]
    assert [label for _colour, label in legend["rows"]] == labels
    colours = [colour for colour, _label in legend["rows"]]
    assert colours[0] == PALETTES[palette][0] and colours[-1] == PALETTES[palette][-1]
    shown = js(qtbot, pane, REGION_COLOURS)
    for region, count in counts.items():
        [index] = [i for i, g in enumerate(groups) if count in g and (i == 0 or count > groups[i - 1][-1])]
        assert shown[region] == colours[index], (region, count)
    pane.set_visible_layers(["regions"])
    pane.export_png(artifacts / f"map_palette_{palette}_{method}.png", 900, 700)


def test_the_form_shows_the_saved_style_and_heat_controls_reach_the_page(
    qtbot, make_pane, districts_store, artifacts
):
    pane = make_pane(districts_store)
    pane.set_symbology(Symbology("Purples", "equal", 30, 10, 100))
    form = pane.toolbar.style_form
    assert (form.colours.currentData(), form.method.currentData(), form.radius.value()) == (
        "Purples",
        "equal",
        30,
    )
    pane.set_visible_layers(["heat"])
    wait_js(qtbot, pane, "crimedesk.layers.heat.options.radius === 30")
    base = js(qtbot, pane, "crimedesk.legendData().heat.max")
    form.intensity.setValue(200)
    form.intensity.editingFinished.emit()
    wait_js(qtbot, pane, "crimedesk.legendData().heat.max < %r" % (base * 0.51))
    assert js(qtbot, pane, "crimedesk.legendData().heat.max") == pytest.approx(base / 2)
    zoom = js(qtbot, pane, "crimedesk.map.getZoom()")
    page_max = js(qtbot, pane, "crimedesk.layers.heat.options.max")  # in Leaflet.heat's weights
    assert page_max == pytest.approx(base / 2 / 2 ** min(19 - zoom, 12))
    assert pane.settings.symbology().heat_intensity == 200
    legend = js(qtbot, pane, "document.querySelector('.cd-legend').textContent")
    assert legend.startswith("Heat map: incident density") and "Incidents" not in legend  # no category legend
    pane.export_png(artifacts / "map_heat_intensity_200.png", 900, 700)
    form.intensity.setValue(100)
    form.radius.setValue(12)
    form.radius.editingFinished.emit()
    wait_js(qtbot, pane, "crimedesk.layers.heat.options.radius === 12")
    pane.export_png(artifacts / "map_heat_radius_12.png", 900, 700)


def test_the_layer_control_lists_only_layers_with_something_to_draw(
    qtbot, make_pane, districts_store, artifacts
):
    pane = make_pane(districts_store)
    wait_js(qtbot, pane, "crimedesk.listedLayers().length === 4")
    assert js(qtbot, pane, "crimedesk.listedLayers()") == ["regions", "points", "clusters", "heat"]
    labels = js(
        qtbot,
        pane,
        "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".map(l => [l.textContent.trim(), l.querySelector('input').checked])",
    )
    on_map = set(js(qtbot, pane, "crimedesk.view().visible"))
    names = {
        "Regions (choropleth)": "regions",
        "Incidents": "points",
        "Clusters": "clusters",
        "Heat map": "heat",
    }
    assert js(qtbot, pane, "document.querySelectorAll('.leaflet-control-layers input:disabled').length") == 0
    assert [(names[text], ticked) for text, ticked in labels] == [
        (key, key in on_map) for key in ("regions", "points", "clusters", "heat")
    ]
    wait_js(qtbot, pane, "document.querySelectorAll('.marker-cluster').length > 5")
    pane.view.grab().save(str(artifacts / "map_view.png"))  # the page as the analyst sees it
    pane.point_limit = 500
    with qtbot.waitSignal(pane.updated, timeout=10_000):
        pane.refresh()
    assert js(qtbot, pane, "crimedesk.listedLayers()") == ["regions", "aggregates", "heat"]


def test_export_is_presentable_at_the_exact_size_and_dpi_and_keeps_the_window(
    qtbot, make_pane, districts_store, artifacts
):
    pane = make_pane(
        districts_store, on_districts(districts_store, date_from=date(2017, 1, 1), date_to=date(2017, 1, 3))
    )
    assert pane.toolbar.default_title == "Incidents, 1 Jan 2017 – 3 Jan 2017"
    window, view = pane.window().size(), pane.view.size()
    path = artifacts / "map_export_presentable.png"
    image = pane.export_map(ExportRequest(path, "Chicago incidents, 1–3 Jan 2017", 1500, 1100, 200))
    saved = QImage(str(path))
    assert (saved.width(), saved.height()) == (image.width(), image.height()) == (1500, 1100)
    assert saved.dotsPerMeterX() == saved.dotsPerMeterY() == round(200 / INCH_M)
    assert pane.window().size() == window
    qtbot.waitUntil(lambda: pane.view.size() == view, timeout=5_000)
    assert js(qtbot, pane, "document.body.classList.contains('cd-export')") is False
    assert pane.view.zoomFactor() == 1.0
    header = np.array(
        [[saved.pixelColor(x, y).lightness() for x in range(0, 1500, 5)] for y in range(20, 60)]
    )
    assert header.min() < 60  # the title is drawn in black on the white band
    shown = js(
        qtbot,
        pane,
        "crimedesk.exportMode(true) && getComputedStyle("
        "document.querySelector('.leaflet-control-container')).display",
    )
    assert shown == "none"  # no zoom, draw or layer controls (they all sit in that container)
    js(qtbot, pane, "crimedesk.exportMode(false) && 1")
    pane.toolbar.export_requested.emit(ExportRequest(artifacts / "never.png", "Too short", 800, 120, 200))
    assert (
        pane.status.text()
        == "Map not exported: the image is too short for a map under its title: make it taller"
    )
    assert pane.window().size() == window and not (artifacts / "never.png").exists()


def test_export_button_asks_size_and_dpi_then_saves_in_the_documents_folder(
    qtbot, monkeypatch, tmp_path, artifacts
):
    """Export map… → the dialog's title, size and DPI → a save dialog starting in Documents."""
    bar = MapToolbar()
    qtbot.addWidget(bar)
    bar.default_title = "Incidents, 1 Jan 2017 – 3 Jan 2017"
    asked: list[str] = []

    def run(dialog: ExportDialog) -> int:
        assert dialog.title.text() == bar.default_title
        dialog.title.setText("District 11")
        dialog.width_box.setValue(1200)
        dialog.dpi.setValue(300)
        dialog.grab().save(str(artifacts / "map_export_dialog.png"))
        return 1

    def save_name(_parent, _caption, start, _filter):
        asked.append(start)
        return str(tmp_path / "out.png"), "PNG (*.png)"

    monkeypatch.setattr(ExportDialog, "exec", run)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(bar.export_requested) as sent:
        bar.export_button.click()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked == [str(Path(documents) / "map.png")]
    assert sent.args[0] == ExportRequest(tmp_path / "out.png", "District 11", 1200, 1200, 300)
    bar.style_form.show_style(Symbology("Cividis", "jenks", 25, 10, 150))
    bar.style_form.grab().save(str(artifacts / "map_symbology_form.png"))
    with qtbot.waitSignal(bar.style_chosen) as chosen:
        bar.style_form.blur.setValue(20)
        bar.style_form.blur.editingFinished.emit()
    assert chosen.args[0] == Symbology("Cividis", "jenks", 25, 20, 150)


CLUSTER_FILLS = (
    "[...document.querySelectorAll('.marker-cluster, .marker-cluster div')]"
    ".map(e => getComputedStyle(e).backgroundColor)"
)


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return r, g, b


def test_cluster_bubbles_are_grey_never_a_category_colour(qtbot, make_pane, districts_store):
    """The category legend (violent orange, drug green…) covers points and clusters: coloured by
    size, markercluster's default green / yellow / orange bubbles read as categories."""
    pane = make_pane(districts_store)
    pane.set_visible_layers(["clusters"])
    wait_js(qtbot, pane, "document.querySelectorAll('.marker-cluster').length > 5")
    fills = {_rgb(c) for c in js(qtbot, pane, CLUSTER_FILLS)}
    categories = {
        _rgb("(" + ",".join(str(int(h[i : i + 2], 16)) for i in (1, 3, 5)) + ")")
        for h in CATEGORY_COLORS.values()
    }
    assert fills and not fills & categories
    assert all(max(c) - min(c) <= 8 for c in fills), fills  # shades of grey


LEGEND_TITLES = "crimedesk.legendData().sections.map(s => s.title)"


def test_the_legend_tells_cluster_bubbles_while_they_are_on_the_map(
    qtbot, make_pane, districts_store, artifacts
):
    """Grey bubbles sit close to the "other" swatch: a legend row drawn as a bubble says what they are,
    on the page and in the presentable export, and goes with the clusters layer."""
    pane = make_pane(districts_store)
    pane.set_visible_layers(["points"])
    wait_js(qtbot, pane, f"{LEGEND_TITLES}.includes('Incidents') && !{LEGEND_TITLES}.includes('Clusters')")
    pane.set_visible_layers(["clusters"])
    wait_js(qtbot, pane, f"{LEGEND_TITLES}.join() == 'Incidents,Clusters'")
    legend = js(qtbot, pane, "crimedesk.legendData()")
    disc, ring = CLUSTER_BUBBLE
    assert legend["sections"][1]["rows"] == [[disc, "number of incidents in the bubble"]]
    bubble = js(qtbot, pane, "getComputedStyle(document.querySelector('.cd-legend .cd-bubble')).borderRadius")
    assert bubble == "50%"
    assert ("bubble", (disc, "number of incidents in the bubble", ring)) in _legend_rows(legend)
    pane.view.grab().save(str(artifacts / "map_cluster_legend.png"))
    pane.export_map(ExportRequest(artifacts / "map_export_clusters.png", "Clusters", 1200, 900, 96))
