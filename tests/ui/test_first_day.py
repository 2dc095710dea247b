"""A new analyst's first day, end to end offscreen, every number checked against SQL:

empty store → import a Chicago export through the Import dialog → load the police districts
through the Load boundaries dialog → map a generic CSV through Map columns… → filter by a district
clicked on the map → train a hotspot model with the Train dialog's defaults → export the map and
the CompStat table. No error may reach the status bar, and the window never changes size.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import text

from crimedesk.domain.timecodec import SECONDS_PER_DAY, day_number
from crimedesk.models.experiments import list_experiments
from crimedesk.ui.workspace import Workspace
from tests.generic_csv import MAPPING, write_generic_csv
from tests.models.store_sample import district_csv

GENERIC_FIELDS = (("occurred", "Tatzeit"), ("offense_type", "Delikt"), ("latitude", "Breite"))
GENERIC_FIELDS += (("longitude", "Laenge"), ("block", "Strasse"), ("district", "Revier"))


@pytest.fixture(scope="module")
def chicago_export(chicago_full, tmp_path_factory):
    """A precinct's Chicago export: district 011, September to December 2017."""
    return district_csv(
        chicago_full, tmp_path_factory.mktemp("day") / "d011.csv", "011", "2017-09-01", "2018-01-01"
    )


def page_value(qtbot, pane, script: str):
    """``script``'s JSON value on the map page, None while the page (re)loads."""
    out: list = []
    pane.view.page().runJavaScript(f"JSON.stringify(window.crimedesk ? {script} : null)", 0, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=10_000)
    return json.loads(out[0]) if out[0] else None


def sql(engine, query: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(query), params).scalar_one()


def in_layer_region(engine, layer: int, region: str, first, last) -> int:
    """Incidents inside ``region`` of boundary ``layer`` on days first..last (SQL of its own)."""
    return sql(
        engine,
        "select count(*) from incidents i join incident_regions r on r.incident_id = i.id"
        " where r.layer_id = :layer and r.region_id = :region"
        " and i.occurred_from >= :a and i.occurred_from < :b",
        layer=layer,
        region=region,
        a=day_number(first) * SECONDS_PER_DAY,
        b=(day_number(last) + 1) * SECONDS_PER_DAY,
    )


def test_first_day(qtbot, sqlite_store, chicago_export, chicago_sample, data_dir, tmp_path, monkeypatch):
    store = sqlite_store
    workspace = Workspace(store, tmp_path / "settings.json")
    window = workspace.window
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    assert window.stack.currentWidget() is workspace.welcome
    size = window.size()

    # 1. the Chicago export through the Import dialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(chicago_export), ""))
    dialog = workspace.open_import()
    dialog.browse.click()
    qtbot.waitUntil(dialog.start.isEnabled, timeout=20_000)
    assert "Chicago" in dialog.detected.text()
    with qtbot.waitSignal(dialog.imported, timeout=120_000) as blocker:
        dialog.start.click()
    rows = len(list(csv.reader(io.StringIO(chicago_export.read_text(encoding="utf-8"))))) - 1
    counts = blocker.args[0].counts
    assert counts.rows_read == rows == counts.inserted + counts.rejected
    assert sql(store, "select count(*) from incidents") == counts.inserted > 5_000
    dialog.close()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=20_000)

    # 2. the police districts through Load boundaries…
    districts = data_dir / "chicago_police_districts_2012.geojson"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(districts), ""))
    boundary = workspace.open_boundaries()
    boundary.layer_name.setText("Police districts")
    assert boundary.id_field.currentData() == "DIST_NUM"  # offered from the file's attributes
    boundary.name_field.setCurrentIndex(boundary.name_field.findData("DIST_LABEL"))
    with qtbot.waitSignal(boundary.loaded, timeout=120_000) as loaded:
        boundary.start.click()
    assert loaded.args[0].regions == 23 == sql(store, "select count(*) from boundaries")
    layer = sql(store, "select id from boundary_layers")
    boundary.close()

    # 3. a generic RMS CSV through Map columns…
    generic = write_generic_csv(chicago_sample, tmp_path / "rms.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(generic), ""))
    dialog = workspace.open_import()
    dialog.browse.click()
    qtbot.waitUntil(dialog.map_columns.isVisible, timeout=20_000)
    dialog.map_columns.click()
    qtbot.waitUntil(lambda: dialog.editor is not None and dialog.editor.isVisible(), timeout=10_000)
    form = dialog.editor.form
    form.name.setText(MAPPING.name)
    form.source.setText(MAPPING.source)
    form.key.item_for("Report No").setCheckState(Qt.CheckState.Checked)
    for field, column in GENERIC_FIELDS:
        form.combos[field].setCurrentText(column)
    form.date_format.setText("%d.%m.%Y %H:%M")
    qtbot.waitUntil(lambda: len(dialog.editor.frame) == 20, timeout=20_000)
    dialog.editor.save_button.click()
    qtbot.waitUntil(dialog.start.isEnabled, timeout=20_000)
    with qtbot.waitSignal(dialog.imported, timeout=120_000) as blocker:
        dialog.start.click()
    assert blocker.args[0].counts.inserted == 2425  # the generic file's one impossible date rejected
    assert sql(store, "select count(*) from incidents where source = :s", s=MAPPING.source) == 2425
    dialog.close()

    # 4. filter by district 11, clicked on the map
    qtbot.waitUntil(lambda: workspace.state.date_to is not None, timeout=20_000)
    window.tabs.setCurrentWidget(workspace.map)
    pane = workspace.map
    qtbot.waitUntil(lambda: pane.region_layer_id == layer, timeout=30_000)
    qtbot.waitUntil(lambda: page_value(qtbot, pane, "crimedesk.stats().regions") == 23, timeout=60_000)
    click = (
        "crimedesk.layers.regions.getLayers()[0].getLayers()"
        ".find(l => l.feature.properties.region_id === '11').fire('click') && 1"
    )
    page_value(qtbot, pane, click)
    qtbot.waitUntil(lambda: workspace.state.region_ids == {"11"}, timeout=10_000)
    state = workspace.state
    assert state.region_layer_id == layer
    expected = in_layer_region(store, layer, "11", state.date_from, state.date_to)
    total = sql(store, "select count(*) from incidents")
    qtbot.waitUntil(lambda: window.counts_label.text().startswith(f"{expected:,} of"), timeout=30_000)
    assert window.counts_label.text() == f"{expected:,} of {total:,} incidents match the filters"
    assert expected > 100

    # 5. a hotspot model trained with the Train dialog's defaults
    window.tabs.setCurrentWidget(workspace.models)
    models = workspace.models
    qtbot.waitUntil(lambda: models.extent is not None, timeout=20_000)
    train = models.open_train_dialog("hotspots_gistar")
    train.accept()
    qtbot.waitUntil(lambda: models.status.text().startswith("Experiment 1 "), timeout=300_000)
    (experiment,) = list_experiments(store)
    assert experiment.status == "ok" and experiment.model_kind == "hotspots_gistar"

    # 6. the map and the CompStat table exported
    window.tabs.setCurrentWidget(workspace.map)
    image = pane.export_png(tmp_path / "map.png", 1200, 800, settle_ms=300)
    assert (image.width(), image.height()) == (1200, 800) and (tmp_path / "map.png").stat().st_size > 10_000
    window.tabs.setCurrentWidget(workspace.dashboard)
    qtbot.waitUntil(workspace.dashboard.is_current, timeout=60_000)
    table = workspace.dashboard.compstat
    qtbot.waitUntil(lambda: table.result is not None and table.layer == layer, timeout=30_000)
    table.export_csv(tmp_path / "compstat.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "compstat.csv").read_text(encoding="utf-8"))))
    by_region = {row["Region"]: row for row in rows}
    as_of = state.date_to
    assert by_region["11"]["Name"] == "11TH"
    assert int(by_region["11"]["Last 28 days"]) == in_layer_region(
        store, layer, "11", as_of - timedelta(days=27), as_of
    )
    assert int(by_region["11"]["Year to date"]) == in_layer_region(
        store, layer, "11", as_of.replace(month=1, day=1), as_of
    )

    assert window.size() == size  # nothing resized the window
    assert window.message_label.text() == "", window.message_label.text()
