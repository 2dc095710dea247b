"""Gradient-boosted cell × day risk on HunchLab-style features, its cell size chosen on PAI.

Training rows are (active cell, day) for every ``day_step``-th day of the ``train_days`` before the
data's end (a step of 3 is prime to the week, so every weekday is seen), the features of
:mod:`crimedesk.models.hunch.features` and the target the cell's incidents over the next
``horizon_days``. Cells with no incident then are most rows; a ``zero_share`` of them are kept at
weight 1/``zero_share`` (unbiased for the Poisson loss), which bounds a city's training set to a
few hundred thousand rows: fit in seconds and well under 2 GB, whatever the city.

The model may learn on cells coarser than the grid it scores: ``cell_factors`` are the candidate
multiples of the grid's cell side (what the NIJ 2017 winners tuned). With more than one, each
candidate is fitted on the training days before the last ``validation_days`` and scored by PAI at
``coverage`` on the grid's cells on every ``day_step``-th day of those, the study area being the
cells with an incident before each day; the best mean PAI wins and is refitted on all training
days. A grid cell's score is its coarse cell's. All of this reads the incidents given to ``fit``
alone, so in a backtest it is chosen on the period before each origin.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.metrics import pai
from crimedesk.models.hotspots.predictors import HotspotPredictor
from crimedesk.models.hunch.features import (
    DAY,
    HISTORY_DAYS,
    Incidents,
    calendar_rows,
    day_features,
    place_incidents,
)


class HunchScorer(HotspotPredictor):
    """Expected incidents per cell over the next ``horizon_days``; scores ``grid``'s active cells."""

    def __init__(
        self,
        grid: Grid | None = None,
        cell_factors: tuple[int, ...] = (1, 2),
        train_days: int = 360,
        day_step: int = 3,
        horizon_days: int = 1,
        zero_share: float = 0.05,
        validation_days: int = 30,
        coverage: float = 0.05,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        random_state: int = 0,
    ) -> None:
        self.grid = grid
        self.cell_factors = cell_factors
        self.train_days = train_days
        self.day_step = day_step
        self.horizon_days = horizon_days
        self.zero_share = zero_share
        self.validation_days = validation_days
        self.coverage = coverage
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def remember(self, events: pd.DataFrame) -> Self:
        """The incidents, with their window ends when the frame has ``occurred_to`` (aoristic hours)."""
        super().remember(events)
        ordered = events.sort_values("occurred_from", kind="stable")
        has_ends = "occurred_to" in ordered
        self.ends_ = ordered["occurred_to"].to_numpy("datetime64[ns]") if has_ends else None
        return self

    def fit(self, events: pd.DataFrame) -> Self:
        grid = self.grid
        if grid is None:
            raise ValueError("HunchScorer needs the grid it will score (HunchScorer(grid=...))")
        self.remember(events)
        if self.times_.size == 0:
            raise ValueError("HunchScorer needs at least one incident to train on")
        end = np.datetime64(pd.Timestamp(self.times_[-1]).floor("D"), "ns") + DAY
        last = end - self.horizon_days * DAY
        days = last - np.arange(0, self.train_days, self.day_step)[::-1] * DAY
        self.cv_pai_: dict[int, float] = {}
        if len(self.cell_factors) > 1:
            cut = last - (self.validation_days - 1) * DAY
            learn, check = days[days + self.horizon_days * DAY <= cut], days[days >= cut]
            for factor in self.cell_factors:
                model = self._train(factor, learn)
                self.cv_pai_[factor] = self._validation_pai(factor, model, check)
            scored = {f: p for f, p in self.cv_pai_.items() if np.isfinite(p)}
            self.cell_factor_ = max(scored, key=scored.__getitem__) if scored else self.cell_factors[0]
        else:
            self.cell_factor_ = self.cell_factors[0]
        self.model_ = self._train(self.cell_factor_, days)
        return self

    def predict_scores(self, grid: Grid, at_time: pd.Timestamp) -> np.ndarray:
        """Predicted incidents per cell for ``[at_time, at_time + horizon_days)``."""
        if grid != self.grid:
            raise ValueError("HunchScorer scores only the grid it was trained on")
        return self._scores(self.cell_factor_, self.model_, np.datetime64(pd.Timestamp(at_time), "ns"))

    def _train(self, factor: int, days: np.ndarray) -> HistGradientBoostingRegressor:
        coarse, _ = self._coarse(factor)
        placed = place_incidents(coarse, self.times_, self.xy_, self.ends_)
        cells = coarse.active_cells
        calendar = calendar_rows(pd.DatetimeIndex(days))
        rng = np.random.default_rng([self.random_state, factor])
        parts_x, parts_y, parts_w = [], [], []
        for day, row in zip(days, calendar, strict=True):
            target = _counts(placed, coarse, day, self.horizon_days)[cells]
            keep = (target > 0) | (rng.random(cells.size) < self.zero_share)
            parts_x.append(day_features(placed, coarse, cells[keep], day, row))
            parts_y.append(target[keep])
            parts_w.append(np.where(target[keep] > 0, 1.0, 1.0 / self.zero_share))
        model = HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            min_samples_leaf=50,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.random_state,
        )
        return model.fit(
            np.concatenate(parts_x), np.concatenate(parts_y), sample_weight=np.concatenate(parts_w)
        )

    def _validation_pai(self, factor: int, model: HistGradientBoostingRegressor, days: np.ndarray) -> float:
        """Mean PAI at ``coverage`` over ``days`` on the scored grid (NaN when no day had incidents)."""
        grid = self.grid
        assert grid is not None
        placed = place_incidents(grid, self.times_, self.xy_, None)
        values = []
        for day in days:
            seen = placed.cells[: np.searchsorted(placed.times, day, side="left")]
            area = grid.active & (np.bincount(seen[seen >= 0], minlength=grid.n_cells) > 0)
            actual = _counts(placed, grid, day, self.horizon_days)
            scores = self._scores(factor, model, day)
            values.append(pai(scores[area], actual[area], self.coverage, total=actual[grid.active].sum()))
        return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")

    def _scores(self, factor: int, model: HistGradientBoostingRegressor, day: np.datetime64) -> np.ndarray:
        grid = self.grid
        assert grid is not None
        coarse, owner = self._coarse(factor)
        part = slice(*np.searchsorted(self.times_, [day - HISTORY_DAYS * DAY, day], side="left"))
        ends = None if self.ends_ is None else self.ends_[part]
        placed = place_incidents(coarse, self.times_[part], self.xy_[part], ends)
        cells = coarse.active_cells
        calendar = calendar_rows(pd.DatetimeIndex([day]))[0]
        coarse_scores = np.zeros(coarse.n_cells)
        coarse_scores[cells] = model.predict(day_features(placed, coarse, cells, day, calendar))
        return np.where(grid.active, coarse_scores[owner], 0.0)

    def _coarse(self, factor: int) -> tuple[Grid, np.ndarray]:
        """The grid of ``factor``-times larger cells aligned on the scored grid, and each scored
        cell's coarse cell."""
        grid = self.grid
        assert grid is not None
        nx, ny = -(-grid.nx // factor), -(-grid.ny // factor)
        index = np.arange(grid.n_cells)
        owner = (index // grid.nx // factor) * nx + (index % grid.nx) // factor
        active = np.bincount(owner[grid.active], minlength=nx * ny) > 0
        return Grid(grid.cell_size * factor, grid.x0, grid.y0, nx, ny, active), owner


def _counts(placed: Incidents, grid: Grid, day: np.datetime64, horizon_days: int) -> np.ndarray:
    """Incidents per cell in ``[day, day + horizon_days)``."""
    part = slice(*np.searchsorted(placed.times, [day, day + horizon_days * DAY], side="left"))
    cells = placed.cells[part]
    return np.bincount(cells[cells >= 0], minlength=grid.n_cells).astype(float)
