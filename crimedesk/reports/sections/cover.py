"""Cover: what the report covers (store, filters, regions, period) and who made it when."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, TableStyle

from crimedesk.analytics.region_basis import describe_layer
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import BODY, TITLE, WIDTH, table, text


@register("cover", "Cover")
def cover(ctx: ReportContext) -> list[Flowable]:
    f = ctx.filters
    rows = [
        ["Scope", ""],
        ["Store", text(ctx.store)],
        ["Filters", text(ctx.words)],
        ["Period", f"{f.date_from} – {ctx.as_of}"],
        ["Regions", text(describe_layer(ctx.conn, ctx.options.layer))],
        ["Made by", text(f"{ctx.user}, {ctx.generated:%Y-%m-%d %H:%M}")],
    ]
    grid = table(rows, [0.25 * WIDTH, 0.75 * WIDTH], font_size=10)
    grid.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "LEFT")]))
    return [
        Spacer(1, 60),
        text(ctx.cache.get("title", "Report"), TITLE),
        Spacer(1, 20),
        grid,
        Spacer(1, 10),
        text("Counts are of incidents as stored; see each section for its rules.", BODY),
    ]
