"""The risk kind: gradient-boosted cell × day risk, backtested on rolling origins against the naive
count grid, the retrospective KDE and the prospective hotspot method, then refitted on all data
(ready for tomorrow). It sends the cells it flags for the day after its data to the map."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_backtest import backtest_metrics, rolling_backtest, summarise
from crimedesk.models.evaluation.grid_comparison import GRID_BACKTEST
from crimedesk.models.hotspots.predictors import NaiveCountGrid, ProspectiveHotspot, RetrospectiveKDE
from crimedesk.models.registry import Cancel, KindSpec, MapOutput, Progress, Trained, param, register
from crimedesk.models.risk.map_cells import risk_cells
from crimedesk.models.risk.next_day import next_day_scores
from crimedesk.models.risk.scorer import RiskScorer


@dataclass(frozen=True)
class RiskParams:
    cell_size: float = param(150.0, "Cell size", "Side of the grid's square cells.", "metres")
    horizon_days: int = param(1, "Horizon", "The model learns the incidents of this many days ahead.", "days")
    train_days: int = param(120, "Training window", "Days of history each fit learns from.", "days")
    backtest_origins: int = param(8, "Backtest origins", "How many past days the model is scored from.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")
    coverage: float = param(
        0.05, "Area flagged", "Share of the study area flagged as high risk (0.05 = 5 %).", "share"
    )
    max_iter: int = param(150, "Boosting rounds", "Trees the gradient boosting adds: more fit closer.")


def predict_risk(model: RiskScorer, frame: pd.DataFrame, params: RiskParams) -> pd.DataFrame:
    """Scores for the day after the model's last incident, highest first, flagged cells marked."""
    return next_day_scores(model, params.coverage)


def scored_origins(times: pd.Series, count: int, step_days: int) -> pd.DatetimeIndex:
    """Up to ``count`` backtest origins, ``step_days`` apart or more, the last a week before the data's
    end, each moved back to the latest day holding an incident.

    An origin is the start of the day it scores; a day without incidents has no PAI (NaN), and a
    backtest of such origins only has nothing to compare (a sparse sample, one origin). Moving back
    to a day with incidents is skipping the origins that would score NaN anyway: on a city's data,
    where every day has incidents, the origins are the plain ``step_days`` ladder.
    """
    days = np.unique(times.dt.floor("D").to_numpy("datetime64[ns]"))
    target = days[-1] - np.timedelta64(6, "D")  # a week before the day after the last incident
    chosen: list[np.datetime64] = []
    while len(chosen) < count and (at := np.searchsorted(days, target, side="right") - 1) >= 0:
        chosen.insert(0, days[at])
        target = days[at] - np.timedelta64(step_days, "D")
    if not chosen:
        raise ValueError("no day with incidents a week before the data's end: nothing to backtest")
    return pd.DatetimeIndex(chosen)


def train_risk(
    frame: pd.DataFrame, params: RiskParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    events = frame[frame["mappable"]]
    x, y = events["x"], events["y"]
    grid = Grid.from_points(x, y, params.cell_size).masked_to_points(x, y)
    scorer = RiskScorer(
        grid=grid,
        train_days=params.train_days,
        horizon_days=params.horizon_days,
        max_iter=params.max_iter,
        random_state=seed,
    )
    origins = scored_origins(events["occurred_from"], params.backtest_origins, params.origin_step_days)
    methods = {
        "risk_gb": scorer,
        "naive_count": NaiveCountGrid(),
        "retrospective_kde": RetrospectiveKDE(),
        "prospective": ProspectiveHotspot(),
    }
    results = rolling_backtest(
        events, grid, methods, origins, (1, 7), (params.coverage,), lambda f, m: progress(0.9 * f, m), cancel
    )
    summary = summarise(results)
    progress(0.9, "refitting on all data")
    return Trained(scorer.fit(events), backtest_metrics(summary, "risk_gb", results))


register(
    KindSpec(
        kind="risk_gb",
        display_name="Risk score (gradient boosting)",
        task="risk",
        description=(
            "Gradient-boosted cell × day risk, backtested against naive count, KDE and prospective maps."
        ),
        params=RiskParams,
        train=train_risk,
        predict=predict_risk,
        metrics=GRID_BACKTEST,
        smoke_params={"cell_size": 500.0, "backtest_origins": 2, "max_iter": 30},
        map_output=MapOutput("flagged cells", risk_cells),
    )
)
