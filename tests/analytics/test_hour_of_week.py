"""Hour-of-week grid: point times vs DuckDB, aoristic windows by hand."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from crimedesk.analytics.hour_of_week import aoristic_grid, hour_of_week
from crimedesk.domain.filters import FilterSnapshot
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
    np.testing.assert_array_equal(got, expected)
    assert got.shape == (7, 24) and got.sum() == (chicago_df["category"] == "property").sum()


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
        got = hour_of_week(conn, FilterSnapshot())
    np.testing.assert_allclose(got, expected_grid())
    assert got.sum() == pytest.approx(len(WINDOWS))


def test_week_long_window_is_spread_evenly() -> None:
    start = to_seconds(pd.Series([pd.Timestamp("2017-01-02 00:00")])).to_numpy("int64")
    grid = aoristic_grid(start, start + 7 * 24 * 3600)
    np.testing.assert_allclose(grid, np.full(168, 1 / 168))
