"""Where the data lies in time: presets are anchored to its end, averages start after its start."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from crimedesk.analytics.sqltime import day_of
from crimedesk.domain.timecodec import day_from_number
from crimedesk.storage.schema import incidents


def occurrence_extent(conn: Connection) -> tuple[date, date] | None:
    """First and last incident day (by start time) in the whole store, or None when empty."""
    day = day_of(incidents.c.occurred_from)
    first, last = conn.execute(select(func.min(day), func.max(day))).one()
    return None if first is None else (day_from_number(first), day_from_number(last))


def latest_occurrence(conn: Connection) -> date | None:
    """The day of the newest incident, or None for an empty store."""
    extent = occurrence_extent(conn)
    return None if extent is None else extent[1]
