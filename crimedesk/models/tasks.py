"""crimedesk's own model kinds: how each is trained, scored against baselines and applied.

Every train function scores on held-out *later* data only and reports the baselines next to the
model with a plain verdict; the returned model is the one that was scored (classification) or is
refitted on all data after the backtest (risk, forecasts), ready for tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crimedesk.features.grid import Grid
from crimedesk.models.classify.classifier import CrimeTypeClassifier, classification_report, time_split
from crimedesk.models.evaluation.grid_backtest import backtest_metrics, rolling_backtest, summarise
from crimedesk.models.hotspots.predictors import NaiveCountGrid, ProspectiveHotspot, RetrospectiveKDE
from crimedesk.models.registry import Cancel, Progress, Trained, register_model
from crimedesk.models.risk.scorer import RiskScorer


@dataclass(frozen=True)
class CrimeTypeParams:
    target: str = "category"
    n_estimators: int = 200
    min_samples_leaf: int = 5
    min_frequency: int = 20
    test_share: float = 0.25


def _predict_type(model: CrimeTypeClassifier, frame: pd.DataFrame, params: CrimeTypeParams) -> pd.DataFrame:
    rows = frame[frame["mappable"]] if "mappable" in frame else frame
    probabilities = pd.DataFrame(model.predict_proba(rows), columns=model.classes_, index=rows.index)
    return probabilities.assign(predicted=model.predict(rows))


@register_model("crime_type_rf", task="classification", params=CrimeTypeParams, predict=_predict_type)
def crime_type_rf(
    frame: pd.DataFrame, params: CrimeTypeParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    """Random forest (calibrated) predicting the category from time, place and location type."""
    mappable = frame[frame["mappable"]]
    train, test = time_split(mappable, params.test_share)
    progress(0.1, f"training on {len(train):,} incidents")
    model = CrimeTypeClassifier(
        n_estimators=params.n_estimators,
        min_samples_leaf=params.min_samples_leaf,
        min_frequency=params.min_frequency,
        random_state=seed,
    ).fit(train, train[params.target])
    progress(0.9, "scoring the held-out months")
    return Trained(model, classification_report(model, train, test, params.target, seed))


@dataclass(frozen=True)
class RiskParams:
    cell_size: float = 150.0
    horizon_days: int = 1
    train_days: int = 120
    backtest_origins: int = 8
    origin_step_days: int = 7
    coverage: float = 0.05
    max_iter: int = 150


def _predict_risk(model: RiskScorer, frame: pd.DataFrame, params: RiskParams) -> pd.DataFrame:
    """Scores for the day after the model's last incident, highest first, flagged cells marked."""
    at = pd.Timestamp(model.times_[-1]).floor("D") + pd.Timedelta(days=1)
    scores = model.predict_scores(model.grid, at)
    x, y = model.grid.cell_centres()
    table = pd.DataFrame({"cell": np.arange(scores.size), "x": x, "y": y, "score": scores, "at": at})
    table = table[model.grid.active].sort_values(["score", "cell"], ascending=[False, True])
    return table.assign(flagged=np.arange(len(table)) < max(1, round(params.coverage * len(table))))


@register_model("risk_gb", task="risk", params=RiskParams, predict=_predict_risk)
def risk_gb(
    frame: pd.DataFrame, params: RiskParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    """Gradient-boosted cell × day risk, backtested against naive count, KDE and prospective maps."""
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
    last = events["occurred_from"].max().floor("D") + pd.Timedelta(days=1)
    step = pd.Timedelta(days=params.origin_step_days)
    first = last - pd.Timedelta(days=7) - step * (params.backtest_origins - 1)
    origins = pd.date_range(first, periods=params.backtest_origins, freq=step)
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
    return Trained(scorer.fit(events), backtest_metrics(summary, "risk_gb"))
