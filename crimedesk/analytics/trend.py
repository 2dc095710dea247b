"""Counts over time per category, for the trend chart.

The database groups by (day, category); days roll up to weeks (starting Monday, as CompStat
weeks do) and calendar months in pandas, which only ever sees one row per day and category.
Daily series carry a TRAILING 28-day moving average (the mean of the day and the 27 before it):
it uses only the past, so the last point is comparable with the others. Days before the filter
start are fetched for it, so the average is complete from the first day shown; it is missing
(NaN) until the store holds 28 days of data, since days before the first import are unknown, not 0.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, select

from crimedesk.analytics.extent import occurrence_extent
from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.frames import query_frame
from crimedesk.analytics.sqltime import day_of
from crimedesk.analytics.summaries import counted
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.timecodec import EPOCH

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[Bucket, ...] = ("day", "week", "month")
MA_DAYS = 28
_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}


def trend(conn: Connection, f: FilterSnapshot, bucket: Bucket = "day") -> pd.DataFrame:
    """Index: bucket start (Timestamp); columns: the categories, ``total`` and (daily) ``ma28``.

    Empty buckets inside the range are zero rows, not gaps.
    """
    if bucket not in _FREQ:
        raise ValueError(f"bucket must be one of {sorted(_FREQ)}, got {bucket!r}")
    lead = timedelta(days=MA_DAYS - 1 if bucket == "day" else 0)
    query_filters = replace(f, date_from=f.date_from - lead) if f.date_from else f
    daily = _daily_counts(conn, query_filters)
    start = pd.Timestamp(query_filters.date_from) if f.date_from else daily.index.min()
    end = pd.Timestamp(f.date_to) if f.date_to else daily.index.max()
    if pd.isna(start):
        return pd.DataFrame(columns=[*CATEGORIES, "total"], index=pd.DatetimeIndex([], name="bucket"))
    daily = daily.reindex(pd.date_range(start, end, freq="D", name="bucket"), fill_value=0)
    if bucket == "day":
        extent = occurrence_extent(conn)
        first_full = pd.Timestamp(extent[0]) + pd.Timedelta(days=MA_DAYS - 1) if extent else pd.Timestamp.max
        known = daily.index >= first_full
        daily["ma28"] = daily["total"].rolling(MA_DAYS).mean().where(known)
        return daily.loc[pd.Timestamp(f.date_from) :] if f.date_from else daily
    label = "left" if bucket == "week" else None
    grouped = daily.resample(_FREQ[bucket], label=label, closed=label).sum()
    grouped.index.name = "bucket"
    return grouped


def _daily_counts(conn: Connection, f: FilterSnapshot) -> pd.DataFrame:
    rows = counted(conn, f, ("category",))
    day = day_of(rows.table.c.occurred_from).label("day")
    query = (
        select(day, rows.table.c.category, rows.count().label("n"))
        .where(where_clause(f, rows.table))
        .group_by(day, rows.table.c.category)
    )
    rows = query_frame(conn, query, ["day", "category", "n"])
    wide = rows.pivot_table(index="day", columns="category", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(CATEGORIES), fill_value=0).astype("int64")
    wide.index = pd.DatetimeIndex(EPOCH + pd.to_timedelta(wide.index.astype("int64"), unit="D"))
    wide["total"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide
