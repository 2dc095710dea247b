"""One page per region: its key figures and its CompStat row (on request: ``region_pages``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import Engine

from crimedesk.analytics.compstat import CITYWIDE
from crimedesk.analytics.kpis import KpiReport, kpis
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.reports.context import ReportContext, layer_name
from crimedesk.reports.sections.base import register
from crimedesk.reports.sections.compstat import compstat_of, compstat_table
from crimedesk.reports.sections.kpis import kpi_flowables
from crimedesk.reports.style import HEADING, text, tint


@register("region_pages", "A page per region")
def region_pages(ctx: ReportContext) -> list[Flowable]:
    if not ctx.options.region_pages:
        return []
    table = compstat_of(ctx).table
    layer = ctx.options.layer
    places = [(i, r) for i, r in enumerate(table["region"]) if r is not None and r != CITYWIDE]
    only = [replace(ctx.filters, region_layer_id=layer, region_ids=frozenset({r})) for _, r in places]
    noun = layer_name(ctx.conn, layer).capitalize()
    out: list[Flowable] = []
    for (index, region), report in zip(places, _region_kpis(ctx.conn.engine, only), strict=True):
        grid, shaded = compstat_table(table.iloc[[index]])
        tint(grid, shaded)
        out += [PageBreak(), text(f"{noun} {region}", HEADING), *kpi_flowables(report)]
        out += [text("CompStat", HEADING), grid]
    return out


def _region_kpis(engine: Engine, filters: list[FilterSnapshot]) -> list[KpiReport]:
    """Each region's key figures, two at a time on connections of their own: DuckDB and the
    database drivers run the queries outside the GIL, so 22 district pages wait less."""

    def one(f: FilterSnapshot) -> KpiReport:
        with engine.connect() as conn:
            return kpis(conn, f)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, filters))
