"""Getis–Ord Gi*: hand-computed grids, the formula cell by cell, and BH against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.gistar import benjamini_hochberg, gi_star


def test_single_hot_cell_by_hand() -> None:
    # 5×5 grid, 10 incidents in the centre: n = 25, mean 0.4, S = sqrt(100/25 - 0.16) = sqrt(3.84)
    grid = Grid(100.0, 0.0, 0.0, nx=5, ny=5)
    counts = np.zeros(25)
    counts[12] = 10
    z = gi_star(grid, counts)["z"].to_numpy()
    # centre: Σw = 9, Σwx = 10 -> (10 - 3.6) / (S·sqrt((225 - 81)/24)) = 6.4 / (1.959592·sqrt 6) = 4/3
    assert z[12] == pytest.approx(4 / 3)
    assert z[6] == pytest.approx(4 / 3)  # diagonal neighbour sees the same 9 cells' sum
    # corner: Σw = 4, Σwx = 0 -> -1.6 / (S·sqrt((100 - 16)/24)) = -1.6 / 3.666061
    assert z[0] == pytest.approx(-0.436436, abs=1e-6)


def test_hot_block_is_a_99_percent_hot_spot() -> None:
    # 3×3 block of 10s in an 11×11 grid: n = 121, mean 90/121, S² = 900/121 - (90/121)² = 6.884776
    grid = Grid(100.0, 0.0, 0.0, nx=11, ny=11)
    raster = np.zeros((11, 11))
    raster[4:7, 4:7] = 10
    result = gi_star(grid, raster.ravel())
    centre = result.loc[result["cell"] == 5 * 11 + 5].iloc[0]
    # (90 - 9·90/121) / (sqrt(6.884776)·sqrt((1089 - 81)/120)) = 83.305785 / 7.604912 = 10.954
    assert centre["z"] == pytest.approx(10.954, abs=1e-3)
    assert centre["gi_bin"] == 3 and centre["label"] == "hot spot 99%"
    assert result.loc[result["cell"] == 0, "label"].item() == "not significant"


def test_matches_formula_with_mask_and_distance_band() -> None:
    rng = np.random.default_rng(1)
    active = rng.random(12 * 9) < 0.8
    grid = Grid(150.0, 0.0, 0.0, nx=12, ny=9, active=active)
    counts = rng.poisson(2.0, grid.n_cells).astype(float)
    result = gi_star(grid, counts, neighbourhood="distance", band_cells=2.0)
    cells = grid.active_cells
    x, n = counts[cells], cells.size
    mean, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    col, row = cells % grid.nx, cells // grid.nx
    for i, cell in enumerate(cells):
        w = (np.hypot(col - col[i], row - row[i]) <= 2.0).astype(float)
        expected = (w @ x - mean * w.sum()) / (s * np.sqrt((n * (w**2).sum() - w.sum() ** 2) / (n - 1)))
        assert result["z"].iloc[i] == pytest.approx(expected), cell


def test_benjamini_hochberg_matches_statsmodels() -> None:
    p = np.random.default_rng(2).random(200) ** 3
    assert np.allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_rejects_flat_counts_and_unknown_neighbourhood() -> None:
    grid = Grid(100.0, 0.0, 0.0, nx=3, ny=3)
    with pytest.raises(ValueError, match="same count"):
        gi_star(grid, np.ones(9))
    with pytest.raises(ValueError, match="unknown neighbourhood"):
        gi_star(grid, np.arange(9.0), neighbourhood="rook")
