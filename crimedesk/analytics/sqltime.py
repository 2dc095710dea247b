"""Integer SQL on stored local times (seconds since 1970-01-01 00:00 local, see domain.timecodec).

Days and hours are integer divisions (``backend_sql.int_div``: ``/`` on SQLite's and PostgreSQL's
integers, ``//`` on DuckDB's), which truncate toward zero: correct for times from 1970 on, which all
incidents are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import BigInteger, ColumnElement, case, type_coerce

from crimedesk.analytics.backend_sql import int_div
from crimedesk.domain.timecodec import SECONDS_PER_DAY, day_number


def seconds(column: ColumnElement) -> ColumnElement[int]:
    """The raw integer seconds of a LocalTime column (skips the datetime result conversion)."""
    return type_coerce(column, BigInteger)


def day_of(column: ColumnElement) -> ColumnElement[int]:
    """Day number (days since 1970-01-01)."""
    return int_div(seconds(column), SECONDS_PER_DAY)


def hour_of(column: ColumnElement) -> ColumnElement[int]:
    return int_div(seconds(column) % SECONDS_PER_DAY, 3600)


def weekday_of(column: ColumnElement) -> ColumnElement[int]:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (int_div(seconds(column), SECONDS_PER_DAY) + 3) % 7


#: Hours from the Monday 00:00 before 1970-01-01 (a Thursday) to 1970-01-01 00:00.
EPOCH_HOUR_OF_WEEK = 72


def hour_of_week_of(column: ColumnElement) -> ColumnElement[int]:
    """Monday 00:00-00:59 = 0 .. Sunday 23:00-23:59 = 167: ``weekday_of * 24 + hour_of`` in one
    division and one remainder, which DuckDB groups on about twice as fast as on the pair."""
    return (int_div(seconds(column), 3600) + EPOCH_HOUR_OF_WEEK) % 168


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[int, int]:
        """Half-open [start, end) in stored seconds."""
        return day_number(self.start) * SECONDS_PER_DAY, (day_number(self.end) + 1) * SECONDS_PER_DAY

    def contains(self, column: ColumnElement) -> ColumnElement[bool]:
        low, high = self.bounds()
        return (seconds(column) >= low) & (seconds(column) < high)

    def count(self, column: ColumnElement, condition: ColumnElement[bool] | None = None) -> ColumnElement:
        """1/0 per row: inside the period (and ``condition``); wrap in ``func.sum``."""
        inside = self.contains(column) if condition is None else self.contains(column) & condition
        return case((inside, 1), else_=0)


#: "Same period last year" everywhere (KPIs and CompStat): 52 weeks back, so both sides hold the
#: same weekdays and the same number of days, leap years or not.
YEAR_BACK = timedelta(days=364)
YEAR_BACK_RULE = "same days 52 weeks (364 days) earlier, same weekdays"


def year_earlier(period: Period) -> Period:
    return Period(period.start - YEAR_BACK, period.end - YEAR_BACK)
