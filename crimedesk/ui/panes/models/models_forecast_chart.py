"""Actual against one-step-ahead forecasts of a forecast experiment, with the model's interval."""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crimedesk.ui.widgets.chart_box import CountAxis

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")


def _seconds(day: str) -> float:
    return float((date.fromisoformat(day) - date(1970, 1, 1)).days * 86_400)


class ForecastChart(QWidget):
    """Plots ``metrics["series"]`` of a forecast run: actual counts in black, one line per model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(), "left": CountAxis("left")})
        self.plot.setBackground("w")
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("left", "incidents")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.lines: dict[str, pg.PlotDataItem] = {}

    def show_series(self, records: list[dict], model: str) -> None:
        """Draw every model's one-step forecasts; the band is ``model``'s prediction interval."""
        self.plot.clear()
        self.lines = {}
        models = list(dict.fromkeys(r["model"] for r in records))
        actual = sorted({(r["date"], r["actual"]) for r in records})
        if not actual:
            return
        self.lines["actual"] = self.plot.plot(
            [_seconds(d) for d, _ in actual],
            [v for _, v in actual],
            pen=pg.mkPen("k", width=2),
            name="actual",
        )
        for colour, name in zip(COLOURS, models, strict=False):
            rows = sorted((r for r in records if r["model"] == name), key=lambda r: r["date"])
            x = [_seconds(r["date"]) for r in rows]
            self.lines[name] = self.plot.plot(
                x, [r["forecast"] for r in rows], pen=pg.mkPen(colour), name=name
            )
            if name == model and all(r["lower"] is not None for r in rows):
                low = pg.PlotCurveItem(x, [r["lower"] for r in rows])
                high = pg.PlotCurveItem(x, [r["upper"] for r in rows])
                self.plot.addItem(pg.FillBetweenItem(low, high, brush=pg.mkBrush(colour + "40")))
        days = [_seconds(d) for d, _ in actual]
        self.plot.setXRange(min(days), max(days), padding=0.03)  # the band's items would pull in 1970
