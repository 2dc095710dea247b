"""The map's Export incidents… button: the file holds the incidents of the drawn area and filters."""

from __future__ import annotations

import pyogrio
import pytest
from PySide6.QtCore import Qt

from crimedesk.state.filters import FilterState
from crimedesk.ui.dialogs.export_dialog import ExportDialog

pytestmark = pytest.mark.webengine


def test_export_button_writes_the_drawn_area(qtbot, districts_store, make_pane, tmp_path):
    filters = FilterState()
    filters.update(bbox=(-87.70, 41.85, -87.62, 41.90))
    pane = make_pane(districts_store, filters)
    qtbot.mouseClick(pane.export_incidents, Qt.MouseButton.LeftButton)
    dialog = pane.findChild(ExportDialog)
    assert dialog is not None and dialog.filters.bbox == filters.bbox
    dialog.format.setCurrentIndex(dialog.format.findData("geojson"))
    dialog.path.setText(str(tmp_path / "box.geojson"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=20_000)
    frame = pyogrio.read_dataframe(tmp_path / "box.geojson")
    assert len(frame) == dialog.exported.rows > 0
    assert frame.geometry.x.between(-87.70, -87.62).all() and frame.geometry.y.between(41.85, 41.90).all()
