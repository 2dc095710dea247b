"""The map pane's controls: basemap, choropleth layer and PNG export at a chosen size.

The toolbar only asks (signals) and shows what the pane tells it: it knows neither the pane nor
the store, so the layer list comes from the pane's own background query.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
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

BASEMAP_CHOICES = (
    ("none", "No basemap (offline)"),
    ("xyz", "Online tiles"),
    ("xyz-url", "Online tiles, other URL…"),
    ("mbtiles", "MBTiles file…"),
)


class MapToolbar(QWidget):
    basemap_chosen = Signal(str, object, object)  # kind, tile URL template or None, MBTiles Path or None
    region_layer_chosen = Signal(object)  # a boundary layer id, or None for no choropleth
    export_requested = Signal(object, int, int)  # PNG Path, width, height in pixels

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basemap = QComboBox()
        for key, label in BASEMAP_CHOICES:
            self.basemap.addItem(label, key)
        self.regions = QComboBox()
        self.regions.addItem("(none)", None)
        self.width_box, self.height_box = _spin(1600), _spin(1200)
        export = QPushButton("Export PNG…")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        left: tuple[QWidget, ...] = (QLabel("Basemap"), self.basemap, QLabel("Regions"), self.regions)
        right: tuple[QWidget, ...] = (self.width_box, QLabel("×"), self.height_box, export)
        for widget in left:
            layout.addWidget(widget)
        layout.addStretch(1)
        for widget in right:
            layout.addWidget(widget)
        self._basemap_kind = "none"
        self._layers: list[tuple[int, str]] = []
        self.basemap.activated.connect(self._choose_basemap)
        self.regions.activated.connect(lambda i: self.region_layer_chosen.emit(self.regions.itemData(i)))
        export.clicked.connect(self._export)

    def show_basemap(self, kind: str) -> None:
        self._basemap_kind = kind
        self.basemap.setCurrentIndex(self.basemap.findData(kind))

    def show_layers(self, layers: list[tuple[int, str]], current: int | None) -> None:
        """List the loaded boundary layers (``(id, name)``) and mark the one on the map."""
        if layers != self._layers:  # rebuilt only when changed: an open list is left alone
            self._layers = list(layers)
            self.regions.clear()
            self.regions.addItem("(none)", None)
            for layer_id, name in layers:
                self.regions.addItem(name, layer_id)
        self.regions.setCurrentIndex(max(self.regions.findData(current), 0))

    def _choose_basemap(self, index: int) -> None:
        key = self.basemap.itemData(index)
        if key == "xyz-url":
            url, ok = QInputDialog.getText(self, "Tile URL", "URL with {z}, {x}, {y}:")
            if ok and url:
                self.basemap_chosen.emit("xyz", url, None)
                return
        elif key == "mbtiles":
            path, _filter = QFileDialog.getOpenFileName(self, "MBTiles file", "", "MBTiles (*.mbtiles)")
            if path:
                self.basemap_chosen.emit("mbtiles", None, Path(path))
                return
        else:
            self.basemap_chosen.emit(key, None, None)
            return
        self.show_basemap(self._basemap_kind)  # the dialog was cancelled: nothing changes

    def _export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, "Export map", "map.png", "PNG (*.png)")
        if path:
            self.export_requested.emit(Path(path), self.width_box.value(), self.height_box.value())


def _spin(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(200, 8000)
    box.setValue(value)
    box.setSuffix(" px")
    return box
