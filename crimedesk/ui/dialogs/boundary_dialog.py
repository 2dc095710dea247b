"""Load a boundary layer (GeoJSON, zipped Shapefile, GeoPackage) with progress and cancel.

The id, name and population fields are picked from the attribute names read from the file, so a
misspelt field cannot be asked for; the result is reported in a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.domain.errors import BoundaryFileError
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.runtime.child_process import run_in_child

if TYPE_CHECKING:
    from crimedesk.regions.store import BoundaryImportResult

FILE_TYPES = "Boundary files (*.geojson *.json *.zip *.gpkg);;All files (*)"
NONE = "(none)"
#: Words that make an attribute name the likely id, name or population field.
HINTS = {"id": ("num", "id", "code", "no"), "name": ("name", "label"), "population": ("pop",)}


class BoundaryDialog(TaskDialog):
    loaded = Signal(object)  # BoundaryImportResult

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Load boundaries")
        self.engine = engine
        self.path, self.layer_name = QLineEdit(), QLineEdit()
        self.browse = QPushButton("Browse…")
        self.id_field, self.name_field, self.population_field = QComboBox(), QComboBox(), QComboBox()
        self.incident_field = QComboBox()
        self.incident_field.addItem(NONE, None)
        for column in SOURCE_REGION_COLUMNS:
            self.incident_field.addItem(column, column)
        self.start = self.buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.setEnabled(False)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        form = self.form = QFormLayout(self)
        form.addRow("File", file_row)
        form.addRow("Layer name", self.layer_name)
        form.addRow("Region id field", self.id_field)
        form.addRow("Region name field", self.name_field)
        form.addRow("Population field", self.population_field)
        form.addRow("Same code in incidents", self.incident_field)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.path.textChanged.connect(self._read_fields)
        self.browse.clicked.connect(self.ask_file)
        self.start.clicked.connect(self.start_load)

    def ask_file(self) -> bool:
        name, _ = QFileDialog.getOpenFileName(self, "Load boundaries", "", FILE_TYPES)
        if name:
            self.path.setText(name)
            self.layer_name.setText(Path(name).stem)
        return bool(name)

    @Slot(str)
    def _read_fields(self, text: str) -> None:
        """Offer the file's attribute names; say why when it has none to offer."""
        from crimedesk.regions.read import boundary_fields

        fields: list[str] = []
        path = Path(text.strip())
        if text.strip() and path.is_file():
            try:
                fields = boundary_fields(path)
                self.message.setText(f"{path.name}: {len(fields):,} attributes to choose from.")
            except BoundaryFileError as exc:
                self.message.setText(f"⚠ {exc}")
        elif text.strip():
            self.message.setText("No such file.")
        _offer(self.id_field, fields, guess(fields, "id"), optional=False)
        _offer(self.name_field, fields, guess(fields, "name"))
        _offer(self.population_field, fields, guess(fields, "population"))
        self.start.setEnabled(bool(fields))

    def start_load(self) -> None:
        from crimedesk.regions.store import import_boundary_layer

        path, url = Path(self.path.text()), self.engine.url.render_as_string(hide_password=False)
        options = {
            "layer_name": self.layer_name.text().strip(),
            "id_field": self.id_field.currentData(),
            "name_field": self.name_field.currentData(),
            "population_field": self.population_field.currentData(),
            "incident_field": self.incident_field.currentData(),
        }

        def task(progress: Any, cancel: Any) -> Any:
            return run_in_child(import_boundary_layer, url, path, progress=progress, cancel=cancel, **options)

        self.start.setEnabled(False)
        self.run_task(task)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self.message.setText(load_sentence(self.layer_name.text().strip(), result))
        self._done()
        self.resize(self.width(), max(self.height(), self.form.heightForWidth(self.width())))
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


def guess(fields: Sequence[str], role: str) -> str | None:
    """The first field whose name hints at ``role`` (a key of HINTS); the first field for an id."""
    for field in fields:
        if any(hint in field.casefold() for hint in HINTS[role]):
            return field
    return fields[0] if role == "id" and fields else None


def _offer(box: QComboBox, fields: Sequence[str], chosen: str | None, optional: bool = True) -> None:
    box.clear()
    if optional:
        box.addItem(NONE, None)
    for field in fields:
        box.addItem(field, field)
    box.setCurrentIndex(max(box.findData(chosen), 0))


def load_sentence(layer: str, result: BoundaryImportResult) -> str:
    """What a load did, in words: regions, incidents joined and outside, agreement, population."""
    text = (
        f"Loaded {result.regions:,} regions as “{layer}”: {result.incidents_joined:,} incidents lie in a "
        f"region and {result.incidents_outside:,} in none."
    )
    if result.agreement_rate is not None:
        text += (
            f" {result.agreement_rate:.1%} of {result.compared:,} incidents carry the same code as "
            "the region they were placed in."
        )
    if result.populated:
        text += f" Population known for {result.populated:,} of {result.regions:,} regions."
    if result.repaired:
        text += f" {result.repaired:,} invalid shapes were repaired."
    return text
