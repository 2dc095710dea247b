"""FBI UCR yearly series, one line per state, as counts or rates per 100,000; click picks a year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.domain.display_text import html_text
from crimedesk.ui.widgets.chart_box import ChartBox

NATIONAL_COLOUR = "#222222"
PALETTE = ("#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")
MEASURES = {"rate": "per 100,000 residents", "count": "offenses"}


class UcrChart(ChartBox):
    year_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, engine: Engine | None = None) -> None:
        super().__init__("FBI UCR estimated crimes", parent=parent, engine=engine)
        self.frame = pd.DataFrame(columns=["year", "state_abbr", "count", "population", "rate"])
        self.measure = "rate"
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.legend = self.plot.addLegend(offset=(10, 10), colCount=4)
        self.plot.showGrid(y=True, alpha=0.2)
        self.plot.setLabel("bottom", "year")

    def show_series(self, frame: pd.DataFrame, measure: str) -> None:
        """Plot ``frame`` (from ``ucr_trend``) as ``measure`` ("rate" or "count"), one line per state."""
        self.frame, self.measure = frame, measure
        self.plot.clear()
        self.curves = {}
        self.plot.setLabel("left", MEASURES[measure])
        others = 0
        for state, rows in frame.groupby("state_abbr", sort=False):
            colour = NATIONAL_COLOUR if state == "US" else PALETTE[others % len(PALETTE)]
            others += state != "US"
            curve = self.plot.plot(
                rows["year"].to_numpy(float),
                rows[measure].to_numpy(float, na_value=np.nan),
                pen=pg.mkPen(colour, width=2),
                name=html_text(state),  # pyqtgraph's legend renders HTML
                symbol="o",
                symbolSize=4,
                symbolBrush=colour,
                connect="finite",
            )
            self.curves[state] = curve
        self.plot.enableAutoRange()
        known = frame[measure].notna().any() if len(frame) else False
        self.show_note(
            "Hover for values · click a year for its caveats" if known else "No estimates for this crime"
        )

    def tooltip_at(self, point: QPointF) -> str:
        if self.frame.empty:
            return ""
        years = self.frame["year"].to_numpy()
        year = int(years[np.argmin(np.abs(years - point.x()))])
        lines = [str(year)]
        for row in self.frame[self.frame["year"] == year].itertuples():
            count = "—" if pd.isna(row.count) else f"{row.count:,}"
            rate = "—" if pd.isna(row.rate) else f"{row.rate:,.1f}"
            lines.append(f"{row.state_abbr}: {count} offenses · {rate} per 100,000")
        return "\n".join(lines)

    def clicked_at(self, point: QPointF) -> None:
        if not self.frame.empty:
            years = self.frame["year"].to_numpy()
            self.year_clicked.emit(int(years[np.argmin(np.abs(years - point.x()))]))
