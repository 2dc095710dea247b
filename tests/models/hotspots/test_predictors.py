"""Hotspot predictors: hand cases, the never-peek rule, and open_cp's formula on real incidents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.predictors import (
    NaiveCountGrid,
    ProspectiveHotspot,
    RandomBaseline,
    RetrospectiveKDE,
)

NOW = pd.Timestamp("2017-03-01")
GRID = Grid(100.0, 0.0, 0.0, nx=10, ny=10)


def events(*rows: tuple[float, float, str]) -> pd.DataFrame:
    """(x, y, time) rows as a canonical incident frame."""
    x, y, when = zip(*rows, strict=True)
    return pd.DataFrame({"occurred_from": pd.to_datetime(list(when), format="ISO8601"), "x": x, "y": y})


def test_naive_counts_only_the_trailing_window() -> None:
    frame = events(
        (50, 50, "2017-02-27"),
        (50, 50, "2017-02-28 23:59"),
        (150, 50, "2017-01-01"),  # older than 28 days
        (250, 50, "2017-03-01 00:00"),  # at the prediction time: the future
    )
    scores = NaiveCountGrid(window_days=28).fit(frame).predict_scores(GRID, NOW)
    assert scores[:3].tolist() == [2, 0, 0] and scores.sum() == 2


def test_quartic_kde_is_a_normalised_bump() -> None:
    # one incident at the centre of cell (4, 4); bandwidth 250 m on 100 m cells
    model = RetrospectiveKDE(bandwidth=250.0, window_days=7).fit(events((450, 450, "2017-02-28")))
    raster = model.predict_scores(GRID, NOW).reshape(GRID.shape)
    assert raster.sum() == pytest.approx(1.0)
    # one cell east: u = 100/250 = 0.4 -> (1 - 0.16)² = 0.7056 of the peak
    assert raster[4, 5] / raster[4, 4] == pytest.approx(0.7056)
    # three cells away (300 m > bandwidth): nothing, and exact zeros tie
    assert raster[4, 7] == 0 and raster[0, 0] == 0
    assert np.allclose(raster, raster.T) and np.allclose(raster[:9, :9], raster[:9, :9][::-1, ::-1])


def test_kde_counts_incidents_just_outside_the_grid() -> None:
    model = RetrospectiveKDE(bandwidth=250.0, window_days=7).fit(events((-50, 450, "2017-02-28")))
    assert model.predict_scores(GRID, NOW).reshape(GRID.shape)[4, 0] > 0


def test_gaussian_kernel_and_bad_kernel() -> None:
    model = RetrospectiveKDE(bandwidth=100.0, kernel="gaussian").fit(events((450, 450, "2017-02-28")))
    raster = model.predict_scores(GRID, NOW).reshape(GRID.shape)
    assert raster[4, 5] / raster[4, 4] == pytest.approx(np.exp(-0.5))
    with pytest.raises(ValueError, match="unknown kernel"):
        RetrospectiveKDE(kernel="box").fit(events((0, 0, "2017-02-28"))).predict_scores(GRID, NOW)


def test_prospective_hand_case() -> None:
    # 100 m cells, 400 m bandwidth -> d < 4 cell steps; 8 weeks
    frame = events(
        (250, 250, "2017-02-26"),  # A: cell (col 2, row 2), 3 days old -> t = 0
        (550, 250, "2017-02-19"),  # B: cell (5, 2), 10 days old -> t = 1
        (250, 250, "2017-01-04"),  # exactly 8 weeks old: t = 8 is outside t < 8
    )
    raster = ProspectiveHotspot().fit(frame).predict_scores(GRID, NOW).reshape(GRID.shape)
    # cell (2, 2): A 1/(1+0)·1/(1+0) = 1; B d = 3: 1/4 · 1/2 = 0.125 -> 1.125
    assert raster[2, 2] == pytest.approx(1.125)
    # cell (4, 2): A d = 2 -> 1/3; B d = 1 -> 1/2 · 1/2 -> 0.583333
    assert raster[2, 4] == pytest.approx(1 / 3 + 1 / 4)
    # cell (6, 6): Chebyshev distance 4 from both -> excluded
    assert raster[6, 6] == 0
    # Manhattan: cell (4, 4) is 2 + 2 = 4 steps from A -> excluded; B is 1 + 2 = 3 -> 1/4 · 1/2
    manhattan = ProspectiveHotspot(distance="manhattan").fit(frame).predict_scores(GRID, NOW)
    assert manhattan.reshape(GRID.shape)[4, 4] == pytest.approx(0.125)


def test_prospective_matches_per_cell_formula_on_real_incidents(district_11_h1: pd.DataFrame) -> None:
    at = pd.Timestamp("2016-05-01")
    grid = Grid.from_points(district_11_h1["x"].to_numpy(), district_11_h1["y"].to_numpy(), 200.0)
    scores = ProspectiveHotspot(bandwidth=500.0, weeks=4).fit(district_11_h1).predict_scores(grid, at)
    recent = district_11_h1[
        (district_11_h1["occurred_from"] < at)
        & (district_11_h1["occurred_from"] >= at - pd.Timedelta(weeks=4))
    ]
    col, row = grid.col_row(recent["x"].to_numpy(), recent["y"].to_numpy())
    t = ((at - recent["occurred_from"]) // pd.Timedelta(weeks=1)).to_numpy()
    for cell in range(0, grid.n_cells, 7):  # the open_cp loop, on every 7th cell
        d = np.maximum(abs(col - cell % grid.nx), abs(row - cell // grid.nx))
        expected = np.sum((d < 2.5) / ((1 + d) * (1 + t)))
        assert scores[cell] == pytest.approx(expected)


def test_random_baseline_is_reproducible() -> None:
    model = RandomBaseline(random_state=3).fit(events((0, 0, "2017-01-01")))
    assert np.array_equal(
        model.predict_scores(GRID, NOW),
        clone(model).fit(events((0, 0, "2017-01-01"))).predict_scores(GRID, NOW),
    )
    assert not np.array_equal(
        model.predict_scores(GRID, NOW), model.predict_scores(GRID, NOW + pd.Timedelta(days=1))
    )


def test_estimator_conventions() -> None:
    model = ProspectiveHotspot(bandwidth=300.0)
    assert model.get_params() == {"bandwidth": 300.0, "weeks": 8, "distance": "chebyshev"}
    assert not hasattr(model, "times_")
    with pytest.raises(NotFittedError):
        model.predict_scores(GRID, NOW)
    assert model.fit(events((0, 0, "2017-01-01"))) is model
