"""Day-of-week × hour grid with aoristic weights for incidents known only within a window.

Rule (Ratcliffe's aoristic method): an incident with a start-end window [from, to) spreads one
unit evenly over the k clock hours it touches, 1/k each. Windows longer than 7 days carry almost
no hour-of-week information (a uniform smear), so they count whole at their start hour: the grid
still sums to the number of incidents, as the KPIs do. Point-time incidents (no end, or an end
not after the start) are counted by the database; only the windowed pairs, a small share, are
fetched and weighted in numpy, in chunks so memory stays bounded on millions of rows.

Incidents whose time is unknown (``Quality.TIME_UNKNOWN``: no time, or the 00:00:00 placeholder
agencies use for it) are left out and counted apart: put in hour 0 they would make midnight look
like the busiest hour of every day (3,428 of them in Chicago's 2017).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Connection, Table, and_, case, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.sqltime import EPOCH_HOUR_OF_WEEK, hour_of_week_of, seconds
from crimedesk.analytics.summaries import HOUR, Counted, counted, point_time
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.quality import Quality
from crimedesk.storage.schema import incidents

HOURS_PER_WEEK = 168
MAX_SPREAD_HOURS = 7 * 24
_CHUNK = 20_000  # windows per numpy batch: at most 168 cells each, so ≤ 3.4 M cells


@dataclass(frozen=True)
class HourOfWeek:
    """``grid``: 7×24 (weighted) counts, rows Monday..Sunday, columns hours 0..23, of incidents
    with a known time; ``time_unknown``: the matching incidents left out of it."""

    grid: npt.NDArray[np.float64]
    time_unknown: int


def time_unknown(table: Table = incidents) -> ColumnElement[bool]:
    return table.c.quality_flags.op("&")(int(Quality.TIME_UNKNOWN)) != 0


def hour_of_week(conn: Connection, filters: FilterSnapshot) -> HourOfWeek:
    """The hour-of-week grid of the filtered incidents with a known time, and how many had none.

    The point-time incidents are counted per hour by the database (from a summary where the
    analytics mirror has one); the windows are fetched and spread here.
    """
    points = counted(conn, filters, ("quality_flags",), HOUR, point_times=True)
    matching = and_(where_clause(filters, points.table), points.condition)
    unknown = conn.execute(
        select(points.count()).select_from(points.table).where(matching, time_unknown(points.table))
    ).scalar_one()
    grid = _point_grid(conn, points, and_(matching, ~time_unknown(points.table)))
    spread, unknown_windows = _window_grid(conn, where_clause(filters, incidents))
    return HourOfWeek((grid + spread).reshape(7, 24), int(unknown) + unknown_windows)


def _point_grid(conn: Connection, points: Counted, where: ColumnElement[bool]) -> npt.NDArray[np.float64]:
    hour_of_week = hour_of_week_of(points.table.c.occurred_from)
    grid = np.zeros(HOURS_PER_WEEK)
    query = select(hour_of_week, points.count()).where(where).group_by(hour_of_week)
    for cell, count in conn.execute(query):
        grid[int(cell)] += count
    return grid


def _window_grid(conn: Connection, where: ColumnElement[bool]) -> tuple[npt.NDArray[np.float64], int]:
    """The aoristic weights of the incidents known within a window, and how many of them had an
    unknown time (left out of the grid)."""
    start, end = seconds(incidents.c.occurred_from), seconds(incidents.c.occurred_to)
    unknown = case((time_unknown(), 1), else_=0)
    grid, unknown_count = np.zeros(HOURS_PER_WEEK), 0
    windows = conn.execute(select(start, end, unknown).where(where, ~point_time(incidents)))
    for chunk in windows.partitions(_CHUNK):
        rows = np.asarray(chunk, dtype=np.int64).reshape(-1, 3)
        known = rows[:, 2] == 0
        unknown_count += int((~known).sum())
        grid += aoristic_grid(rows[known, 0], rows[known, 1])
    return grid, unknown_count


def aoristic_grid(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Flat 168-cell hour-of-week weights for windows [start, end) in stored seconds (end > start)."""
    first = starts // 3600
    last = (ends - 1) // 3600
    k = last - first + 1
    long = k > MAX_SPREAD_HOURS
    k = np.where(long, 1, k)
    cells = np.repeat(first, k) + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))
    weights = np.repeat(1.0 / k, k)
    # numpy's stubs type bincount as intp, but with float weights it returns float64
    return np.bincount(_hour_of_week(cells), weights=weights, minlength=HOURS_PER_WEEK)  # type: ignore[return-value]


def _hour_of_week(absolute_hours: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Absolute hour numbers since 1970-01-01 00:00 (a Thursday) -> Monday-based hour of week."""
    return (absolute_hours + EPOCH_HOUR_OF_WEEK) % HOURS_PER_WEEK
