"""Most frequent offense types under the current filters."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.frames import query_frame
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incidents


def top_offenses(conn: Connection, filters: FilterSnapshot, n: int = 10) -> pd.DataFrame:
    """Columns offense_type, count, share (% of all filtered incidents); ties by name.

    Rows without an offense type form their own ``None`` group rather than vanishing.
    """
    where = where_clause(filters, incidents)
    total = conn.execute(select(func.count()).select_from(incidents).where(where)).scalar_one()
    count = func.count().label("count")
    query = (
        select(incidents.c.offense_type, count)
        .where(where)
        .group_by(incidents.c.offense_type)
        .order_by(count.desc(), incidents.c.offense_type.nulls_last())
        .limit(n)
    )
    frame = query_frame(conn, query, ["offense_type", "count"])
    frame["count"] = frame["count"].astype("int64")
    frame["share"] = 100.0 * frame["count"] / total if total else 0.0
    return frame
