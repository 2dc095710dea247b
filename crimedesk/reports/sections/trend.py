"""Trend chart: incidents per day (per week over long periods) with the 28-day average, as vectors."""

from __future__ import annotations

import pandas as pd
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import Flowable

from crimedesk.analytics.trend import Bucket, trend
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, SMALL, WIDTH, text

WEEKLY_AFTER_DAYS = 120


@register("trend", "Trend")
def trend_section(ctx: ReportContext) -> list[Flowable]:
    f = ctx.filters
    days = (f.date_to - f.date_from).days + 1 if f.date_from and f.date_to else 0
    bucket: Bucket = "week" if days > WEEKLY_AFTER_DAYS else "day"
    frame = trend(ctx.conn, f, bucket)
    if frame.empty:
        return [text("Trend", HEADING), text("No incidents match these filters.")]
    series = [("total", colors.HexColor("#1f4e99"))]
    if "ma28" in frame and frame["ma28"].notna().sum() >= 2:  # unknown until the store holds 28 days
        series.append(("ma28", colors.HexColor("#d9822b")))
    note = f"Incidents per {bucket}" + (
        " (blue) and the trailing 28-day average (orange)" if bucket == "day" else ""
    )
    return [text("Trend", HEADING), chart(frame, series), text(note, SMALL)]


def chart(frame: pd.DataFrame, series: list[tuple[str, colors.Color]], height: float = 180) -> Drawing:
    drawing = Drawing(WIDTH, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 25, WIDTH - 55, height - 40
    x = list(range(len(frame)))
    plot.data = [
        [(i, float(v)) for i, v in zip(x, frame[name], strict=True) if pd.notna(v)] for name, _ in series
    ]
    for i, (_, colour) in enumerate(series):
        plot.lines[i].strokeColor = colour
        plot.lines[i].strokeWidth = 1.2
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(len(frame) - 1, 1)
    step = max(1, len(frame) // 6)
    plot.xValueAxis.valueSteps = x[::step]
    labels = {i: f"{day:%Y-%m-%d}" for i, day in enumerate(frame.index)}
    plot.xValueAxis.labelTextFormat = lambda i: labels.get(int(i), "")
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    drawing.add(plot)
    drawing.add(String(0, height - 10, "incidents", fontSize=7))
    return drawing
