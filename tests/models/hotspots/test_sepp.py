"""Grid SEPP: EM recovers the parameters of a simulated process; never-peek and spread on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.sepp import GridSEPP, candidate_pairs

THETA, OMEGA, SIGMA = 0.4, 0.25, 40.0  # 0.4 offspring each, 4 days mean delay, 40 m spread
DAYS = 1500
GRID = Grid(100.0, 0.0, 0.0, 20, 20)
START = pd.Timestamp("2015-01-01")


def simulate(seed: int = 7) -> pd.DataFrame:
    """Branching simulation: background per cell (Poisson in time, uniform in the cell), then each
    incident's offspring, Poisson(θ) many, at Exp(ω) delays and Gaussian(σ) displacements."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(2.0, 0.002, GRID.n_cells)  # incidents per cell and day
    counts = rng.poisson(rates * DAYS)
    cells = np.repeat(np.arange(GRID.n_cells), counts)
    x = (cells % GRID.nx + rng.random(cells.size)) * GRID.cell_size
    y = (cells // GRID.nx + rng.random(cells.size)) * GRID.cell_size
    t = rng.random(cells.size) * DAYS
    generation = [np.column_stack([t, x, y])]
    while generation[-1].size:
        parents = generation[-1]
        n = rng.poisson(THETA, len(parents))
        base = np.repeat(parents, n, axis=0)
        step = np.column_stack([rng.exponential(1 / OMEGA, len(base)), rng.normal(0, SIGMA, (len(base), 2))])
        generation.append(base + step)
    every = np.concatenate(generation)
    inside = (every[:, 0] < DAYS) & (every[:, 1] >= 0) & (every[:, 1] < 2000) & (every[:, 2] >= 0)
    inside &= every[:, 2] < 2000
    kept = every[inside]
    when = START + pd.to_timedelta(kept[:, 0], unit="D")
    return pd.DataFrame({"occurred_from": when, "x": kept[:, 1], "y": kept[:, 2]})


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    return simulate()


def test_em_recovers_the_simulated_parameters(simulated):
    model = GridSEPP(grid=GRID, train_days=DAYS, time_cutoff_days=40.0, space_cutoff=250.0, iterations=200)
    model.fit(simulated)
    assert model.theta_ == pytest.approx(THETA, abs=0.06)
    assert model.omega_ == pytest.approx(OMEGA, rel=0.2)
    assert model.sigma_ == pytest.approx(SIGMA, rel=0.15)


def test_candidate_pairs_match_a_brute_force_search(simulated):
    sample = simulated.sort_values("occurred_from").iloc[:800]
    days = ((sample["occurred_from"] - START) / pd.Timedelta(days=1)).to_numpy()
    xy = sample[["x", "y"]].to_numpy()
    pairs = candidate_pairs(days, xy, 30.0, 150.0)
    gap = days[None, :] - days[:, None]
    near = ((xy[None, :, :] - xy[:, None, :]) ** 2).sum(axis=2) <= 150.0**2
    expected = set(zip(*np.nonzero((gap > 0) & (gap <= 30.0) & near), strict=True))
    assert set(zip(pairs.parent, pairs.child, strict=True)) == expected
    assert np.allclose(pairs.dt, days[pairs.child] - days[pairs.parent])


def test_scores_are_background_plus_triggering_of_the_past_only(district_11_h1):
    x, y = district_11_h1["x"], district_11_h1["y"]
    grid = Grid.from_points(x, y, 200.0).masked_to_points(x, y)
    at = pd.Timestamp("2016-05-01")
    history = district_11_h1[district_11_h1["occurred_from"] < at]
    model = GridSEPP(grid=grid, train_days=90, iterations=20).fit(history)
    scores = model.predict_scores(grid, at)
    refitted_on_more = GridSEPP(grid=grid, train_days=90, iterations=20).fit(history)
    refitted_on_more.times_, refitted_on_more.xy_ = (
        district_11_h1["occurred_from"].sort_values().to_numpy("datetime64[ns]"),
        district_11_h1.sort_values("occurred_from")[["x", "y"]].to_numpy(float),
    )
    assert np.allclose(refitted_on_more.predict_scores(grid, at), scores)  # later incidents unseen
    assert np.all(scores >= model.background_) and scores.sum() > model.background_.sum()
    # the triggered part integrates to θ·ω·Σ e^{−ω·age} over the incidents within reach (none lost
    # off a grid that covers them all, up to the Gaussian's mass beyond the grid's edge)
    age = ((at - history["occurred_from"]) / pd.Timedelta(days=1)).to_numpy()
    recent = age <= model.time_cutoff_days
    expected = np.sum(model.theta_ * model.omega_ * np.exp(-model.omega_ * age[recent]))
    assert (scores - model.background_).sum() == pytest.approx(expected, rel=0.05)
    assert 0 < model.theta_ < 1 and model.sigma_ > 0
