"""HunchLab-style features: each checked against a plain count over real incidents, and none can
see an incident of the day scored or later."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crimedesk.features.grid import Grid
from crimedesk.models.hunch.features import (
    FEATURE_NAMES,
    calendar_rows,
    day_features,
    hour_block_weights,
    place_incidents,
)
from tests.models.chicago_frame import district_slice

DAY = pd.Timestamp("2016-05-17")  # a Tuesday


@pytest.fixture(scope="module")
def events(chicago_frame):
    return district_slice(chicago_frame, ["011"], "2015-01-01", "2016-07-01").sort_values(
        "occurred_from", kind="stable"
    )


@pytest.fixture(scope="module")
def grid(events):
    return Grid.from_points(events["x"], events["y"], 250.0).masked_to_points(events["x"], events["y"])


def features_of(events: pd.DataFrame, grid: Grid, ends: np.ndarray | None = None) -> pd.DataFrame:
    placed = place_incidents(
        grid, events["occurred_from"].to_numpy("datetime64[ns]"), events[["x", "y"]].to_numpy(float), ends
    )
    day = np.datetime64(DAY, "ns")
    values = day_features(placed, grid, grid.active_cells, day, calendar_rows(pd.DatetimeIndex([DAY]))[0])
    return pd.DataFrame(values, columns=list(FEATURE_NAMES), index=grid.active_cells)


def test_counts_rings_and_recency_match_a_plain_count(events, grid):
    features = features_of(events, grid)
    cells = grid.cell_index(events["x"].to_numpy(), events["y"].to_numpy())
    col, row = cells % grid.nx, cells // grid.nx
    age = (DAY - events["occurred_from"]) / pd.Timedelta(days=1)
    for cell in features.sort_values("count_364d").index[-5:]:  # the busiest cells
        own = cells == cell
        ring = (np.abs(col - cell % grid.nx) <= 1) & (np.abs(row - cell // grid.nx) <= 1) & ~own
        for w in (1, 7, 28, 56, 364):
            window = (age > 0) & (age <= w)
            assert features.loc[cell, f"count_{w}d"] == (own & window).sum()
            assert features.loc[cell, f"ring_{w}d"] == (ring & window).sum()
        near = (own | ring) & (age > 0) & (age <= 14)
        assert features.loc[cell, "near_repeat"] == pytest.approx(np.exp(-age[near] / 7).sum())
        assert features.loc[cell, "days_since_last"] == pytest.approx(age[own & (age > 0)].min())
        year = own & (age > 0) & (age <= 364)
        tuesdays = year & (events["occurred_from"].dt.day_of_week == 1)
        assert features.loc[cell, "same_weekday_364d"] == tuesdays.sum()
        night = year & (events["occurred_from"].dt.hour < 6)
        assert features.loc[cell, "hours_00_06_share"] == pytest.approx(night.sum() / year.sum())
    assert (features[["weekday", "month"]].to_numpy() == [1, 5]).all()


def test_kernel_densities_sum_the_year_and_smooth_it(events, grid):
    features = features_of(events, grid)
    for name in ("kde_364d_150m", "kde_364d_600m"):
        assert features[name].corr(features["count_364d"]) > 0.3
    wide, narrow = features["kde_364d_600m"], features["kde_364d_150m"]
    assert wide.std() < narrow.std()  # a wider kernel spreads the same counts flatter


def test_no_incident_of_the_scored_day_or_later_changes_any_feature(events, grid):
    before = events[events["occurred_from"] < DAY]
    later = events[events["occurred_from"] >= DAY].copy()
    at_midnight = before.tail(200).assign(occurred_from=DAY)  # exactly at the day's start
    expected = features_of(before, grid)
    with_future = pd.concat([before, at_midnight, later]).sort_values("occurred_from", kind="stable")
    pd.testing.assert_frame_equal(features_of(with_future, grid), expected)
    moved = before.iloc[-1:].assign(occurred_from=DAY - pd.Timedelta(seconds=1))
    changed = features_of(pd.concat([before, moved]), grid)
    assert not changed.equals(expected)  # one second earlier, it counts


def test_aoristic_hour_blocks_spread_a_window_over_the_hours_it_touches():
    starts = pd.to_datetime(["2016-05-01 05:30", "2016-05-01 05:00", "2016-05-01 23:00", "2016-05-01 10:00"])
    ends = pd.to_datetime([pd.NaT, "2016-05-01 07:00", "2016-05-02 01:00", "2016-05-06 10:00"])
    weights = hour_block_weights(starts.to_numpy("datetime64[ns]"), ends.to_numpy("datetime64[ns]"))
    expected = [[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.5, 0, 0, 0.5], [0, 1, 0, 0]]  # > 72 h: its start
    np.testing.assert_allclose(weights, expected)
