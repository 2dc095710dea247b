"""Load a boundary layer (GeoJSON, zipped Shapefile, GeoPackage) with progress and cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.runtime.child_process import run_in_child

FILE_TYPES = "Boundary files (*.geojson *.json *.zip *.gpkg);;All files (*)"


class BoundaryDialog(TaskDialog):
    loaded = Signal(object)  # BoundaryImportResult

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Load boundaries")
        self.engine = engine
        self.path, self.layer_name = QLineEdit(), QLineEdit()
        self.id_field, self.name_field = QLineEdit(), QLineEdit()
        self.incident_field = QComboBox()
        self.incident_field.addItem("(none)", None)
        for column in SOURCE_REGION_COLUMNS:
            self.incident_field.addItem(column, column)
        self.start = self.buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout(self)
        form.addRow("File", self.path)
        form.addRow("Layer name", self.layer_name)
        form.addRow("Region id field", self.id_field)
        form.addRow("Region name field", self.name_field)
        form.addRow("Same code in incidents", self.incident_field)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.start.clicked.connect(self.start_load)

    def ask_file(self) -> bool:
        name, _ = QFileDialog.getOpenFileName(self, "Load boundaries", "", FILE_TYPES)
        if name:
            self.path.setText(name)
            self.layer_name.setText(Path(name).stem)
        return bool(name)

    def start_load(self) -> None:
        from crimedesk.regions.store import import_boundary_layer

        path, url = Path(self.path.text()), self.engine.url.render_as_string(hide_password=False)
        options = {
            "layer_name": self.layer_name.text().strip(),
            "id_field": self.id_field.text().strip(),
            "name_field": self.name_field.text().strip() or None,
            "incident_field": self.incident_field.currentData(),
        }

        def task(progress: Any, cancel: Any) -> Any:
            return run_in_child(import_boundary_layer, url, path, progress=progress, cancel=cancel, **options)

        self.start.setEnabled(False)
        self.run_task(task)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self.message.setText(f"Loaded: {result}")
        self._done()
        self.loaded.emit(result)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.message.setText(f"⚠ {exc}")
        self._done()

    @Slot()
    def _cancelled(self) -> None:
        self.message.setText("Cancelled; nothing was loaded.")
        self._done()

    def _done(self) -> None:
        self.job = None
        self.start.setEnabled(True)
        self.cancel.setText("Close")
