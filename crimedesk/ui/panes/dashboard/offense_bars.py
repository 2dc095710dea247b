"""Top offense types as horizontal bars; click a bar to filter by that offense type."""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.domain.display_text import display_text
from crimedesk.state.filters import FilterState
from crimedesk.ui.widgets.chart_box import ChartBox

BAR_COLOUR = "#4a7ab5"


class OffenseBars(ChartBox):
    def __init__(
        self, state: FilterState, parent: QWidget | None = None, engine: Engine | None = None
    ) -> None:
        super().__init__("Top offense types", parent=parent, count_axis="bottom", engine=engine)
        self.state = state
        self.frame = pd.DataFrame(columns=["offense_type", "count", "share"])
        self.plot.invertY(True)
        self.plot.setLabel("bottom", "incidents")
        self.plot.getAxis("left").setWidth(210)

    def show_frame(self, frame: pd.DataFrame) -> None:
        self.frame = frame.reset_index(drop=True)
        self.plot.clear()
        names = [display_text(t) if t is not None else "(none)" for t in self.frame["offense_type"]]
        if names:
            bars = pg.BarGraphItem(
                x0=0, y=list(range(len(names))), height=0.7, width=self.frame["count"], brush=BAR_COLOUR
            )
            self.plot.addItem(bars)
        self.plot.getAxis("left").setTicks([list(enumerate(_short(n) for n in names))])
        self.plot.setYRange(-0.5, max(len(names), 1) - 0.5, padding=0.02)
        self.count_axis_from_zero("x", float(self.frame["count"].max()) if names else 0.0)
        self.show_note("Click a bar to filter by its offense type" if names else "No incidents")

    def bar_at(self, point: QPointF) -> int | None:
        row = round(point.y())
        inside = 0 <= row < len(self.frame) and 0 <= point.x() <= self.frame["count"].iloc[row]
        return row if inside and abs(point.y() - row) <= 0.35 else None

    def tooltip_at(self, point: QPointF) -> str:
        row = self.bar_at(point)
        if row is None:
            return ""
        r = self.frame.iloc[row]
        return f"{display_text(r['offense_type'])}: {int(r['count']):,} incidents ({r['share']:.1f} %)"

    def clicked_at(self, point: QPointF) -> None:
        row = self.bar_at(point)
        offense = None if row is None else self.frame["offense_type"].iloc[row]
        if offense is not None:
            self.state.update(offense_types={offense})


def _short(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
