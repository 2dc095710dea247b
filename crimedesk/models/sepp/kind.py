"""The self-exciting point process kind (Mohler et al. 2015, :mod:`crimedesk.models.hotspots.sepp`),
backtested against the naive count grid, the retrospective KDE and the prospective hotspot method,
then refitted on all data; it maps the cells it flags for the day after its data."""

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
from crimedesk.models.hotspots.sepp import GridSEPP
from crimedesk.models.registry import Cancel, KindSpec, MapOutput, Progress, Trained, param, register


@dataclass(frozen=True)
class SeppParams:
    cell_size: float = param(150.0, "Cell size", "Side of the grid's square cells.", "metres")
    train_days: int = param(365, "Training window", "Days of history each fit learns from.", "days")
    backtest_origins: int = param(8, "Backtest origins", "How many past days the model is scored from.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")
    coverage: float = param(
        0.05, "Area flagged", "Share of the study area flagged as high risk (0.05 = 5 %).", "share"
    )
    time_cutoff_days: float = param(
        60.0, "Triggering reach in time", "Longest gap at which one incident can trigger another.", "days"
    )
    space_cutoff: float = param(
        250.0,
        "Triggering reach in space",
        "Longest distance at which one incident can trigger another.",
        "metres",
    )
    iterations: int = param(50, "EM iterations", "Most expectation-maximisation steps of a fit.")


def train_sepp(
    frame: pd.DataFrame, params: SeppParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    """``seed`` is unused: EM starts from fixed values and draws nothing at random."""

    def make(grid: Grid) -> GridSEPP:
        return GridSEPP(
            grid=grid,
            train_days=params.train_days,
            time_cutoff_days=params.time_cutoff_days,
            space_cutoff=params.space_cutoff,
            iterations=params.iterations,
        )

    return train_on_grid("sepp", make, frame, params, progress, cancel)


register(
    KindSpec(
        kind="sepp",
        display_name="Self-exciting point process (Mohler 2015)",
        task="risk",
        description=(
            "Per-cell background plus near-repeat triggering fitted by EM, backtested against "
            "naive count, KDE and prospective maps."
        ),
        params=SeppParams,
        train=train_sepp,
        predict=predict_next_day,
        metrics=GRID_BACKTEST,
        smoke_params={"cell_size": 500.0, "backtest_origins": 2, "train_days": 56, "iterations": 10},
        map_output=MapOutput("flagged cells", flagged_cells("sepp", "incidents a day expected")),
    )
)
