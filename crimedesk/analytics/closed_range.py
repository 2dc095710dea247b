"""Aggregates that compare periods need both ends of the date range; open ends take the data's."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from crimedesk.analytics.extent import occurrence_extent
from crimedesk.domain.filters import FilterSnapshot


def closed_range(conn: Connection, f: FilterSnapshot) -> FilterSnapshot | None:
    """The filters with open date ends set to the first/last incident day; None for an empty store."""
    if f.date_from is not None and f.date_to is not None:
        return f
    extent = occurrence_extent(conn)
    if extent is None:
        return None
    start = f.date_from or min(extent[0], f.date_to or extent[0])
    end = f.date_to or max(extent[1], start)
    return replace(f, date_from=start, date_to=end)
