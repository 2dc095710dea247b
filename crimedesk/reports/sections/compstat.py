"""CompStat table: WTD, 28-day and YTD per region against the same days a year earlier."""

from __future__ import annotations

import pandas as pd
from reportlab.platypus import Flowable

from crimedesk.analytics.compstat import PERIODS, CompStat, compstat
from crimedesk.analytics.sqltime import YEAR_BACK_RULE
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, SMALL, WIDTH, count, p_value, pct, signed, table, text, tint

LABELS = {"wtd": "WTD", "d28": "28d", "ytd": "YTD"}


def compstat_of(ctx: ReportContext) -> CompStat:
    """Computed once per report: the table, the map and the region pages share it."""
    if "compstat" not in ctx.cache:
        ctx.cache["compstat"] = compstat(ctx.conn, ctx.filters, ctx.options.layer, ctx.as_of)
    result = ctx.cache["compstat"]
    assert isinstance(result, CompStat)
    return result


@register("compstat", "CompStat")
def compstat_section(ctx: ReportContext) -> list[Flowable]:
    result = compstat_of(ctx)
    grid, shaded = compstat_table(result.table)
    tint(grid, shaded)
    spans = "; ".join(
        f"{LABELS[name]} {now.start} – {now.end} vs {ly.start} – {ly.end}"
        for name, (now, ly) in result.periods.items()
    )
    note = (
        f"Regions: {result.basis}. {spans} ({YEAR_BACK_RULE}). p: exact test for two Poisson counts; "
        "shaded when p < 0.05 (red up, green down); the (none) row is never tested."
    )
    return [text(f"CompStat as of {result.as_of}", HEADING), grid, text(note, SMALL)]


def compstat_table(frame: pd.DataFrame) -> tuple:
    header: list[object] = ["Region"]
    for name in PERIODS:
        header += [LABELS[name], "LY", "Diff", "%", "p"]
    rows: list[list[object]] = [header]
    shaded = []
    for _, row in frame.iterrows():
        cells: list[object] = ["(none)" if row["region"] is None else str(row["region"])]
        for i, name in enumerate(PERIODS):
            cells += [count(row[name]), count(row[f"{name}_prev"]), signed(row[f"{name}_diff"])]
            cells += [pct(row[f"{name}_pct"]), p_value(row[f"{name}_test"])]
            if row[f"{name}_significant"]:
                shaded.append((3 + 5 * i, len(rows), row[f"{name}_diff"] > 0))
        rows.append(cells)
    return table(rows, [0.1 * WIDTH] + [0.06 * WIDTH] * 15, font_size=6.5), shaded
