"""CompStat table: week-to-date, 28-day and year-to-date counts per region vs one year earlier.

Periods end on ``as_of`` (inclusive). Weeks run Monday-Sunday. Every period compares with the
same days 52 weeks (364 days) earlier (``sqltime.YEAR_BACK``, the KPIs' rule too), so both sides
hold the same weekdays and as many days: year-to-date to Dec 31, 2017 compares with Jan 3, 2016 ..
Jan 1, 2017, not with the 366 days of 2016. Each change gets the exact test for two Poisson
counts. Regions of a boundary layer carry their names (``name``; None where there is none).
Incidents outside every region (no code, not inside a loaded boundary) form a ``None``
row, so the citywide row is the sum of all rows, as in NYPD CompStat where ungeocoded reports
still count; that row is never tested (it is not a place) and says so. The filter's own date
range is ignored; its other filters apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from crimedesk.analytics.choices import region_names
from crimedesk.analytics.filters_sql import where_clause, without_dates
from crimedesk.analytics.region_basis import describe_layer
from crimedesk.analytics.significance import change_test
from crimedesk.analytics.sqltime import Period, seconds, year_earlier
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incident_regions, incidents

PERIODS: tuple[str, ...] = ("wtd", "d28", "ytd")
CITYWIDE = "Citywide"


@dataclass(frozen=True)
class CompStat:
    """``periods[name]`` = (current, previous); ``table`` has one row per region, citywide last;
    ``basis`` says what the regions are (``region_basis.describe_layer``)."""

    as_of: date
    periods: dict[str, tuple[Period, Period]]
    table: pd.DataFrame
    basis: str


def compstat_periods(as_of: date) -> dict[str, tuple[Period, Period]]:
    """The three CompStat periods ending on ``as_of`` and their prior-year counterparts."""
    current = {
        "wtd": Period(as_of - timedelta(days=as_of.weekday()), as_of),
        "d28": Period(as_of - timedelta(days=27), as_of),
        "ytd": Period(as_of.replace(month=1, day=1), as_of),
    }
    return {name: (period, year_earlier(period)) for name, period in current.items()}


def compstat(conn: Connection, filters: FilterSnapshot, layer: str | int, as_of: date) -> CompStat:
    """Per-region rows: ``<p>``, ``<p>_prev``, ``<p>_diff``, ``<p>_pct`` (None when prev is 0) and
    ``<p>_test`` (a ``ChangeTest``; None on the no-region row), ``<p>_significant``.

    ``layer`` is a source region column (``"district"``, ``"beat"``, ...) or a boundary layer id.
    """
    periods = compstat_periods(as_of)
    basis = describe_layer(conn, layer)
    region, source = _region(layer)
    sums = []
    for name, (current, previous) in periods.items():
        sums.append(func.coalesce(func.sum(current.count(incidents.c.occurred_from)), 0).label(name))
        sums.append(
            func.coalesce(func.sum(previous.count(incidents.c.occurred_from)), 0).label(f"{name}_prev")
        )
    low = min(p.bounds()[0] for pair in periods.values() for p in pair)
    high = max(p.bounds()[1] for pair in periods.values() for p in pair)
    in_range = and_(seconds(incidents.c.occurred_from) >= low, seconds(incidents.c.occurred_from) < high)
    query = (
        select(region.label("region"), *sums)
        .select_from(source)
        .where(where_clause(without_dates(filters), incidents), in_range)
        .group_by(region)
    )
    rows = pd.DataFrame(conn.execute(query).mappings().all(), columns=["region", *(s.name for s in sums)])
    rows = rows.sort_values("region", na_position="last", key=lambda s: s.astype("string"))
    total = rows.drop(columns="region").sum().to_frame().T.assign(region=CITYWIDE)
    table = _with_changes(pd.concat([rows, total], ignore_index=True))
    names = region_names(conn, layer)
    named = [names.get(region) if region is not None else None for region in table["region"]]
    table.insert(1, "name", pd.Series(named, dtype=object))
    return CompStat(as_of, periods, table, basis)


def _region(layer: str | int) -> tuple:
    """(region expression, FROM clause) for a source column or a boundary layer (outer join)."""
    if isinstance(layer, str):
        return incidents.c[layer], incidents
    joined = incidents.outerjoin(
        incident_regions,
        and_(incident_regions.c.incident_id == incidents.c.id, incident_regions.c.layer_id == layer),
    )
    return incident_regions.c.region_id, joined


def _with_changes(table: pd.DataFrame) -> pd.DataFrame:
    region = table["region"].astype(object)
    columns: dict[str, pd.Series] = {"region": region.where(region.notna(), None)}
    for name in PERIODS:
        now, before = table[name].astype("int64"), table[f"{name}_prev"].astype("int64")
        columns[name], columns[f"{name}_prev"], columns[f"{name}_diff"] = now, before, now - before
        pct = 100.0 * (now - before) / before.where(before > 0)
        columns[f"{name}_pct"] = pct.astype(object).where(before > 0, None)
        tests = [
            None if place is None else change_test(c, p)
            for place, c, p in zip(columns["region"], now, before, strict=True)
        ]
        columns[f"{name}_test"] = pd.Series(tests, dtype=object)
        columns[f"{name}_significant"] = pd.Series([t is not None and t.significant for t in tests])
    return pd.DataFrame(columns)
