"""The map's Export incidents… button: the file holds the incidents of the drawn area and filters."""

from __future__ import annotations

import getpass

import pyogrio
import pytest
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from crimedesk.auth import audit
from crimedesk.state.filters import FilterState
from crimedesk.ui.dialogs.export_dialog import ExportDialog
from crimedesk.ui.panes.map.map_export import ExportRequest

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


def test_a_map_export_leaves_an_audit_row_with_its_filters(qtbot, districts_store, make_pane, tmp_path):
    """Exports are audited (issue 16): the map PNG names its file, size, resolution and filters."""
    filters = FilterState()
    filters.update(categories=frozenset({"violent"}))
    pane = make_pane(districts_store, filters)
    request = ExportRequest(tmp_path / "district.png", "Violent incidents", 900, 700, 96)
    pane.toolbar.export_requested.emit(request)
    assert pane.status.text() == f"Map exported to {request.path}"
    (row,) = audit.read(districts_store, action="export")
    assert (row.username, row.object_type, row.object_id) == (getpass.getuser(), "map", "district.png")
    assert row.details["title"] == "Violent incidents"
    assert (row.details["width"], row.details["height"], row.details["dpi"]) == (900, 700, 96)
    assert row.details["filters"] == filters.snapshot.to_dict()


def test_an_export_the_store_cannot_record_writes_no_file(
    qtbot, districts_store, make_pane, tmp_path, monkeypatch
):
    pane = make_pane(districts_store)

    def read_only(*_args, **_kwargs):
        raise OperationalError("INSERT INTO audit", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(audit, "record", read_only)
    request = ExportRequest(tmp_path / "unrecorded.png", "Incidents", 900, 700, 96)
    pane.toolbar.export_requested.emit(request)
    assert pane.status.text() == (
        "Map not exported: the store could not record the export (attempt to write a readonly database)"
    )
    assert not request.path.exists()
