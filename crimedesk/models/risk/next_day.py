"""A fitted risk scorer applied to the day after its data: what the risk kind predicts and maps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.predictors import HotspotPredictor
from crimedesk.models.risk.scorer import RiskScorer


def next_day_scores(model: RiskScorer, coverage: float) -> pd.DataFrame:
    """Scores of the active cells, highest first; the top ``coverage`` share of them ``flagged``."""
    grid = model.grid
    if grid is None:
        raise ValueError("the risk scorer has no grid: it was never fitted")
    return next_day_table(grid, model, coverage)


def next_day_table(grid: Grid, scorer: HotspotPredictor | RiskScorer, coverage: float) -> pd.DataFrame:
    """``scorer``'s scores of ``grid``'s active cells for the day after its data, highest first (ties
    by cell index), the top ``coverage`` share of them ``flagged``."""
    at = pd.Timestamp(scorer.times_[-1]).floor("D") + pd.Timedelta(days=1)
    scores = scorer.predict_scores(grid, at)
    x, y = grid.cell_centres()
    table = pd.DataFrame({"cell": np.arange(scores.size), "x": x, "y": y, "score": scores, "at": at})
    table = table[grid.active].sort_values(["score", "cell"], ascending=[False, True])
    return table.assign(flagged=np.arange(len(table)) < max(1, round(coverage * len(table))))
