"""The HunchLab-style scorer and the rank ensemble on the rolling harness, on real incidents."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_backtest import rolling_backtest, summarise
from crimedesk.models.hotspots.predictors import NaiveCountGrid, RandomBaseline
from crimedesk.models.hunch.ensemble import RankEnsemble
from crimedesk.models.hunch.scorer import HunchScorer
from crimedesk.models.persistence import load_model, save_model
from tests.models.chicago_frame import district_slice

AT = pd.Timestamp("2016-11-15")


@pytest.fixture(scope="module")
def events(chicago_frame):
    return district_slice(chicago_frame, ["011"], "2016-01-01", "2016-12-01")


@pytest.fixture(scope="module")
def grid(events):
    return Grid.from_points(events["x"], events["y"], 250.0).masked_to_points(events["x"], events["y"])


@pytest.fixture(scope="module")
def fitted(events, grid):
    small = HunchScorer(grid=grid, cell_factors=(1, 2), train_days=120, max_iter=40, random_state=1)
    return small.fit(events[events["occurred_from"] < AT])


def test_cell_size_is_chosen_by_pai_on_the_training_period(fitted):
    assert set(fitted.cv_pai_) == {1, 2} and all(np.isfinite(list(fitted.cv_pai_.values())))
    assert fitted.cell_factor_ == max(fitted.cv_pai_, key=fitted.cv_pai_.__getitem__)


def test_coarse_cells_give_their_score_to_every_cell_inside(events, grid):
    coarse = HunchScorer(grid=grid, cell_factors=(2,), train_days=60, max_iter=20)
    scores = coarse.fit(events[events["occurred_from"] < AT]).predict_scores(grid, AT)
    col, row = np.arange(grid.n_cells) % grid.nx, np.arange(grid.n_cells) // grid.nx
    block = (row // 2) * grid.nx + col // 2
    for b in np.unique(block[grid.active])[:50]:
        inside = (block == b) & grid.active
        assert np.unique(scores[inside]).size == 1
    assert (scores[~grid.active] == 0).all()


def test_scores_ignore_incidents_at_or_after_the_prediction_time(fitted, events, grid, tmp_path):
    before = fitted.predict_scores(grid, AT)
    assert before.shape == (grid.n_cells,) and (before >= 0).all() and before.max() > 0
    with_future = copy.copy(fitted).remember(events)  # the same learned model, now given the future too
    np.testing.assert_array_equal(with_future.predict_scores(grid, AT), before)
    loaded = load_model(save_model(fitted, tmp_path / "hunch"))
    np.testing.assert_array_equal(loaded.predict_scores(grid, AT), before)


def test_scorer_refuses_another_grid(fitted, events):
    with pytest.raises(ValueError, match="grid"):
        fitted.predict_scores(Grid.from_points(events["x"], events["y"], 500.0), AT)


def test_runs_on_the_rolling_harness_and_beats_a_random_map(events, grid):
    methods = {
        "hunch": HunchScorer(grid=grid, cell_factors=(1,), train_days=90, max_iter=40),
        "ensemble": RankEnsemble((NaiveCountGrid(), RandomBaseline())),
    }
    origins = pd.date_range("2016-11-01", periods=3, freq="7D")
    summary = summarise(rolling_backtest(events, grid, methods, origins, (7,), (0.05,)))
    assert (summary["origins"] == 3).all() and (summary["pai"] > 1).all()


def test_rank_ensemble_averages_ranks_over_the_active_cells(events, grid):
    history = events[events["occurred_from"] < AT]
    naive, random = NaiveCountGrid().fit(history), RandomBaseline().fit(history)
    active = grid.active
    naive_ranks = stats.rankdata(naive.predict_scores(grid, AT)[active]) / active.sum()
    random_ranks = stats.rankdata(random.predict_scores(grid, AT)[active]) / active.sum()
    both = RankEnsemble((NaiveCountGrid(), RandomBaseline()), (3.0, 1.0)).fit(history)
    scores = both.predict_scores(grid, AT)
    np.testing.assert_allclose(scores[active], 0.75 * naive_ranks + 0.25 * random_ranks)
    assert (scores[~active] == 0).all()
