"""Headline numbers for the filter period against the previous period of equal length.

Both periods come from ONE grouped query. Counts get a Poisson z; the three shares (arrest rate,
domestic share, % mappable) get a difference in percentage points. Arrest and domestic shares
are over the incidents where the source states them (NYPD gives neither: the share is None).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import Connection, RowMapping, func, select

from crimedesk.analytics.filters_sql import filter_period, where_clause, without_dates
from crimedesk.analytics.sqltime import Period
from crimedesk.analytics.stats import is_significant, pct_change, poisson_z
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incidents

COUNTS: tuple[str, ...] = ("total", *CATEGORIES)
SHARES: tuple[str, ...] = ("arrest_rate", "domestic_share", "mappable_share")


@dataclass(frozen=True)
class Kpi:
    """One KPI; ``z``/``significant`` only for counts, ``pct_change`` None when previous is 0."""

    name: str
    current: float | None
    previous: float | None
    change: float | None
    pct_change: float | None = None
    z: float | None = None
    significant: bool = False


@dataclass(frozen=True)
class KpiReport:
    current_period: Period
    previous_period: Period
    kpis: dict[str, Kpi]


def kpis(conn: Connection, filters: FilterSnapshot) -> KpiReport:
    """KPIs for the filter's date range and the equally long range just before it."""
    current = filter_period(filters)
    previous = Period(current.start - timedelta(days=current.days), current.start - timedelta(days=1))
    both: FilterSnapshot = replace(without_dates(filters), date_from=previous.start, date_to=current.end)
    columns = [*_sums(current, "now_"), *_sums(previous, "before_")]
    row = conn.execute(select(*columns).where(where_clause(both, incidents))).mappings().one()
    now, before = _values(row, "now_"), _values(row, "before_")
    out = {name: _count_kpi(name, now[name], before[name]) for name in COUNTS}
    for name in SHARES:
        change = None if now[name] is None or before[name] is None else now[name] - before[name]
        out[name] = Kpi(name, now[name], before[name], change)
    return KpiReport(current, previous, out)


def _sums(period: Period, prefix: str) -> list:
    """SUM(CASE ...) columns counting one period's rows, overall and per condition."""
    c = incidents.c
    conditions = {
        "total": None,
        **{k: c.category == k for k in CATEGORIES},
        "arrest_known": c.arrest.is_not(None),
        "arrests": c.arrest.is_(True),
        "domestic_known": c.domestic.is_not(None),
        "domestic": c.domestic.is_(True),
        "mappable": c.mappable.is_(True),
    }
    return [
        func.coalesce(func.sum(period.count(c.occurred_from, cond)), 0).label(prefix + name)
        for name, cond in conditions.items()
    ]


def _values(row: RowMapping, prefix: str) -> dict[str, float | None]:
    def get(name: str) -> int:
        return int(row[prefix + name])

    return {
        **{name: get(name) for name in COUNTS},
        "arrest_rate": _share(get("arrests"), get("arrest_known")),
        "domestic_share": _share(get("domestic"), get("domestic_known")),
        "mappable_share": _share(get("mappable"), get("total")),
    }


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def _count_kpi(name: str, now: int, before: int) -> Kpi:
    z = poisson_z(now, before)
    return Kpi(name, now, before, now - before, pct_change(now, before), z, is_significant(z))
