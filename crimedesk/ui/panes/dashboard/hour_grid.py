"""Hour-of-week heat grid (7 days × 24 hours, aoristic weights) with per-cell tooltips; incidents
with an unknown time are not in it, and their count is said beside it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.analytics.hour_of_week import HourOfWeek
from crimedesk.ui.widgets.chart_box import ChartBox

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class HourGrid(ChartBox):
    def __init__(self, parent: QWidget | None = None, engine: Engine | None = None) -> None:
        super().__init__("Hour of week", parent=parent, engine=engine)
        self.grid: npt.NDArray[np.float64] = np.zeros((7, 24))
        self.time_unknown = 0
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.ColorMap([0.0, 0.5, 1.0], ["#fff7ec", "#fc8d59", "#7f0000"]))
        self.plot.addItem(self.image)
        self.plot.invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getAxis("left").setTicks([[(i + 0.5, d) for i, d in enumerate(DAYS)]])
        self.plot.getAxis("bottom").setTicks([[(h + 0.5, f"{h:02d}") for h in range(0, 24, 3)]])
        self.plot.setLabel("bottom", "hour of day")
        self.plot.setRange(xRange=(0, 24), yRange=(0, 7), padding=0)

    def show_grid(self, result: HourOfWeek) -> None:
        grid = self.grid = result.grid
        self.time_unknown = result.time_unknown
        top = float(grid.max()) if grid.size else 0.0
        filled = grid[grid > 0]
        cap = float(np.percentile(filled, 95)) if filled.size else 1.0
        self.image.setImage(grid, levels=(0, max(cap, 1.0)))
        self.image.setRect(QRectF(0, 0, 24, 7))  # after setImage: the scale depends on the image size
        busiest = np.unravel_index(int(np.argmax(grid)), grid.shape)
        shown = (
            f"Busiest: {DAYS[busiest[0]]} {busiest[1]:02d}:00 ({_amount(top)}) · darker = more;"
            f" colour capped at {cap:,.1f} (95th percentile), hover for counts"
            if top
            else "No incidents with a known time"
        )
        self.show_note(f"{_unknown_note(result.time_unknown)}{shown}")

    def tooltip_at(self, point: QPointF) -> str:
        day, hour = int(point.y()), int(point.x())
        if not (0 <= day < 7 and 0 <= hour < 24):
            return ""
        return f"{DAYS[day]} {hour:02d}:00–{hour + 1:02d}:00: {self.grid[day, hour]:,.1f} incidents"


def _unknown_note(count: int) -> str:
    if not count:
        return ""
    noun = "incident" if count == 1 else "incidents"
    return f"{count:,} {noun} with unknown time (00:00 placeholder) not shown · "


def _amount(value: float) -> str:
    """A count as a count (192), a share of incidents spread over hours as such (12.4)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
