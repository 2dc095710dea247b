"""Grid self-exciting point process of Mohler et al. (2015), fitted by expectation-maximisation.

The conditional intensity at a point ``s`` of cell ``c`` and time ``t`` is

    λ(s, t) = μ_c / a + Σ_{t_i < t} θ ω e^{−ω (t − t_i)} · φ_σ(s − s_i)

with ``μ_c`` the background rate of the cell (incidents per day), ``a`` the cell area, θ the mean
number of incidents one incident triggers, 1/ω their mean delay in days and φ_σ a 2-D Gaussian of
standard deviation σ metres. open_cp's ``seppexp`` fits the same model with the triggering confined
to the incident's own cell; here it spreads in space as in the paper's continuous form.

EM (Mohler 2011, Lewis & Mohler 2011): the E-step shares each incident between the background and
every earlier incident by their share of λ; the M-step sets μ_c, θ, ω and σ from those shares, with
the edge correction for offspring the training window has not seen yet. Only pairs closer than
``time_cutoff_days`` and ``space_cutoff`` are considered (a KD-tree finds them), which keeps a
city's year of incidents to a few million pairs instead of n².
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import pandas as pd
from scipy import signal
from scipy.spatial import cKDTree

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.predictors import HotspotPredictor

DAY_NS = 86_400e9


@dataclass(frozen=True)
class Pairs:
    """Candidate (parent, child) pairs: indices, time gaps in days, squared distances in m²."""

    parent: np.ndarray
    child: np.ndarray
    dt: np.ndarray
    d2: np.ndarray


@dataclass(frozen=True)
class Triggering:
    theta: float
    omega: float
    sigma: float


def candidate_pairs(days: np.ndarray, xy: np.ndarray, max_days: float, max_distance: float) -> Pairs:
    """Pairs with 0 < t_child − t_parent ≤ ``max_days`` and distance ≤ ``max_distance``.

    A Chebyshev-ball query on (x, y, t scaled so ``max_days`` spans ``max_distance``) finds the
    space-time box; the exact conditions are applied after. Simultaneous incidents are no pair.
    """
    scale = max_distance / max_days
    points = np.column_stack([xy, days * scale])
    found = cKDTree(points).query_pairs(max_distance, p=np.inf, output_type="ndarray")
    a, b = found[:, 0], found[:, 1]
    dt = days[b] - days[a]
    parent, child = np.where(dt >= 0, a, b), np.where(dt >= 0, b, a)
    dt = np.abs(dt)
    d2 = np.sum((xy[child] - xy[parent]) ** 2, axis=1)
    keep = (dt > 0) & (d2 <= max_distance**2)
    index = np.int32 if days.size < 2**31 else np.int64  # halves the largest arrays of a city's fit
    return Pairs(parent[keep].astype(index), child[keep].astype(index), dt[keep], d2[keep])


def fit_em(
    days: np.ndarray,
    cells: np.ndarray,
    cell_area: float,
    duration: float,
    pairs: Pairs,
    start: Triggering,
    iterations: int,
    min_sigma: float,
    tolerance: float = 1e-5,
) -> tuple[Triggering, np.ndarray]:
    """EM estimates of the triggering and each incident's probability of being background.

    ``days`` are incident times from the window start (in days), ``cells`` their compact cell
    numbers (0..k−1), ``duration`` the window length in days. σ is kept at ``min_sigma`` or more:
    geocoding to the block puts repeat incidents at one point, and without a floor the Gaussian
    collapses onto those zero distances (the likelihood grows without bound as σ → 0).
    """
    n = days.size
    counts = np.bincount(cells).astype(float)
    mu = counts / duration / 2  # background rates per cell, per day; half the incidents to start
    theta, omega, sigma = start.theta, start.omega, start.sigma
    remaining = duration - days  # time left in the window for each incident's offspring
    background = np.ones(n)
    for _ in range(iterations):
        kernel = theta * omega * np.exp(-omega * pairs.dt)
        kernel *= np.exp(-pairs.d2 / (2 * sigma**2)) / (2 * np.pi * sigma**2)
        bg_density = mu[cells] / cell_area
        intensity = bg_density + np.bincount(pairs.child, weights=kernel, minlength=n)
        background = bg_density / intensity
        share = kernel / intensity[pairs.child]
        triggered = share.sum()
        unseen = np.exp(-omega * remaining)
        mu = np.bincount(cells, weights=background, minlength=counts.size) / duration
        new_theta = triggered / np.sum(1 - unseen)
        new_omega = triggered / (share @ pairs.dt + theta * np.sum(remaining * unseen))
        new_sigma = (
            max(min_sigma, float(np.sqrt((share @ pairs.d2) / (2 * triggered)))) if triggered > 0 else sigma
        )
        change = abs(new_theta - theta) + abs(new_omega - omega) / omega + abs(new_sigma - sigma) / sigma
        theta, omega, sigma = float(new_theta), float(new_omega), new_sigma
        if triggered <= 0 or change < tolerance:
            break
    return Triggering(theta, omega, sigma), background


class GridSEPP(HotspotPredictor):
    """Mohler 2015 grid SEPP: per-cell background plus exponential-in-time, Gaussian-in-space triggering.

    ``fit`` runs EM on the last ``train_days`` of incidents on ``grid``'s cells; ``predict_scores``
    is the expected rate of incidents per cell and day at ``at_time``: μ_c plus the triggering of
    incidents strictly before it, each spread over cells by the Gaussian sampled at cell offsets.
    """

    def __init__(
        self,
        grid: Grid | None = None,
        train_days: int = 365,
        time_cutoff_days: float = 60.0,
        space_cutoff: float = 250.0,
        iterations: int = 50,
        start_theta: float = 0.2,
        start_omega: float = 0.1,
        start_sigma: float = 100.0,
        min_sigma: float = 25.0,
    ) -> None:
        self.grid = grid
        self.train_days = train_days
        self.time_cutoff_days = time_cutoff_days
        self.space_cutoff = space_cutoff
        self.iterations = iterations
        self.start_theta = start_theta
        self.start_omega = start_omega
        self.start_sigma = start_sigma
        self.min_sigma = min_sigma

    def fit(self, events: pd.DataFrame) -> Self:
        grid = self.grid
        if grid is None:
            raise ValueError("GridSEPP needs the grid of its background rates (GridSEPP(grid=...))")
        super().fit(events)
        if self.times_.size == 0:
            raise ValueError("GridSEPP needs at least one incident to train on")
        end = pd.Timestamp(self.times_[-1]).floor("D") + pd.Timedelta(days=1)
        times, xy = self._recent(end, np.timedelta64(self.train_days, "D"))
        cell = grid.cell_index(xy[:, 0], xy[:, 1])
        on_grid = cell >= 0
        times, xy, cell = times[on_grid], xy[on_grid], cell[on_grid]
        window_start = np.datetime64(end - pd.Timedelta(days=self.train_days), "ns")
        days = (times - window_start).astype(np.float64) / DAY_NS
        used, compact = np.unique(cell, return_inverse=True)
        pairs = candidate_pairs(days, xy, self.time_cutoff_days, self.space_cutoff)
        start = Triggering(self.start_theta, self.start_omega, self.start_sigma)
        area = grid.cell_size**2
        self.triggering_, background = fit_em(
            days, compact, area, float(self.train_days), pairs, start, self.iterations, self.min_sigma
        )
        self.background_ = np.zeros(grid.n_cells)
        self.background_[used] = np.bincount(compact, weights=background) / self.train_days
        self.n_pairs_ = pairs.dt.size
        return self

    def predict_scores(self, grid: Grid, at_time: pd.Timestamp) -> np.ndarray:
        """Expected incidents per cell and day at ``at_time`` (background + triggered)."""
        if grid != self.grid:
            raise ValueError("GridSEPP scores only the grid it was trained on")
        trig = self.triggering_
        times, xy = self._recent(at_time, np.timedelta64(int(self.time_cutoff_days * DAY_NS), "ns"))
        age = (pd.Timestamp(at_time).value - times.astype(np.int64)) / DAY_NS
        weights = trig.theta * trig.omega * np.exp(-trig.omega * age)
        kernel = gaussian_cells(trig.sigma, grid.cell_size, self.space_cutoff)
        reach = kernel.shape[0] // 2
        pad = reach * grid.cell_size
        padded = Grid(grid.cell_size, grid.x0 - pad, grid.y0 - pad, grid.nx + 2 * reach, grid.ny + 2 * reach)
        raster = padded.counts(xy[:, 0], xy[:, 1], weights).reshape(padded.shape)
        # direct, not FFT: FFT round-off would make cells without any trigger differ by 1e-17
        spread = signal.convolve(raster, kernel, mode="valid", method="direct").ravel()
        return self.background_ + spread

    @property
    def theta_(self) -> float:
        return self.triggering_.theta

    @property
    def omega_(self) -> float:
        return self.triggering_.omega

    @property
    def sigma_(self) -> float:
        return self.triggering_.sigma


def gaussian_cells(sigma: float, cell_size: float, cutoff: float) -> np.ndarray:
    """Share of a Gaussian's mass falling in each cell offset within ``cutoff`` (sums to 1)."""
    reach = max(1, int(np.ceil(min(cutoff, 4 * sigma) / cell_size)))
    steps = np.arange(-reach, reach + 1) * cell_size
    dx, dy = np.meshgrid(steps, steps)
    values = np.exp(-(dx**2 + dy**2) / (2 * max(sigma, cell_size / 10) ** 2))
    return values / values.sum()
