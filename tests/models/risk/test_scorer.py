import copy

import numpy as np
import pandas as pd
import pytest

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_backtest import rolling_backtest, summarise
from crimedesk.models.hotspots.predictors import NaiveCountGrid
from crimedesk.models.persistence import load_model, save_model
from crimedesk.models.risk.scorer import RiskScorer
from tests.models.chicago_frame import district_slice


@pytest.fixture(scope="module")
def events(chicago_frame):
    return district_slice(chicago_frame, ["011"], "2016-01-01", "2016-06-01")


@pytest.fixture(scope="module")
def grid(events):
    return Grid.from_points(events["x"], events["y"], 300.0).masked_to_points(events["x"], events["y"])


def test_risk_scorer_runs_on_the_rolling_harness(events, grid):
    methods = {
        "risk": RiskScorer(grid=grid, windows=(1, 7, 28), train_days=40, max_iter=40),
        "naive": NaiveCountGrid(),
    }
    origins = pd.date_range("2016-05-10", periods=2, freq="7D")
    summary = summarise(rolling_backtest(events, grid, methods, origins, coverages=(0.05,)))
    risk = summary[(summary["method"] == "risk") & (summary["horizon_days"] == 1)].iloc[0]
    assert risk["origins"] == 2 and risk["pai"] > 1  # better than a random map
    assert set(summary["method"]) == {"risk", "naive"}


def test_scores_ignore_incidents_at_or_after_the_prediction_time(events, grid, tmp_path):
    at = pd.Timestamp("2016-05-20")
    model = RiskScorer(grid=grid, train_days=30, max_iter=30, random_state=1).fit(events)
    before = model.predict_scores(grid, at)
    assert before.shape == (grid.n_cells,) and (before >= 0).all()
    past_only = copy.copy(model)  # the same fitted model, with every incident from `at` on removed
    keep = model.times_ < np.datetime64(at)
    past_only.times_, past_only.xy_ = model.times_[keep], model.xy_[keep]
    np.testing.assert_array_equal(past_only.predict_scores(grid, at), before)
    loaded = load_model(save_model(model, tmp_path / "risk"))
    np.testing.assert_array_equal(loaded.predict_scores(grid, at), before)
    again = RiskScorer(grid=grid, train_days=30, max_iter=30, random_state=1).fit(events)
    np.testing.assert_array_equal(again.predict_scores(grid, at), before)


def test_risk_scorer_refuses_another_grid(events, grid):
    model = RiskScorer(grid=grid, train_days=30, max_iter=10).fit(events)
    with pytest.raises(ValueError, match="grid"):
        model.predict_scores(Grid.from_points(events["x"], events["y"], 500.0), pd.Timestamp("2016-05-20"))
    with pytest.raises(ValueError, match="grid"):
        RiskScorer().fit(events)
