"""Counts over time per category with the trailing 28-day average; click a line to filter by it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget
from sqlalchemy import Engine

from crimedesk.analytics.trend import BUCKETS, Bucket
from crimedesk.domain.categories import CATEGORIES
from crimedesk.state.filters import FilterState
from crimedesk.ui.widgets.chart_box import ChartBox, CountAxis

COLOURS = {"violent": "#c0392b", "property": "#2e86c1", "drug": "#8e44ad", "other": "#7f8c8d"}


class TrendChart(ChartBox):
    bucket_changed = Signal(str)

    def __init__(
        self, state: FilterState, parent: QWidget | None = None, engine: Engine | None = None
    ) -> None:
        axes = {"bottom": pg.DateAxisItem(utcOffset=0), "left": CountAxis("left")}
        super().__init__("Trend", plot=pg.PlotItem(axisItems=axes), engine=engine)
        self.setParent(parent)
        self.state = state
        self.frame = pd.DataFrame()
        self.bucket = QComboBox()
        self.bucket.addItems(BUCKETS)
        self.header.addWidget(self.bucket)
        self.bucket.currentTextChanged.connect(self.bucket_changed)
        self.legend = _legend_above(self.plot)
        self.plot.setLabel("left", "incidents")
        self.plot.showGrid(y=True, alpha=0.2)

    def selected_bucket(self) -> Bucket:
        return BUCKETS[self.bucket.currentIndex()]

    def show_frame(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.plot.clear()
        x = _seconds(frame.index)
        for name in [*CATEGORIES, "total"]:
            if name in frame and (name == "total" or frame[name].any()):
                colour = COLOURS.get(name, "#222")
                pen = pg.mkPen(colour, width=2 if name == "total" else 1.5)
                curve = self.plot.plot(  # the brush given here: set after, it drew the points twice
                    x,
                    frame[name].to_numpy(float),
                    pen=pen,
                    name=name,
                    symbol="o",
                    symbolSize=4,
                    symbolBrush=colour,
                )
                curve.setCurveClickable(True, width=8)
                curve.sigClicked.connect(lambda _item, _ev=None, n=name: self.category_clicked(n))
        if "ma28" in frame and frame["ma28"].notna().any():
            pen = pg.mkPen("#000", width=2, style=Qt.PenStyle.DashLine)
            self.plot.plot(x, frame["ma28"].to_numpy(float), pen=pen, name="28-day avg", connect="finite")
        counts = frame[[c for c in [*CATEGORIES, "total"] if c in frame]].to_numpy(float)
        top = float(np.nanmax(counts)) if counts.size else 0.0
        self.count_axis_from_zero("y", top)
        note = "Click a line to filter by its category" if top > 0 else "No incidents"
        if "ma28" in frame and frame["ma28"].isna().all() and top > 0:
            note += " · 28-day average needs 28 days of data"
        self.show_note(note)

    def category_clicked(self, name: str) -> None:
        if name in CATEGORIES:
            self.state.update(categories={name})

    def tooltip_at(self, point: QPointF) -> str:
        if self.frame.empty:
            return ""
        x = _seconds(self.frame.index)
        i = int(np.argmin(np.abs(x - point.x())))
        row = self.frame.iloc[i]
        parts = [f"{name} {int(row[name]):,}" for name in [*CATEGORIES, "total"] if name in row]
        if "ma28" in row and pd.notna(row["ma28"]):
            parts.append(f"28-day avg {row['ma28']:.1f}")
        return f"{self.frame.index[i]:%Y-%m-%d}: " + ", ".join(parts)


def _legend_above(plot: pg.PlotItem) -> pg.LegendItem:
    """A one-row legend in the plot's title row, above the lines: inside the plot it hid them."""
    legend = pg.LegendItem(colCount=6, labelTextSize="8pt")
    plot.layout.removeItem(plot.titleLabel)
    plot.titleLabel.hide()
    plot.layout.addItem(legend, 0, 1)
    plot.layout.setRowMaximumHeight(0, 40)
    plot.layout.setRowMinimumHeight(0, 20)
    plot.legend = legend  # PlotItem.plot(name=...) adds each curve to it
    return legend


def _seconds(index: pd.Index) -> np.ndarray:
    return (pd.DatetimeIndex(index).as_unit("s").asi8).astype(float)
