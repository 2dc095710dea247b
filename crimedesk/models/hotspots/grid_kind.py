"""What the grid risk kinds share (the point process and the naive count grid): a fitted predictor
with its grid, its backtest against the baseline ladder, its scores for the day after its data and
the flagged cells it sends to the map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.features.grid import Grid
from crimedesk.mapping.overlays import ProjectedShapes, square_cells
from crimedesk.models.evaluation.grid_backtest import backtest_metrics, rolling_backtest, summarise
from crimedesk.models.experiments import get_experiment, load_experiment_model
from crimedesk.models.hotspots.predictors import (
    HotspotPredictor,
    NaiveCountGrid,
    ProspectiveHotspot,
    RetrospectiveKDE,
)
from crimedesk.models.registry import Cancel, Progress, Trained
from crimedesk.models.risk.map_cells import store_epsg
from crimedesk.models.risk.next_day import next_day_table

BASELINE_LADDER: dict[str, Callable[[], HotspotPredictor]] = {
    "naive_count": NaiveCountGrid,
    "retrospective_kde": RetrospectiveKDE,
    "prospective": ProspectiveHotspot,
}


@dataclass
class GridModel:
    """A fitted hotspot predictor and the grid (with its study area) it scores."""

    grid: Grid
    predictor: HotspotPredictor


class BacktestPlan(Protocol):
    """The parameters every grid kind has (its params dataclass is the plan)."""

    @property
    def cell_size(self) -> float: ...
    @property
    def backtest_origins(self) -> int: ...
    @property
    def origin_step_days(self) -> int: ...
    @property
    def coverage(self) -> float: ...


def train_on_grid(
    kind: str,
    make: Callable[[Grid], HotspotPredictor],
    frame: pd.DataFrame,
    plan: BacktestPlan,
    progress: Progress,
    cancel: Cancel,
) -> Trained:
    """Backtest ``make(grid)`` as ``kind`` against the ladder's other rungs on weekly origins ending a
    week before the data does, then refit it on all the data."""
    events = frame[frame["mappable"]]
    x, y = events["x"], events["y"]
    grid = Grid.from_points(x, y, plan.cell_size).masked_to_points(x, y)
    last = events["occurred_from"].max().floor("D") + pd.Timedelta(days=1)
    step = pd.Timedelta(days=plan.origin_step_days)
    first = last - pd.Timedelta(days=7) - step * (plan.backtest_origins - 1)
    origins = pd.date_range(first, periods=plan.backtest_origins, freq=step)
    methods = {kind: make(grid)} | {name: new() for name, new in BASELINE_LADDER.items() if name != kind}
    results = rolling_backtest(
        events, grid, methods, origins, (1, 7), (plan.coverage,), lambda f, m: progress(0.9 * f, m), cancel
    )
    progress(0.9, "refitting on all data")
    model = GridModel(grid, make(grid).fit(events))
    return Trained(model, backtest_metrics(summarise(results), kind, results))


def predict_next_day(model: GridModel, frame: pd.DataFrame, params: BacktestPlan) -> pd.DataFrame:
    """A grid kind's ``predict``: the flagged cells for the day after its data (``frame`` unused)."""
    return next_day(model, params.coverage)


def next_day(model: GridModel, coverage: float) -> pd.DataFrame:
    """Scores of the active cells for the day after the model's data, the top ``coverage`` flagged."""
    return next_day_table(model.grid, model.predictor, coverage)


def flagged_cells(kind: str, score_words: str) -> Callable[[Engine, int], ProjectedShapes]:
    """The map output of ``kind``: the cells it flags for the day after its data, coloured by
    score and labelled "<score> <score_words> on <day>"."""

    def compute(engine: Engine, experiment_id: int) -> ProjectedShapes:
        exp = get_experiment(engine, experiment_id)
        if exp.model_kind != kind:
            raise CrimedeskError(f"experiment {experiment_id} is a {exp.model_kind} model, not {kind}")
        model = load_experiment_model(exp)
        flagged = next_day(model, exp.params["coverage"]).query("flagged")
        day = f"{flagged['at'].iloc[0]:%Y-%m-%d}" if len(flagged) else ""
        scores = flagged["score"].to_numpy(float)
        half = model.grid.cell_size / 2
        squares = square_cells(flagged["x"].to_numpy(float), flagged["y"].to_numpy(float), half)
        labels = [f"{s:.3g} {score_words} on {day}" for s in scores]
        return ProjectedShapes(squares, scores, labels, store_epsg(engine), f"{score_words}, {day}")

    return compute
