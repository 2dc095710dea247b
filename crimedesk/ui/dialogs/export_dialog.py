"""Export the filtered incidents to a file: format, coordinate system, BOM, then a background export
with progress and Cancel (the file appears only when complete)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth.session import acting_user
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.reports.exports.catalog import export_format, format_names
from crimedesk.reports.exports.service import ExportResult, export_incidents
from crimedesk.ui.runtime.workers import Job, submit
from crimedesk.ui.widgets.plain_text import PlainLabel

LABELS = {"csv": "CSV", "geojson": "GeoJSON (RFC 7946)", "gpkg": "GeoPackage", "parquet": "GeoParquet"}


class ExportDialog(QDialog):
    def __init__(self, engine: Engine, filters: FilterSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export incidents")
        self.engine, self.filters = engine, filters
        self.exported: ExportResult | None = None
        self._job: Job | None = None
        self.format = QComboBox()
        for name in format_names():
            self.format.addItem(LABELS.get(name, name), name)
        self.crs = QComboBox()
        self.crs.addItem("WGS84 (longitude/latitude)", "wgs84")
        self.crs.addItem("The store's projected system", "projected")
        self.bom = QCheckBox("Byte-order mark (for Excel)")
        self.path = QLineEdit(str(Path.home() / "incidents.csv"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        self.progress, self.status = QProgressBar(), PlainLabel("")
        self.progress.setRange(0, 1000)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self._cancel_or_close)
        self.format.currentIndexChanged.connect(self._format_chosen)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Coordinates", self.crs)
        form.addRow("", self.bom)
        form.addRow("File", where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._format_chosen()

    def start(self) -> None:
        engine, filters, out = self.engine, self.filters, Path(self.path.text()).expanduser()
        name, crs, bom = self.format.currentData(), self.crs.currentData(), self.bom.isChecked()

        def task(progress: Callable[[float, str], None], cancel: Callable[[], bool]) -> ExportResult:
            user = acting_user(engine)
            return export_incidents(
                engine, user, filters, name, out, crs=crs, bom=bom, progress=progress, cancel=cancel
            )

        self.export_button.setEnabled(False)
        self._job = submit(
            task, finished=self._done, failed=self._failed, progress=self._progress, cancelled=self._cancelled
        )

    def _done(self, result: ExportResult) -> None:
        self._job, self.exported = None, result
        where = f" in EPSG:{result.epsg}" if result.epsg else ""
        self.status.setText(f"{result.rows:,} incidents written to {result.path}{where}")
        self.export_button.setEnabled(True)

    def _failed(self, exc: Exception) -> None:
        self._job = None
        self.status.setText(str(exc))
        self.export_button.setEnabled(True)

    def _cancelled(self) -> None:
        self._job = None
        self.status.setText("Cancelled; no file written.")
        self.export_button.setEnabled(True)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.status.setText(message)

    def _cancel_or_close(self) -> None:
        if self._job is not None:
            self._job.cancel()
        else:
            self.reject()

    def _format_chosen(self) -> None:
        fmt = export_format(self.format.currentData())
        self.crs.setEnabled(fmt.spatial and fmt.only_epsg is None)
        if not self.crs.isEnabled():
            self.crs.setCurrentIndex(0)
        self.bom.setEnabled(fmt.name == "csv")
        self.path.setText(str(Path(self.path.text()).with_suffix(fmt.suffix)))

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if name:
            self.path.setText(name)
