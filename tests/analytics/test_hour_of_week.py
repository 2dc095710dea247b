"""Hour-of-week grid: point times vs DuckDB, aoristic windows by hand, unknown times apart."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from crimedesk.analytics.hour_of_week import aoristic_grid, hour_of_week
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.quality import Quality
from crimedesk.ingest.pipeline import import_file
from tests.analytics.incidents_frame import hand_frame, load_incidents, to_seconds


def test_point_times_match_duckdb(chicago_store: Engine, chicago_df: pd.DataFrame) -> None:
    frame = chicago_df[["occurred", "category"]]  # noqa: F841 - used by DuckDB
    cells = duckdb.sql(
        "select isodow(occurred) - 1 d, hour(occurred) h, count(*) n from frame"
        " where category = 'property' group by all"
    ).fetchall()
    expected = np.zeros((7, 24))
    for d, h, n in cells:
        expected[d, h] = n
    with chicago_store.connect() as conn:
        got = hour_of_week(conn, FilterSnapshot(categories=frozenset({"property"})))
    np.testing.assert_array_equal(got.grid, expected)
    assert got.grid.shape == (7, 24) and got.grid.sum() == (chicago_df["category"] == "property").sum()
    assert got.time_unknown == 0  # this loader sets no quality flags


def test_unknown_times_are_counted_apart_not_in_hour_zero(store: Engine, chicago_sample) -> None:
    """The importer flags the sample's 00:00:00 placeholders; the grid leaves them out."""
    import_file(store, chicago_sample)
    raw = duckdb.execute(
        f"""select isodow(t) - 1 d, hour(t) h, strftime(t, '%H:%M:%S') = '00:00:00' unknown
            from (select strptime("Date", '%m/%d/%Y %I:%M:%S %p') t
                  from read_csv('{chicago_sample}', all_varchar = true))"""
    ).df()
    with store.connect() as conn:
        got = hour_of_week(conn, FilterSnapshot())
    placeholders = int(raw["unknown"].sum())
    assert got.time_unknown == placeholders > 100
    known = raw[~raw["unknown"]]
    expected = np.zeros((7, 24))
    np.add.at(expected, (known["d"].to_numpy(), known["h"].to_numpy()), 1)
    np.testing.assert_array_equal(got.grid, expected)
    assert got.grid.sum() + got.time_unknown == len(raw)


def test_only_the_time_unknown_flag_leaves_the_grid(store: Engine) -> None:
    flags = [Quality.TIME_UNKNOWN, Quality.TIME_UNKNOWN | Quality.DATE_PLACEHOLDER, Quality.COORDS_MISSING, 0]
    rows = [{"occurred": "2017-01-02 00:00", "quality_flags": int(f)} for f in flags]
    load_incidents(store, hand_frame(rows))
    with store.connect() as conn:
        got = hour_of_week(conn, FilterSnapshot())
    assert got.time_unknown == 2 and got.grid[0, 0] == 2 and got.grid.sum() == 2


# 2017-01-02 is a Monday, 2017-01-08 a Sunday.
WINDOWS = [
    ("2017-01-02 10:30", "2017-01-02 12:30"),  # touches 10, 11, 12 -> 1/3 each
    ("2017-01-02 10:00", "2017-01-02 12:00"),  # ends on the hour: 10, 11 -> 1/2 each
    ("2017-01-08 23:15", "2017-01-09 00:45"),  # Sunday 23 and Monday 0 -> 1/2 each
    ("2017-01-03 09:00", "2017-01-11 09:00"),  # 8 days: whole at Tuesday 9
    ("2017-01-04 15:20", "2017-01-04 15:20"),  # zero-length: a point at Wednesday 15
    ("2017-01-05 07:00", None),  # no end: a point at Thursday 7
]


def expected_grid() -> np.ndarray:
    grid = np.zeros((7, 24))
    grid[0, 10:13] += 1 / 3
    grid[0, 10:12] += 1 / 2
    grid[6, 23] += 1 / 2
    grid[0, 0] += 1 / 2
    grid[1, 9] += 1
    grid[2, 15] += 1
    grid[3, 7] += 1
    return grid


def test_aoristic_hand_case(store: Engine) -> None:
    rows = [{"occurred": start, "until": end} for start, end in WINDOWS]
    load_incidents(store, hand_frame(rows))
    with store.connect() as conn:
        got = hour_of_week(conn, FilterSnapshot()).grid
    np.testing.assert_allclose(got, expected_grid())
    assert got.sum() == pytest.approx(len(WINDOWS))


def test_week_long_window_is_spread_evenly() -> None:
    start = to_seconds(pd.Series([pd.Timestamp("2017-01-02 00:00")])).to_numpy("int64")
    grid = aoristic_grid(start, start + 7 * 24 * 3600)
    np.testing.assert_allclose(grid, np.full(168, 1 / 168))
