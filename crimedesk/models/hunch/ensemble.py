"""Rank-average ensemble of grid hotspot predictors.

Scores of different methods live on different scales (a year's count, an expected daily rate), so
each member's scores are turned into ranks over the grid's active cells (ties share their average
rank, scaled to 0–1) and the ranks averaged with the members' weights. With the naive count grid as
one member, the other mostly breaks its many ties: cells with equal counts are ordered by the
second method's view of the near future.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.predictors import HotspotPredictor


class RankEnsemble(HotspotPredictor):
    """Weighted mean of the members' ranks; inactive cells score 0."""

    def __init__(self, members: tuple[HotspotPredictor, ...] = (), weights: tuple[float, ...] = ()) -> None:
        self.members = members
        self.weights = weights

    def fit(self, events: pd.DataFrame) -> Self:
        if not self.members:
            raise ValueError("RankEnsemble needs at least one member")
        if self.weights and len(self.weights) != len(self.members):
            raise ValueError(f"{len(self.weights)} weights for {len(self.members)} members")
        super().fit(events)
        self.members_ = [clone(member).fit(events) for member in self.members]
        return self

    def remember(self, events: pd.DataFrame) -> Self:
        """Every member keeps what it learned and gets the newer incidents (see the base class)."""
        super().remember(events)
        for member in getattr(self, "members_", []):
            member.remember(events)
        return self

    def predict_scores(self, grid: Grid, at_time: pd.Timestamp) -> np.ndarray:
        weights = np.asarray(self.weights or [1.0] * len(self.members_), dtype=float)
        active = grid.active
        total = np.zeros(grid.n_cells)
        for member, weight in zip(self.members_, weights / weights.sum(), strict=True):
            ranks = stats.rankdata(member.predict_scores(grid, at_time)[active])
            total[active] += weight * ranks / max(1, ranks.size)
        return total
