"""Two grid risk kinds: gradient boosting on HunchLab-style features (``risk_hunch``) and a
rank-average ensemble of two grid methods (``risk_ensemble``). Both are backtested against the
naive count grid, the retrospective KDE and the prospective hotspot method, refitted on all data,
and map the cells they flag for the day after their data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_comparison import GRID_BACKTEST
from crimedesk.models.hotspots.grid_kind import flagged_cells, predict_next_day, train_on_grid
from crimedesk.models.hotspots.predictors import HotspotPredictor, NaiveCountGrid
from crimedesk.models.hotspots.sepp import GridSEPP
from crimedesk.models.hunch.ensemble import RankEnsemble
from crimedesk.models.hunch.scorer import HunchScorer
from crimedesk.models.registry import Cancel, KindSpec, MapOutput, Progress, Trained, param, register


@dataclass(frozen=True)
class HunchParams:
    cell_size: float = param(150.0, "Cell size", "Side of the grid's square cells the map flags.", "metres")
    cell_factors: tuple = param(
        (1, 2),
        "Learning cell sizes",
        "Multiples of the cell size the model may learn on; the best PAI on the last month decides.",
    )
    train_days: int = param(360, "Training window", "Days of history each fit learns from.", "days")
    backtest_origins: int = param(8, "Backtest origins", "How many past days the model is scored from.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")
    coverage: float = param(
        0.05, "Area flagged", "Share of the study area flagged as high risk (0.05 = 5 %).", "share"
    )
    max_iter: int = param(200, "Boosting rounds", "Trees the gradient boosting adds: more fit closer.")


def train_hunch(
    frame: pd.DataFrame, params: HunchParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    def make(grid: Grid) -> HunchScorer:
        return HunchScorer(
            grid=grid,
            cell_factors=tuple(params.cell_factors),
            train_days=params.train_days,
            coverage=params.coverage,
            max_iter=params.max_iter,
            random_state=seed,
        )

    return train_on_grid("risk_hunch", make, frame, params, progress, cancel)


MEMBERS: dict[str, Callable[[Grid, int], tuple[HotspotPredictor, ...]]] = {
    "risk_hunch+naive_count": lambda grid, seed: (
        HunchScorer(grid=grid, random_state=seed),
        NaiveCountGrid(),
    ),
    "sepp+naive_count": lambda grid, seed: (GridSEPP(grid=grid), NaiveCountGrid()),
    "risk_hunch+sepp": lambda grid, seed: (HunchScorer(grid=grid, random_state=seed), GridSEPP(grid=grid)),
}


@dataclass(frozen=True)
class EnsembleParams:
    members: str = param(
        "risk_hunch+naive_count",
        "Members",
        "The two methods whose ranks are averaged.",
        choices=tuple(MEMBERS),
    )
    cell_size: float = param(150.0, "Cell size", "Side of the grid's square cells.", "metres")
    backtest_origins: int = param(8, "Backtest origins", "How many past days the model is scored from.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")
    coverage: float = param(
        0.05, "Area flagged", "Share of the study area flagged as high risk (0.05 = 5 %).", "share"
    )


def train_ensemble(
    frame: pd.DataFrame, params: EnsembleParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    def make(grid: Grid) -> RankEnsemble:
        return RankEnsemble(MEMBERS[params.members](grid, seed))

    return train_on_grid("risk_ensemble", make, frame, params, progress, cancel)


register(
    KindSpec(
        kind="risk_hunch",
        display_name="Risk score (HunchLab-style features)",
        task="risk",
        description=(
            "Gradient boosting on 7–364-day counts, kernel densities, near-repeat, hour-profile and "
            "calendar features, its cell size chosen on PAI; backtested against the naive count grid."
        ),
        params=HunchParams,
        train=train_hunch,
        predict=predict_next_day,
        metrics=GRID_BACKTEST,
        smoke_params={"cell_size": 500.0, "backtest_origins": 2, "train_days": 60, "max_iter": 30},
        map_output=MapOutput("flagged cells", flagged_cells("risk_hunch", "incidents a day expected")),
    )
)

register(
    KindSpec(
        kind="risk_ensemble",
        display_name="Rank-average ensemble of two methods",
        task="risk",
        description=(
            "The average of two methods' cell rankings (by default risk_hunch and the naive count "
            "grid, which beat the naive grid city-wide in the 90-day study), backtested against it."
        ),
        params=EnsembleParams,
        train=train_ensemble,
        predict=predict_next_day,
        metrics=GRID_BACKTEST,
        smoke_params={"cell_size": 500.0, "backtest_origins": 2},
        map_output=MapOutput("flagged cells", flagged_cells("risk_ensemble", "mean rank")),
    )
)
