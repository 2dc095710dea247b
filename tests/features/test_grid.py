"""Projected grid: cell numbering, counts, per-period counts and study-area masks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from crimedesk.features.grid import Grid, counts_per_period


def test_bounds_snap_to_offset_lines() -> None:
    # xmin 120 with lines through x = 50 every 100 m -> x0 = 50; xmax 380 -> cols 50..450 = 4
    grid = Grid.from_bounds((120.0, 10.0, 380.0, 199.0), 100.0, offset=(50.0, 0.0))
    assert (grid.x0, grid.y0, grid.nx, grid.ny) == (50.0, 0.0, 4, 2)


def test_cell_index_is_row_major_and_flags_points_off_grid() -> None:
    grid = Grid(100.0, 0.0, 0.0, nx=3, ny=2)
    x = np.array([10.0, 250.0, 250.0, -1.0, 300.0])
    y = np.array([10.0, 10.0, 150.0, 10.0, 10.0])
    assert grid.cell_index(x, y).tolist() == [0, 2, 5, -1, -1]
    assert grid.counts(x, y).tolist() == [1, 0, 1, 0, 0, 1]
    cx, cy = grid.cell_centres()
    assert (cx[4], cy[4]) == (150.0, 150.0)


def test_counts_per_period_is_dense_periods_by_cells() -> None:
    grid = Grid(100.0, 0.0, 0.0, nx=2, ny=1)
    frame = pd.DataFrame(
        {
            "occurred_from": pd.to_datetime(
                [
                    "2017-01-01 05:00",
                    "2017-01-01 23:59",
                    "2017-01-02 00:00",
                    "2017-01-04 00:00",
                    "2016-12-31 12:00",
                ]
            ),
            "x": [10.0, 150.0, 150.0, 10.0, 10.0],
            "y": [50.0] * 5,
        }
    )
    counts = counts_per_period(grid, frame, pd.Timestamp("2017-01-01"), pd.Timedelta(days=1), 3)
    # day 0: one in each cell; day 1: cell 1; 4 Jan and 31 Dec fall outside the three days
    assert counts.tolist() == [[1, 1], [0, 1], [0, 0]]


def test_masks_from_points_and_polygon() -> None:
    grid = Grid(100.0, 0.0, 0.0, nx=3, ny=3)
    assert grid.masked_to_points(np.array([50.0, 250.0]), np.array([50.0, 250.0])).active_cells.tolist() == [
        0,
        8,
    ]
    # a triangle over the lower-left half touches every cell on or below the diagonal
    triangle = shapely.Polygon([(0, 0), (300, 0), (0, 300)])
    assert grid.masked_to_geometry(triangle).active_cells.tolist() == [0, 1, 2, 3, 4, 6]


def test_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="positive cell size"):
        Grid(0.0, 0.0, 0.0, 1, 1)
    with pytest.raises(ValueError, match="active mask"):
        Grid(1.0, 0.0, 0.0, 2, 2, active=np.ones(3, dtype=bool))
