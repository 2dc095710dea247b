"""Incident list: the filtered incidents as a table of chosen columns, newest first, for a briefing."""

from __future__ import annotations

from reportlab.platypus import Flowable, TableStyle

from crimedesk.analytics.incident_table import TABLE_COLUMNS, count_incidents, incident_page
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, SMALL, WIDTH, table, text

DEFAULT_COLUMNS = ("occurred_from", "category", "offense_type", "block", "district", "case_number")
MAX_ROWS = 2_000  # a briefing, not an export: more is a file (crimedesk export)


@register("incident_list", "Incident list")
def incident_list(ctx: ReportContext) -> list[Flowable]:
    names = dict(TABLE_COLUMNS)
    columns = ctx.options.columns or DEFAULT_COLUMNS
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise ValueError(f"no incident column {', '.join(unknown)}; choose from {', '.join(names)}")
    # The store's own rows: the analytics mirror holds only the columns its aggregates count
    # (the list failed there on offense_description), and a page of rows is a store's work.
    total = count_incidents(ctx.store_conn, ctx.filters)
    rows = incident_page(ctx.store_conn, ctx.filters, limit=MAX_ROWS)
    positions = [1 + [n for n, _ in TABLE_COLUMNS].index(c) for c in columns]
    grid: list[list[object]] = [[names[c] for c in columns]]
    grid += [[text(_cell(row[p])) for p in positions] for row in rows]
    shown = f"all {total:,}" if total <= MAX_ROWS else f"the newest {MAX_ROWS:,} of {total:,}"
    note = f"Showing {shown} incidents matching the filters, newest first."
    widths = [WIDTH / len(columns)] * len(columns)
    listing = table(grid, widths, font_size=7)
    listing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "LEFT")]))
    return [text("Incidents", HEADING), text(note, SMALL), listing]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:%Y-%m-%d %H:%M}" if hasattr(value, "strftime") else str(value)
