"""The map pane's controls: basemap, choropleth layer and PNG export at a chosen size."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from crimedesk.regions.store import layer_names

if TYPE_CHECKING:
    from crimedesk.ui.panes.map.map_pane import MapPane

BASEMAP_CHOICES = (
    ("none", "No basemap (offline)"),
    ("xyz", "Online tiles"),
    ("xyz-url", "Online tiles, other URL…"),
    ("mbtiles", "MBTiles file…"),
)


class MapToolbar(QWidget):
    def __init__(self, pane: MapPane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.basemap = QComboBox()
        for key, label in BASEMAP_CHOICES:
            self.basemap.addItem(label, key)
        self.regions = QComboBox()
        self.width_box, self.height_box = _spin(1600), _spin(1200)
        export = QPushButton("Export PNG…")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (QLabel("Basemap"), self.basemap, QLabel("Regions"), self.regions):
            layout.addWidget(widget)
        layout.addStretch(1)
        for widget in (self.width_box, QLabel("×"), self.height_box, export):
            layout.addWidget(widget)
        self.sync()
        self.basemap.activated.connect(self._choose_basemap)
        self.regions.activated.connect(lambda i: pane.set_region_layer(self.regions.itemData(i)))
        export.clicked.connect(self._export)

    def sync(self) -> None:
        """Show the pane's current basemap and list the loaded boundary layers."""
        kind = self.pane.settings.basemap()[0]
        self.basemap.setCurrentIndex(self.basemap.findData(kind))
        self.regions.clear()
        self.regions.addItem("(none)", None)
        with self.pane.engine.connect() as conn:
            for layer_id, name in layer_names(conn):
                self.regions.addItem(name, layer_id)
        self.regions.setCurrentIndex(max(self.regions.findData(self.pane.region_layer_id), 0))

    def _choose_basemap(self, index: int) -> None:
        key = self.basemap.itemData(index)
        if key == "xyz-url":
            url, ok = QInputDialog.getText(self, "Tile URL", "URL with {z}, {x}, {y}:")
            if ok and url:
                self.pane.set_basemap("xyz", url=url)
        elif key == "mbtiles":
            path, _filter = QFileDialog.getOpenFileName(self, "MBTiles file", "", "MBTiles (*.mbtiles)")
            if path:
                self.pane.set_basemap("mbtiles", mbtiles=Path(path))
        else:
            self.pane.set_basemap(key)
        self.sync()

    def _export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, "Export map", "map.png", "PNG (*.png)")
        if path:
            self.pane.export_png(Path(path), self.width_box.value(), self.height_box.value())


def _spin(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(200, 8000)
    box.setValue(value)
    box.setSuffix(" px")
    return box
