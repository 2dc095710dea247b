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

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    String,
    literal,
    select,
    union_all,
)

from crimedesk.analytics.filters_sql import filter_period, where_clause, without_dates
from crimedesk.analytics.significance import ChangeTest, change_test
from crimedesk.analytics.sqltime import Period, year_earlier
from crimedesk.analytics.stats import pct_change
from crimedesk.analytics.summaries import Counted, counted
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot

COUNTS: tuple[str, ...] = ("total", *CATEGORIES)
SHARES: tuple[str, ...] = ("arrest_rate", "domestic_share", "mappable_share")
CONDITIONS = ("arrest_known", "arrests", "domestic_known", "domestic", "mappable")


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
    rows = counted(conn, filters, ("category", "arrest", "domestic", "mappable"))
    where = where_clause(without_dates(filters), rows.table)
    scans = [_period_counts(rows, period, key, where) for key, period in periods.items()]
    totals: dict[str, dict[str, int]] = {key: dict.fromkeys((*COUNTS, *CONDITIONS), 0) for key in periods}
    for row in conn.execute(union_all(*scans)).mappings():
        _add(totals[row["period"]], row)
    now, before, last_year = (_values(totals[key]) for key in periods)
    out = {name: _count_kpi(name, now[name], before[name], last_year[name]) for name in COUNTS}
    for name in SHARES:
        share, earlier = now[name], before[name]
        change = None if share is None or earlier is None else share - earlier
        out[name] = Kpi(name, share, earlier, change, year_ago=last_year[name])
    return KpiReport(current, previous, periods["year_ago"], out)


def _period_counts(rows: Counted, period: Period, key: str, where: ColumnElement[bool]) -> Select:
    """One period's rows counted per category, overall and per condition.

    Three such scans (UNION ALL) rather than one scan of 36 ``SUM(CASE ...)`` columns: each scan
    reads only its period's rows, and DuckDB groups by category far faster than it evaluates the
    cases (all years of a 7M-row history: about 0.23 s against 1.1 s).
    """
    c = rows.table.c
    return (
        select(
            literal(key, String).label("period"),
            c.category,
            rows.count().label("total"),
            rows.count_known("arrest").label("arrest_known"),
            rows.count_true(c.arrest).label("arrests"),
            rows.count_known("domestic").label("domestic_known"),
            rows.count_true(c.domestic).label("domestic"),
            rows.count_true(c.mappable).label("mappable"),
        )
        .where(where, period.contains(c.occurred_from))
        .group_by(c.category)
    )


def _add(sums: dict[str, int], row: RowMapping) -> None:
    """Adds one category's row of :func:`_period_counts` to its period's sums."""
    sums["total"] += row["total"]
    if row["category"] in CATEGORIES:
        sums[row["category"]] += row["total"]
    for name in CONDITIONS:
        sums[name] += row[name]


def _values(sums: dict[str, int]) -> dict[str, float | None]:
    return {
        **{name: sums[name] for name in COUNTS},
        "arrest_rate": _share(sums["arrests"], sums["arrest_known"]),
        "domestic_share": _share(sums["domestic"], sums["domestic_known"]),
        "mappable_share": _share(sums["mappable"], sums["total"]),
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
