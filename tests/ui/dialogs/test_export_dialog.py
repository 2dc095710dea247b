"""The export dialog: the Data pane opens it with the panel's filters; the file holds those rows."""

from __future__ import annotations

import pyogrio
from PySide6.QtCore import Qt

from crimedesk.analytics.incident_table import count_incidents
from crimedesk.ui.dialogs.export_dialog import ExportDialog
from crimedesk.ui.panes.data.data_pane import DataPane


def test_data_pane_exports_the_filtered_incidents(qtbot, chicago_sample_store, state, tmp_path, artifacts):
    state.update(categories=frozenset({"violent"}))
    pane = DataPane(chicago_sample_store, state)
    qtbot.addWidget(pane)
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    dialog = pane.findChild(ExportDialog)
    assert dialog is not None and dialog.filters == state.snapshot
    dialog.format.setCurrentIndex(dialog.format.findData("gpkg"))
    assert dialog.crs.isEnabled() and not dialog.bom.isEnabled()
    dialog.crs.setCurrentIndex(dialog.crs.findData("projected"))
    dialog.path.setText(str(tmp_path / "violent.gpkg"))
    dialog.show()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)
    with chicago_sample_store.connect() as conn:
        expected = count_incidents(conn, state.snapshot)
    frame = pyogrio.read_dataframe(tmp_path / "violent.gpkg")
    assert len(frame) == expected == dialog.exported.rows and set(frame["category"]) == {"violent"}
    assert f"{expected:,} incidents written" in dialog.status.text()
    assert dialog.grab().save(str(artifacts / "export_dialog.png"))


def test_geojson_is_always_wgs84_and_csv_offers_a_bom(qtbot, chicago_sample_store, state, tmp_path):
    dialog = ExportDialog(chicago_sample_store, state.snapshot)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
    assert not dialog.crs.isEnabled() and dialog.crs.currentData() == "wgs84"
    assert dialog.path.text().endswith(".geojson")
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.bom.isEnabled()
    dialog.path.setText(str(tmp_path / "out.csv"))
    dialog.bom.setChecked(True)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
