"""Risk scoring: gradient boosting over grid cell × day, the HunchLab recipe (REFERENCES §1.7).

Each training example is one (active cell, day): features are the cell's counts over the previous
1/7/28/56 days, the same windows summed over its neighbourhood (a box "KDE"), its position and the
calendar of the day; the target is the number of incidents in the next ``horizon_days``. A Poisson
HistGradientBoosting model learns the mapping; ``predict_scores`` builds the same features at the
prediction time from incidents strictly before it, so the scorer plugs into ``rolling_backtest``
and is judged by hit rate / PAI / PEI* next to the naive count, KDE and prospective baselines.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from crimedesk.features.grid import Grid, counts_per_period
from crimedesk.features.lags import neighbour_sums, window_sums
from crimedesk.features.temporal import calendar_features
from crimedesk.models.hotspots.predictors import HotspotPredictor

DAY = pd.Timedelta(days=1)


class RiskScorer(HotspotPredictor):
    """Expected incidents per cell over the next ``horizon_days``; learns on ``grid``'s active cells."""

    def __init__(
        self,
        grid: Grid | None = None,
        windows: tuple[int, ...] = (1, 7, 28, 56),
        neighbour_radius: int = 2,
        train_days: int = 120,
        horizon_days: int = 1,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        random_state: int = 0,
    ) -> None:
        self.grid = grid
        self.windows = windows
        self.neighbour_radius = neighbour_radius
        self.train_days = train_days
        self.horizon_days = horizon_days
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def fit(self, events: pd.DataFrame) -> Self:
        """Remember the incidents and train on the last ``train_days`` days that have a full target."""
        grid = self.grid
        if grid is None:
            raise ValueError("RiskScorer needs the grid it will score (RiskScorer(grid=...))")
        super().fit(events)
        if self.times_.size == 0:
            raise ValueError("RiskScorer needs at least one incident to train on")
        end = pd.Timestamp(self.times_[-1]).floor("D") + DAY
        history = max(self.windows)
        n_days = history + self.train_days + self.horizon_days - 1
        start = end - n_days * DAY
        table = counts_per_period(grid, events, start, DAY, n_days)
        days = np.arange(history, n_days - self.horizon_days + 1)
        active = grid.active_cells
        features = self._features(table, days, start, grid, active)
        target = np.stack([table[d : d + self.horizon_days, active].sum(axis=0) for d in days])
        self.model_ = HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            early_stopping=False,
            random_state=self.random_state,
        ).fit(features.reshape(-1, features.shape[-1]), target.ravel())
        self.n_training_rows_ = days.size * active.size
        return self

    def predict_scores(self, grid: Grid, at_time: pd.Timestamp) -> np.ndarray:
        """Predicted incident counts per cell for ``[at_time, at_time + horizon_days)``."""
        if grid != self.grid:
            raise ValueError("RiskScorer scores only the grid it was trained on")
        history = max(self.windows)
        times, xy = self._recent(at_time, np.timedelta64(history + 1, "D"))
        recent = pd.DataFrame({"occurred_from": times, "x": xy[:, 0], "y": xy[:, 1]})
        start = pd.Timestamp(at_time) - history * DAY
        table = counts_per_period(grid, recent, start, DAY, history + 1)
        features = self._features(table, np.array([history]), start, grid)[0]
        return self.model_.predict(features)

    def _features(
        self,
        table: np.ndarray,
        days: np.ndarray,
        start: pd.Timestamp,
        grid: Grid,
        cells: np.ndarray | None = None,
    ) -> np.ndarray:
        """(len(days), len(cells), features): own and neighbourhood window sums, position, calendar.

        Only ``cells`` (default all) are built: a training set holds the active cells alone, and a
        city's grid has many inactive ones, so the whole grid's features are never held at once."""
        chosen = np.arange(grid.n_cells) if cells is None else cells
        k = len(self.windows)
        calendar = calendar_features(pd.DatetimeIndex(start + days * DAY)).drop(
            columns=["hour", "hour_sin", "hour_cos"]
        )
        out = np.empty((days.size, chosen.size, 2 * k + 2 + calendar.shape[1]))
        window_sums(table[:, chosen], self.windows, days, out=out[..., :k])
        near = neighbour_sums(table, grid, self.neighbour_radius)[:, chosen]
        window_sums(near, self.windows, days, out=out[..., k : 2 * k])
        del near
        out[..., 2 * k] = chosen % grid.nx  # column
        out[..., 2 * k + 1] = chosen // grid.nx  # row
        out[..., 2 * k + 2 :] = calendar.to_numpy(float)[:, None, :]
        return out
