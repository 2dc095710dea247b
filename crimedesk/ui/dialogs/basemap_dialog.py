"""File ▸ Prepare offline basemap…: an area's map tiles into an MBTiles file, then the map uses it.

The tile count and size estimate are shown before anything is fetched; the download runs on a
worker with progress and Cancel, and starting again on the same file fetches only what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.basemap import (
    MAX_TILES,
    OSM_ATTRIBUTION,
    OSM_TEMPLATE,
    BBox,
    TilePlan,
    data_bbox,
    layer_bbox,
    prepare_basemap,
)
from crimedesk.regions.store import layer_names
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.widgets.plain_text import PlainLabel

DATA_EXTENT = "The data's extent"


class BasemapDialog(TaskDialog):
    prepared = Signal(object)  # the MBTiles Path, ready for the map
    CANCELLING = "Stopping; the tiles so far are kept…"

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prepare offline basemap")
        self.setMinimumWidth(560)
        self.engine = engine
        self.area, self.url, self.path = QComboBox(), QLineEdit(OSM_TEMPLATE), QLineEdit()
        self.attribution = QLineEdit(OSM_ATTRIBUTION)
        self.min_zoom, self.max_zoom = _zoom(10), _zoom(15)
        self.rate = QDoubleSpinBox(minimum=0.1, maximum=10.0, value=2.0, singleStep=0.5)
        self.estimate = PlainLabel()
        self.plan: TilePlan | None = None
        self.start = self.buttons.addButton("Download", QDialogButtonBox.ButtonRole.AcceptRole)
        self._lay_out()
        self._fill_areas()
        for signal in (self.area.currentIndexChanged, self.min_zoom.valueChanged, self.max_zoom.valueChanged):
            signal.connect(self.update_estimate)
        self.rate.valueChanged.connect(self.update_estimate)
        self.start.clicked.connect(self.start_download)
        self.update_estimate()

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.addRow("Area", self.area)
        form.addRow("Lowest zoom", self.min_zoom)
        form.addRow("Highest zoom", self.max_zoom)
        form.addRow("Tile URL", self.url)
        form.addRow("Attribution", self.attribution)
        form.addRow("Requests a second", self.rate)
        form.addRow("MBTiles file", self.path)
        form.addRow(self.estimate)
        form.addRow(self.progress)
        form.addRow(self.message)
        form.addRow(self.buttons)

    def _fill_areas(self) -> None:
        self.area.addItem(DATA_EXTENT, None)
        with self.engine.connect() as conn:
            for _layer_id, name in layer_names(conn):
                self.area.addItem(f"Boundary layer {name}", name)

    def ask_file(self) -> bool:
        name, _ = QFileDialog.getSaveFileName(
            self, "Offline basemap", "basemap.mbtiles", "MBTiles (*.mbtiles)"
        )
        self.path.setText(name)
        return bool(name)

    def _bbox(self) -> BBox:
        layer = self.area.currentData()
        with self.engine.connect() as conn:
            return layer_bbox(conn, layer) if layer else data_bbox(conn)

    def update_estimate(self) -> None:
        """The plan for the chosen area and zooms, shown before any download."""
        try:
            self.plan = TilePlan(self._bbox(), self.min_zoom.value(), self.max_zoom.value())
        except (ValueError, CrimedeskError) as exc:
            self.plan = None
            self.estimate.setText(f"⚠ {exc}")
        else:
            minutes = self.plan.count / self.rate.value() / 60
            too_many = f" — more than the limit of {MAX_TILES:,}" if self.plan.count > MAX_TILES else ""
            self.estimate.setText(
                f"{self.plan.count:,} tiles, about {self.plan.estimated_bytes / 1e6:,.1f} MB,"
                f" at least {minutes:,.1f} min{too_many}"
            )
        self.start.setEnabled(self.plan is not None and self.plan.count <= MAX_TILES)

    def start_download(self) -> None:
        plan, out = self.plan, Path(self.path.text())
        if plan is None or not self.path.text():
            self.message.setText("⚠ Choose an area and an MBTiles file first.")
            return
        template, attribution, rate = self.url.text().strip(), self.attribution.text(), self.rate.value()

        def task(progress: Any, cancel: Any) -> Any:
            return prepare_basemap(
                plan, out, template, attribution=attribution, rate=rate, progress=progress, cancel=cancel
            )

        self.start.setEnabled(False)
        self.run_task(task)

    @Slot(object)
    def _finished(self, report: Any) -> None:
        self.progress.setValue(1000)
        self.message.setText(
            f"{report.downloaded:,} tiles fetched ({report.bytes / 1e6:,.1f} MB), {report.already_present:,}"
            f" already there, {report.missing:,} not on the server. The map now uses this file."
        )
        self._done("Download")
        self.prepared.emit(Path(self.path.text()))

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.message.setText(f"⚠ {exc}")
        self._done("Download the rest")

    @Slot()
    def _cancelled(self) -> None:
        self.message.setText("Stopped; the tiles so far are kept. Download again to resume.")
        self._done("Download the rest")

    def _done(self, start_text: str) -> None:
        self.job = None
        self.start.setEnabled(True)
        self.start.setText(start_text)
        self.cancel.setText("Close")
        self.adjustSize()


def _zoom(value: int) -> QSpinBox:
    return QSpinBox(minimum=0, maximum=19, value=value)
