"""Where the data lies in time: presets are anchored to its end, averages start after its start."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from crimedesk.analytics.sqltime import SECONDS_PER_DAY, seconds
from crimedesk.domain.timecodec import day_from_number
from crimedesk.storage.schema import incidents


def occurrence_extent(conn: Connection) -> tuple[date, date] | None:
    """First and last incident day (by start time) in the whole store, or None when empty."""
    # The bare column, one aggregate a query: SQLite then reads one end of the index instead of
    # every row (min and max of the day number scanned 7M rows, seconds on each dashboard query).
    time = seconds(incidents.c.occurred_from)
    first = conn.execute(select(func.min(time))).scalar()
    last = conn.execute(select(func.max(time))).scalar()
    if first is None or last is None:  # an empty store
        return None
    return day_from_number(first // SECONDS_PER_DAY), day_from_number(last // SECONDS_PER_DAY)


def latest_occurrence(conn: Connection) -> date | None:
    """The day of the newest incident, or None for an empty store."""
    extent = occurrence_extent(conn)
    return None if extent is None else extent[1]
