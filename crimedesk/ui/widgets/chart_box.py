"""A titled pyqtgraph chart with hover tooltips, clicks in data coordinates and PNG export
(audited in the store the chart shows).

Subclasses implement :meth:`tooltip_at` and :meth:`clicked_at` on data coordinates, so tests
can call them directly and real mouse events go through the same code.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crimedesk.auth import audit
from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text

log = logging.getLogger(__name__)
pg.setConfigOptions(antialias=True, background="w", foreground="k")


class CountAxis(pg.AxisItem):
    """An axis of counts or rates: ticks with thousands separators ("12,000", never "12000" or
    "1.2e+04"), and decimals only where the tick spacing needs them."""

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return count_ticks(values, scale, spacing)


def count_ticks(values: list[float], scale: float, spacing: float) -> list[str]:
    step = abs(spacing * scale)
    decimals = 0 if step >= 1 or step == 0 else min(6, math.ceil(-math.log10(step)))
    return [f"{v * scale:,.{decimals}f}" for v in values]


class ChartBox(QWidget):
    def __init__(
        self,
        title: str,
        plot: pg.PlotItem | None = None,
        parent: QWidget | None = None,
        count_axis: str = "left",
        engine: Engine | None = None,
    ) -> None:
        """``count_axis``: the side whose ticks are counts (a CountAxis), unless ``plot`` is given.
        ``engine``: the store, which records who exported the chart (no Export PNG… without)."""
        super().__init__(parent)
        self.engine, self.name = engine, title
        plot = plot or pg.PlotItem(axisItems={count_axis: CountAxis(count_axis)})
        self.title = QLabel(f"<b>{title}</b>")
        self.status = PlainLabel()
        self.status.setStyleSheet("color: #666")
        self.status.setWordWrap(True)  # a long note wraps instead of widening the window
        self.widget = pg.PlotWidget(plotItem=plot)
        self.plot: pg.PlotItem = self.widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.hover_text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.header = QHBoxLayout()
        self.header.addWidget(self.title)
        self.header.addStretch(1)
        layout.addLayout(self.header)
        layout.addWidget(self.widget, stretch=1)
        layout.addWidget(self.status)
        if engine is not None:
            export = QAction("Export PNG…", self)
            export.triggered.connect(self._ask_export)
            self.widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            self.widget.addAction(export)
        self.widget.scene().sigMouseMoved.connect(self._mouse_moved)
        self.widget.scene().sigMouseClicked.connect(self._mouse_clicked)

    def count_axis_from_zero(self, axis: str, top: float) -> None:
        """Counts start at 0 on ``axis`` ("x" or "y"): never a negative margin, and 0 to 1 when
        every count is 0 (pyqtgraph would centre a flat zero line, showing -0.5 incidents)."""
        limits = {f"{axis}Min": 0.0}
        self.plot.vb.setLimits(**limits)
        # the 0 label sits on the axis's edge, which pyqtgraph would leave out
        self.plot.getAxis("left" if axis == "y" else "bottom").setStyle(hideOverlappingLabels=False)
        if top > 0:
            self.plot.enableAutoRange(axis=axis)
        elif axis == "y":
            self.plot.setYRange(0, 1, padding=0)
        else:
            self.plot.setXRange(0, 1, padding=0)

    def tooltip_at(self, point: QPointF) -> str:
        """Text for the data point under ``point`` (data coordinates), or ""."""
        return ""

    def clicked_at(self, point: QPointF) -> None:
        """React to a left click at ``point`` (data coordinates)."""

    def show_error(self, exc: Exception) -> None:
        self.status.setText(f"⚠ {exc}")
        self.status.setStyleSheet("color: #b00")

    def show_note(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #666")

    def export_png(self, path: Path, width: int = 1200) -> None:
        """Write the chart as PNG (the widget must have been shown once for a correct layout), in
        the transaction of its audit row."""
        if self.engine is None:
            raise ValueError("a chart without a store cannot record its export")
        exporter = ImageExporter(self.plot)
        exporter.parameters()["width"] = width

        def save(_conn: Connection) -> None:
            if not exporter.export(str(path)) and not Path(path).is_file():
                raise OSError(f"could not write {path}")

        details = {"title": self.name, "width": width, "file": str(path)}
        audit.record_export(self.engine, "chart", path.name, details, save)

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export chart", "chart.png", "PNG image (*.png)")
        if not name:
            return
        try:
            self.export_png(Path(name))
        except OSError as exc:
            log.exception("chart export failed")
            QMessageBox.warning(self, "Export failed", as_rich_text(str(exc)))
        except SQLAlchemyError as exc:  # e.g. a read-only store: the export cannot be recorded
            reason = getattr(exc, "orig", None) or exc
            text = f"The store could not record the export, so it was not made ({reason})."
            QMessageBox.warning(self, "Export failed", as_rich_text(text))

    def _data_point(self, scene_pos: QPointF) -> QPointF | None:
        if not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        return self.plot.vb.mapSceneToView(scene_pos)

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        point = self._data_point(scene_pos)
        text = self.tooltip_at(point) if point is not None else ""
        if text != self.hover_text:
            self.hover_text = text
            if text:
                QToolTip.showText(QCursor.pos(), as_rich_text(text), self.widget)
            else:
                QToolTip.hideText()

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._data_point(event.scenePos())
        if point is not None:
            self.clicked_at(point)
