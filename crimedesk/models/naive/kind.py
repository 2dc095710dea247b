"""The naive count grid as a kind of its own: each cell's incidents over the past year, ranked.

On 90 daily origins of Chicago 2017 no other method beat it for all crime (the point process did
for city-wide burglary only; README, Models), so it is the default a risk map starts from.
Training it runs the backtest of any grid risk kind, against the retrospective KDE and the
prospective hotspot method."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_comparison import GRID_BACKTEST
from crimedesk.models.hotspots.grid_kind import (
    flagged_cells,
    predict_next_day,
    train_on_grid,
)
from crimedesk.models.hotspots.predictors import NaiveCountGrid
from crimedesk.models.registry import Cancel, KindSpec, MapOutput, Progress, Trained, param, register


@dataclass(frozen=True)
class NaiveParams:
    cell_size: float = param(150.0, "Cell size", "Side of the grid's square cells.", "metres")
    window_days: int = param(365, "Counting window", "Days of incidents each cell's count covers.", "days")
    backtest_origins: int = param(8, "Backtest origins", "How many past days the map is scored from.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")
    coverage: float = param(
        0.05, "Area flagged", "Share of the study area flagged as high risk (0.05 = 5 %).", "share"
    )


def train_naive(
    frame: pd.DataFrame, params: NaiveParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    """``seed`` is unused: counting draws nothing at random."""

    def make(grid: Grid) -> NaiveCountGrid:
        return NaiveCountGrid(window_days=params.window_days)

    return train_on_grid("naive_count", make, frame, params, progress, cancel)


register(
    KindSpec(
        kind="naive_count",
        display_name="Naive count grid (the baseline to beat)",
        task="risk",
        description=(
            "Each cell's incidents over the past year, ranked: for all crime no method beat it with "
            "p < 0.05 in the 90-day study, so it is the default risk map."
        ),
        params=NaiveParams,
        train=train_naive,
        predict=predict_next_day,
        metrics=GRID_BACKTEST,
        smoke_params={"cell_size": 500.0, "backtest_origins": 2},
        map_output=MapOutput("flagged cells", flagged_cells("naive_count", "incidents counted")),
    )
)
