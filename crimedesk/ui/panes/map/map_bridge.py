"""The page's way back to Python: QWebChannel slots turned into Qt signals for the map pane."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot


class MapBridge(QObject):
    """Registered on the page's QWebChannel as ``bridge``; the client script calls these slots."""

    ready = Signal()
    incident_clicked = Signal(int)
    region_clicked = Signal(int, str)
    shape_drawn = Signal(str, str)  # Leaflet.draw layer type, GeoJSON geometry
    shape_cleared = Signal()
    view_changed = Signal(str)  # JSON: lat, lon, zoom, visible layers

    @Slot()
    def pageReady(self) -> None:  # camelCase: called from JavaScript
        self.ready.emit()

    @Slot(int)
    def incidentClicked(self, incident_id: int) -> None:
        self.incident_clicked.emit(incident_id)

    @Slot(int, str)
    def regionClicked(self, layer_id: int, region_id: str) -> None:
        self.region_clicked.emit(layer_id, region_id)

    @Slot(str, str)
    def shapeDrawn(self, layer_type: str, geometry: str) -> None:
        self.shape_drawn.emit(layer_type, geometry)

    @Slot()
    def shapeCleared(self) -> None:
        self.shape_cleared.emit()

    @Slot(str)
    def viewChanged(self, view: str) -> None:
        self.view_changed.emit(view)
