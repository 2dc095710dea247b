"""Top offense types under the filters, with their share of all filtered incidents."""

from __future__ import annotations

from reportlab.platypus import Flowable

from crimedesk.analytics.offenses import top_offenses
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, WIDTH, count, table, text


@register("offenses", "Top offenses")
def offenses(ctx: ReportContext) -> list[Flowable]:
    frame = top_offenses(ctx.conn, ctx.filters, 10)
    rows: list[list[object]] = [["Offense type", "Incidents", "Share"]]
    rows += [
        [text("(none)" if o is None else o), count(n), f"{s:.1f} %"]
        for o, n, s in frame.itertuples(index=False)
    ]
    return [text("Top offenses", HEADING), table(rows, [0.6 * WIDTH, 0.2 * WIDTH, 0.2 * WIDTH])]
