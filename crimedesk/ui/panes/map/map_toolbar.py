"""The map pane's controls: basemap, symbology (palette, classes, heat) and the map export.

The toolbar only asks (signals) and shows what the pane tells it: it knows neither the pane nor
the store. The choropleth's boundary layer is chosen in the filter panel (FilterState's region
layer), so the map has no second selector that could say another.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from crimedesk.mapping.classes import METHODS, PALETTE_NAMES
from crimedesk.mapping.options import HEAT_RANGES, Symbology
from crimedesk.mapping.rates import MEASURES
from crimedesk.ui.panes.map.map_export import ExportDialog

BASEMAP_CHOICES = (
    ("none", "No basemap (offline)"),
    ("xyz", "Online tiles"),
    ("xyz-url", "Online tiles, other URL…"),
    ("mbtiles", "MBTiles file…"),
)


class StyleForm(QWidget):
    """Measure, palette and classes of the choropleth; radius, blur and intensity of the heat map."""

    changed = Signal(object)  # Symbology

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.measure = QComboBox()
        for key, label in MEASURES.items():
            self.measure.addItem(label, key)
        self.colours = QComboBox()
        for key, label in PALETTE_NAMES.items():
            self.colours.addItem(label, key)
        self.method = QComboBox()
        for key, label in METHODS.items():
            self.method.addItem(label, key)
        self.radius, self.blur, self.intensity = (
            _spin(low, high, suffix)
            for (_n, low, high), suffix in zip(HEAT_RANGES, (" px", " px", " %"), strict=True)
        )
        form = QFormLayout(self)
        form.addRow("Show", self.measure)
        form.addRow("Region colours", self.colours)
        form.addRow("Classes", self.method)
        form.addRow("Heat radius", self.radius)
        form.addRow("Heat blur", self.blur)
        form.addRow("Heat intensity", self.intensity)
        self.measure.activated.connect(self._changed)
        self.colours.activated.connect(self._changed)
        self.method.activated.connect(self._changed)
        for box in (self.radius, self.blur, self.intensity):
            box.editingFinished.connect(self._changed)

    def show_style(self, style: Symbology) -> None:
        self.measure.setCurrentIndex(self.measure.findData(style.measure))
        self.colours.setCurrentIndex(self.colours.findData(style.palette))
        self.method.setCurrentIndex(self.method.findData(style.method))
        self.radius.setValue(style.heat_radius)
        self.blur.setValue(style.heat_blur)
        self.intensity.setValue(style.heat_intensity)

    def symbology(self) -> Symbology:
        return Symbology(
            self.colours.currentData(),
            self.method.currentData(),
            self.radius.value(),
            self.blur.value(),
            self.intensity.value(),
            self.measure.currentData(),
        )

    def _changed(self) -> None:
        self.changed.emit(self.symbology())


class MapToolbar(QWidget):
    basemap_chosen = Signal(str, object, object)  # kind, tile URL template or None, MBTiles Path or None
    style_chosen = Signal(object)  # Symbology
    export_requested = Signal(object)  # ExportRequest

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basemap = QComboBox()
        for key, label in BASEMAP_CHOICES:
            self.basemap.addItem(label, key)
        self.style_form = StyleForm()
        self.style_button = _menu_button("Symbology", self.style_form)
        self.export_button = QPushButton("Export map…")
        self.default_title = "Incidents"
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for widget in (QLabel("Basemap"), self.basemap, self.style_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.export_button)
        self._basemap_kind = "none"
        self.basemap.activated.connect(self._choose_basemap)
        self.style_form.changed.connect(self.style_chosen)
        self.export_button.clicked.connect(self._export)

    def show_basemap(self, kind: str) -> None:
        self._basemap_kind = kind
        self.basemap.setCurrentIndex(self.basemap.findData(kind))

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
        """Ask title, size and resolution, then where to save (in the user's documents folder)."""
        dialog = ExportDialog(self.default_title, self)
        if not dialog.exec():
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder) / "map.png")
        path, _filter = QFileDialog.getSaveFileName(self, "Export map", start, "PNG (*.png)")
        if path:
            self.export_requested.emit(dialog.request(Path(path)))


def _menu_button(text: str, form: QWidget) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    action = QWidgetAction(menu)
    action.setDefaultWidget(form)
    menu.addAction(action)
    button.setMenu(menu)
    return button


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box
