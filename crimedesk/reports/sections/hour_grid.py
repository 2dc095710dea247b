"""Hour-of-week grid: 7 days × 24 hours, each cell shaded by its share of the busiest cell."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, TableStyle

from crimedesk.analytics.hour_of_week import hour_of_week
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, SMALL, WIDTH, table, text

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LOW, HIGH = colors.HexColor("#ffffff"), colors.HexColor("#c0392b")


@register("hour_grid", "Hour of week")
def hour_grid(ctx: ReportContext) -> list[Flowable]:
    result = hour_of_week(ctx.conn, ctx.filters)
    grid = result.grid
    rows: list[list[object]] = [["", *(f"{h:02d}" for h in range(24))]]
    rows += [[day, *(f"{value:.0f}" for value in grid[d])] for d, day in enumerate(DAYS)]
    shaded = table(rows, [0.07 * WIDTH] + [0.93 * WIDTH / 24] * 24, font_size=6)
    top = float(grid.max()) or 1.0
    commands = [
        (
            "BACKGROUND",
            (h + 1, d + 1),
            (h + 1, d + 1),
            colors.linearlyInterpolatedColor(LOW, HIGH, 0, 1, v / top),
        )
        for d in range(7)
        for h, v in enumerate(grid[d])
    ]
    shaded.setStyle(TableStyle(commands))
    note = (
        f"Incidents by weekday and hour (an incident known only to lie in a window is spread over it); "
        f"{result.time_unknown:,} with no known time are left out."
    )
    return [text("Hour of week", HEADING), shaded, text(note, SMALL)]
