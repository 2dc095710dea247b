"""A presentable map export: the map as rendered (without its zoom, draw and layer controls) with
a title, the filters in words, the legend, a scale bar, a north arrow, the source and the time
made, drawn around it at the chosen size and resolution.

The text is drawn with QPainter as plain text (never HTML), sized in points for the chosen DPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QLinearGradient, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.export_text import metres_per_pixel, scale_bar

SCREEN_DPI = 96
INCH_M = 0.0254
SWATCHED = ("row", "bubble")  # legend rows drawn with a swatch before their label
MAX_DPI = 480  # the page renders at DPI / 96, and QtWebEngine zooms at most 5 times


class ExportError(CrimedeskError):
    """A map export that cannot be made as asked."""


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    title: str
    width: int  # pixels of the whole image
    height: int
    dpi: int = 150
    units: str = "m"  # the scale bar's: m (metres, km) or ft (feet, miles)


@dataclass(frozen=True)
class PageInfo:
    """What the page said when it went into export mode (crimedesk.exportMode)."""

    lat: float
    zoom: float
    legend: dict[str, Any]
    attribution: str


class ExportDialog(QDialog):
    """Title, size in pixels and resolution of the exported map."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export map")
        self.title = QLineEdit(title)
        self.width_box, self.height_box = _spin(200, 8000, 1600, " px"), _spin(200, 8000, 1200, " px")
        self.dpi = _spin(72, MAX_DPI, 150, " dpi")
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow("Resolution", self.dpi)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def request(self, path: Path) -> ExportRequest:
        return ExportRequest(
            path, self.title.text(), self.width_box.value(), self.height_box.value(), self.dpi.value()
        )


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class Layout:
    """Where things go on the image: bands above and below the map, in pixels for the DPI."""

    def __init__(self, request: ExportRequest) -> None:
        if not 72 <= request.dpi <= MAX_DPI:
            raise ExportError(f"the resolution must be from 72 to {MAX_DPI} dpi, not {request.dpi}")
        self.scale = request.dpi / SCREEN_DPI
        self.pad = round(12 * self.scale)
        self.header = round(64 * self.scale)
        self.footer = round(24 * self.scale)
        self.map = QRectF(0, self.header, request.width, request.height - self.header - self.footer)
        if self.map.height() < 50:
            raise ExportError("the image is too short for a map under its title: make it taller")

    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setPixelSize(max(1, round(points * self.scale * SCREEN_DPI / 72)))
        font.setBold(bold)
        return font


def map_size(request: ExportRequest) -> tuple[int, int, float]:
    """(width, height) in pixels of the map part, and the zoom factor the page renders it at."""
    layout = Layout(request)
    return round(layout.map.width()), round(layout.map.height()), layout.scale


def compose(map_image: QImage, info: PageInfo, request: ExportRequest, filters: str) -> QImage:
    """The whole export: exactly ``request.width`` × ``request.height`` pixels at ``request.dpi``."""
    layout = Layout(request)
    image = QImage(request.width, request.height, QImage.Format.Format_ARGB32)
    dots_per_metre = round(request.dpi / INCH_M)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        painter.drawImage(layout.map, map_image)
        _header(painter, layout, request, filters)
        _footer(painter, layout, request, info.attribution)
        _scale_bar(painter, layout, metres_per_pixel(info.lat, info.zoom) / layout.scale, request.units)
        _north_arrow(painter, layout)
        _legend(painter, layout, info.legend)
    finally:
        painter.end()
    return image


def _header(painter: QPainter, layout: Layout, request: ExportRequest, filters: str) -> None:
    pad, width = layout.pad, request.width - 2 * layout.pad
    painter.setPen(QColor("black"))
    painter.setFont(layout.font(16, bold=True))
    painter.drawText(
        QRectF(pad, pad / 2, width, layout.header * 0.5), Qt.AlignmentFlag.AlignVCenter, request.title
    )
    painter.setFont(layout.font(9))
    flags = Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    painter.drawText(
        QRectF(pad, layout.header * 0.5 + pad / 2, width, layout.header * 0.5 - pad / 2), flags, filters
    )


def _footer(painter: QPainter, layout: Layout, request: ExportRequest, attribution: str) -> None:
    made = datetime.now().astimezone().strftime("%d %b %Y %H:%M %Z")
    text = f"Source: crimedesk incident store · Map: {attribution.strip() or 'Leaflet'} · Made {made}"
    painter.setFont(layout.font(7))
    painter.setPen(QColor("#333"))
    box = QRectF(layout.pad, layout.map.bottom(), request.width - 2 * layout.pad, layout.footer)
    painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, text)


def _scale_bar(painter: QPainter, layout: Layout, metres_per_px: float, units: str) -> None:
    length, label = scale_bar(metres_per_px, layout.map.width() / 4, units)
    s, pad = layout.scale, layout.pad
    x, y = layout.map.left() + pad, layout.map.bottom() - pad
    painter.setPen(QPen(QColor("black"), max(1.0, 2 * s)))
    painter.fillRect(QRectF(x - 4 * s, y - 22 * s, length + 8 * s, 26 * s), QColor(255, 255, 255, 210))
    painter.drawLine(QPointF(x, y), QPointF(x + length, y))
    for end in (x, x + length):
        painter.drawLine(QPointF(end, y), QPointF(end, y - 6 * s))
    painter.setFont(layout.font(8))
    painter.drawText(QPointF(x, y - 9 * s), label)


def _north_arrow(painter: QPainter, layout: Layout) -> None:
    s = layout.scale
    cx, top = layout.map.right() - layout.pad - 14 * s, layout.map.top() + layout.pad
    arrow = QPolygonF(
        [
            QPointF(cx, top + 14 * s),
            QPointF(cx - 9 * s, top + 40 * s),
            QPointF(cx, top + 33 * s),
            QPointF(cx + 9 * s, top + 40 * s),
        ]
    )
    painter.setPen(QPen(QColor("black"), max(1.0, s)))
    painter.setBrush(QColor("black"))
    painter.drawPolygon(arrow)
    painter.setFont(layout.font(9, bold=True))
    painter.drawText(QRectF(cx - 10 * s, top, 20 * s, 14 * s), Qt.AlignmentFlag.AlignCenter, "N")
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _legend_rows(legend: dict[str, Any]) -> list[tuple[str, Any]]:
    """("title", text), ("row", (colour, label)), ("bubble", (colour, label, ring)) and ("heat", heat
    legend) in drawing order."""
    rows: list[tuple[str, Any]] = []
    heat = legend.get("heat")
    if heat:
        rows += [("title", heat["title"]), ("heat", heat["gradient"]), ("heat-note", heat_note(heat))]
    for section in legend.get("sections", []):
        rows.append(("title", section["title"]))
        ring = section.get("bubble")
        rows += [
            ("bubble", (color, label, ring)) if ring else ("row", (color, label))
            for color, label in section["rows"]
        ]
    return rows


def _swatch(painter: QPainter, square: QRectF, kind: str, value: tuple[str, ...]) -> None:
    """A legend row's square of colour, or for a "bubble" row a disc in its ring, as the map draws it."""
    painter.setBrush(QColor(value[0]))
    if kind == "row":
        painter.drawRect(square)
        return
    painter.save()
    inset = square.width() / 8  # half the ring's width: the ring's outside fills the square
    painter.setPen(QPen(QColor(value[2]), 2 * inset))
    painter.drawEllipse(square.adjusted(inset, inset, -inset, -inset))
    painter.restore()


def heat_note(heat: dict[str, Any]) -> str:
    """What full colour means: the densest cell of the view, per the intensity."""
    most = heat["max"]
    amount = f"{most:,.0f}" if most >= 10 else f"{most:.2g}"
    return f"full colour: {amount}+ incidents per {heat['cell']} px"


def _legend(painter: QPainter, layout: Layout, legend: dict[str, Any]) -> None:
    rows = _legend_rows(legend)
    if not rows:
        return
    s, line = layout.scale, 16 * layout.scale
    texts = [(kind, str(value[1] if kind in SWATCHED else value)) for kind, value in rows if kind != "heat"]
    widest = max(
        QFontMetricsF(layout.font(8, bold=kind == "title")).horizontalAdvance(text)
        + (18 * s if kind in SWATCHED else 0)
        for kind, text in texts
    )
    width = min(widest + 16 * s, layout.map.width() / 2)
    height = line * len(rows) + 12 * s
    box = QRectF(
        layout.map.right() - layout.pad - width, layout.map.bottom() - layout.pad - height, width, height
    )
    painter.setPen(QPen(QColor("#888"), max(1.0, s)))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(box, 4 * s, 4 * s)
    y = box.top() + 6 * s
    for kind, value in rows:
        _legend_row(painter, layout, QRectF(box.left() + 8 * s, y, width - 16 * s, line), kind, value)
        y += line


def _legend_row(painter: QPainter, layout: Layout, cell: QRectF, kind: str, value: Any) -> None:
    s = layout.scale
    painter.setPen(QColor("black"))
    if kind == "title":
        painter.setFont(layout.font(8, bold=True))
        painter.drawText(cell, Qt.AlignmentFlag.AlignVCenter, str(value))
        return
    painter.setFont(layout.font(8))
    if kind in SWATCHED:
        _swatch(painter, QRectF(cell.left(), cell.center().y() - 6 * s, 12 * s, 12 * s), kind, value)
        text = cell.adjusted(18 * s, 0, 0, 0)
        painter.drawText(text, Qt.AlignmentFlag.AlignVCenter, str(value[1]))
        return
    if kind == "heat-note":
        painter.drawText(cell, Qt.AlignmentFlag.AlignVCenter, str(value))
        return
    ramp = QRectF(cell.left(), cell.top() + 2 * s, cell.width(), cell.height() - 4 * s)
    gradient = QLinearGradient(ramp.topLeft(), ramp.topRight())
    gradient.setColorAt(0, QColor(255, 255, 255, 0))
    for stop, color in value.items():
        gradient.setColorAt(float(stop), QColor(color))
    painter.fillRect(ramp, gradient)
