"""Most frequent offense types under the current filters."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.frames import query_frame
from crimedesk.analytics.summaries import counted
from crimedesk.domain.filters import FilterSnapshot


def top_offenses(conn: Connection, filters: FilterSnapshot, n: int = 10) -> pd.DataFrame:
    """Columns offense_type, count, share (% of all filtered incidents); ties by name.

    Rows without an offense type form their own ``None`` group rather than vanishing.
    """
    rows = counted(conn, filters, ("offense_type",))
    where = where_clause(filters, rows.table)
    total = conn.execute(select(rows.count()).select_from(rows.table).where(where)).scalar_one()
    count = rows.count().label("count")
    offense_type = rows.table.c.offense_type
    query = (
        select(offense_type, count)
        .where(where)
        .group_by(offense_type)
        .order_by(count.desc(), offense_type.nulls_last())
        .limit(n)
    )
    frame = query_frame(conn, query, ["offense_type", "count"])
    frame["count"] = frame["count"].astype("int64")
    frame["share"] = 100.0 * frame["count"] / total if total else 0.0
    return frame
