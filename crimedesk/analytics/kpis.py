"""Headline numbers for the filter period against the previous equal period and a year earlier.

All three periods come from ONE grouped query. Counts get the exact test for two Poisson counts
(``analytics.significance``) against each comparison; the three shares (arrest rate, domestic
share, % mappable) get a difference in percentage points. "A year earlier" is the CompStat rule
(``sqltime.YEAR_BACK``: 364 days back, same weekdays), so a KPI's year-ago count is CompStat's
for the same days. Arrest and domestic shares are over the incidents where the source states
them (NYPD gives neither: the share is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, RowMapping, func, or_, select

from crimedesk.analytics.filters_sql import filter_period, where_clause, without_dates
from crimedesk.analytics.significance import ChangeTest, change_test
from crimedesk.analytics.sqltime import Period, year_earlier
from crimedesk.analytics.stats import pct_change
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incidents

COUNTS: tuple[str, ...] = ("total", *CATEGORIES)
SHARES: tuple[str, ...] = ("arrest_rate", "domestic_share", "mappable_share")
PREFIXES = {"current": "now_", "previous": "before_", "year_ago": "ly_"}


@dataclass(frozen=True)
class Kpi:
    """One KPI. Counts carry a test per comparison; ``pct_change`` is None when previous is 0."""

    name: str
    current: float | None
    previous: float | None
    change: float | None
    pct_change: float | None = None
    test: ChangeTest | None = None
    year_ago: float | None = None
    year_ago_test: ChangeTest | None = None

    @property
    def significant(self) -> bool:
        return self.test is not None and self.test.significant


@dataclass(frozen=True)
class KpiReport:
    current_period: Period
    previous_period: Period
    year_ago_period: Period
    kpis: dict[str, Kpi]


def kpis(conn: Connection, filters: FilterSnapshot) -> KpiReport:
    """KPIs for the filter's date range, the equally long range just before it, and a year earlier."""
    current = filter_period(filters)
    previous = Period(current.start - timedelta(days=current.days), current.start - timedelta(days=1))
    periods = {"current": current, "previous": previous, "year_ago": year_earlier(current)}
    columns = [col for key, period in periods.items() for col in _sums(period, PREFIXES[key])]
    in_periods = or_(
        Period(previous.start, current.end).contains(incidents.c.occurred_from),
        periods["year_ago"].contains(incidents.c.occurred_from),
    )
    where = where_clause(without_dates(filters), incidents)
    row = conn.execute(select(*columns).where(where, in_periods)).mappings().one()
    now, before, last_year = (_values(row, prefix) for prefix in PREFIXES.values())
    out = {name: _count_kpi(name, now[name], before[name], last_year[name]) for name in COUNTS}
    for name in SHARES:
        share, earlier = now[name], before[name]
        change = None if share is None or earlier is None else share - earlier
        out[name] = Kpi(name, share, earlier, change, year_ago=last_year[name])
    return KpiReport(current, previous, periods["year_ago"], out)


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


def _count_kpi(name: str, now: float | None, before: float | None, last_year: float | None) -> Kpi:
    current, previous, year_ago = int(now or 0), int(before or 0), int(last_year or 0)
    return Kpi(
        name,
        current,
        previous,
        current - previous,
        pct_change(current, previous),
        change_test(current, previous),
        year_ago,
        change_test(current, year_ago),
    )
