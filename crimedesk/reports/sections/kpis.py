"""KPI table: the dashboard's cards as rows, with the previous period, change and significance."""

from __future__ import annotations

from reportlab.platypus import Flowable

from crimedesk.analytics.kpis import COUNTS, Kpi, KpiReport, kpis
from crimedesk.analytics.sqltime import YEAR_BACK_RULE
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.style import HEADING, SMALL, WIDTH, count, p_value, pct, signed, table, text, tint

HEADER = ["KPI", "Current", "Previous", "Change", "%", "p", "Last year", "Change", "p"]


@register("kpis", "Key figures")
def kpi_section(ctx: ReportContext) -> list[Flowable]:
    return [text("Key figures", HEADING), *kpi_flowables(kpis(ctx.conn, ctx.filters))]


def kpi_flowables(report: KpiReport) -> list[Flowable]:
    rows: list[list[object]] = [list(HEADER)]
    shaded = []
    for name in COUNTS:
        kpi = report.kpis[name]
        rows.append(_count_row(kpi))
        if kpi.significant:
            shaded.append((3, len(rows) - 1, (kpi.change or 0) > 0))
    for name, kpi in report.kpis.items():
        if name not in COUNTS:
            rows.append(_share_row(kpi))
    grid = table(rows, [0.2 * WIDTH] + [0.1 * WIDTH] * 8)
    tint(grid, shaded)
    now, before, ly = report.current_period, report.previous_period, report.year_ago_period
    note = (
        f"Current {now.start} – {now.end}; previous {before.start} – {before.end}; last year "
        f"{ly.start} – {ly.end} ({YEAR_BACK_RULE}). p: exact test for two Poisson counts; shaded when "
        "p < 0.05 (red up, green down). Shares in percent, changes in percentage points."
    )
    return [grid, text(note, SMALL)]


def _count_row(kpi: Kpi) -> list[object]:
    ly_change = None if kpi.year_ago is None or kpi.current is None else kpi.current - kpi.year_ago
    return [
        kpi.name.replace("_", " ").capitalize(),
        count(kpi.current),
        count(kpi.previous),
        signed(kpi.change),
        pct(kpi.pct_change),
        p_value(kpi.test),
        count(kpi.year_ago),
        signed(ly_change),
        p_value(kpi.year_ago_test),
    ]


def _share_row(kpi: Kpi) -> list[object]:
    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f} %"

    def points(value: float | None) -> str:
        return "—" if value is None else f"{value:+.1f} pp"

    ly_change = None if kpi.year_ago is None or kpi.current is None else kpi.current - kpi.year_ago
    label = kpi.name.replace("_", " ").capitalize()
    return [
        label,
        share(kpi.current),
        share(kpi.previous),
        points(kpi.change),
        "",
        "",
        share(kpi.year_ago),
        points(ly_change),
        "",
    ]
