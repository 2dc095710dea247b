"""Rolling-origin backtest on six months of real district 011 incidents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crimedesk.domain.errors import ImportCancelled
from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_backtest import rolling_backtest, study_area, summarise
from crimedesk.models.evaluation.metrics import pai
from crimedesk.models.hotspots.predictors import (
    NaiveCountGrid,
    ProspectiveHotspot,
    RandomBaseline,
    RetrospectiveKDE,
)
from crimedesk.models.hotspots.sepp import GridSEPP

FIRST_ORIGIN = pd.Timestamp("2016-06-01")
ORIGINS = pd.date_range(FIRST_ORIGIN, periods=14, freq="D")
METHODS = {
    "random": RandomBaseline(random_state=7),
    "naive": NaiveCountGrid(window_days=56),
    "kde": RetrospectiveKDE(bandwidth=400.0, window_days=56),
    "prospective": ProspectiveHotspot(bandwidth=400.0, weeks=8),
}


@pytest.fixture(scope="module")
def grid(district_11_h1: pd.DataFrame) -> Grid:
    """150 m cells; the study area is every cell with an incident before the first origin."""
    train = district_11_h1[district_11_h1["occurred_from"] < FIRST_ORIGIN]
    whole = Grid.from_points(district_11_h1["x"].to_numpy(), district_11_h1["y"].to_numpy(), 150.0)
    return whole.masked_to_points(train["x"].to_numpy(), train["y"].to_numpy())


@pytest.fixture(scope="module")
def results(district_11_h1: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    return rolling_backtest(district_11_h1, grid, METHODS, ORIGINS)


def test_one_row_per_method_origin_horizon_coverage(results: pd.DataFrame) -> None:
    assert len(results) == 4 * 14 * 2 * 3
    assert list(results.columns) == [
        "method",
        "origin",
        "horizon_days",
        "coverage",
        "hit_rate",
        "pai",
        "pei_star",
    ]
    assert results[["hit_rate", "pei_star"]].stack().between(0, 1).all()


def test_kde_and_prospective_beat_uniform_random(results: pd.DataFrame) -> None:
    at_5 = summarise(results).query("coverage == 0.05").set_index(["method", "horizon_days"])
    for horizon in (1, 7):
        random_pai = at_5.loc[("random", horizon), "pai"]
        for method in ("kde", "prospective", "naive"):
            assert at_5.loc[(method, horizon), "pai"] > max(1.5, random_pai)
    assert (at_5["origins"] == 14).all()


def test_deterministic_and_never_peeks(
    district_11_h1: pd.DataFrame, grid: Grid, results: pd.DataFrame
) -> None:
    # Dropping everything after the last scored week must not change a single figure.
    horizon_end = ORIGINS[-1] + pd.Timedelta(days=7)
    truncated = district_11_h1[district_11_h1["occurred_from"] < horizon_end]
    again = rolling_backtest(truncated, grid, METHODS, ORIGINS)
    pd.testing.assert_frame_equal(again, results)


def test_progress_and_cancel(district_11_h1: pd.DataFrame, grid: Grid) -> None:
    seen: list[float] = []
    rolling_backtest(
        district_11_h1, grid, {"naive": NaiveCountGrid()}, ORIGINS[:3], progress=lambda f, _: seen.append(f)
    )
    assert np.allclose(seen, [0, 1 / 3, 2 / 3, 1])
    calls = iter([False, True])
    with pytest.raises(ImportCancelled):
        rolling_backtest(
            district_11_h1, grid, {"naive": NaiveCountGrid()}, ORIGINS, cancel=lambda: next(calls)
        )


def test_no_test_period_incident_enlarges_the_study_area(district_11_h1: pd.DataFrame) -> None:
    whole = Grid.from_points(district_11_h1["x"].to_numpy(), district_11_h1["y"].to_numpy(), 150.0)
    before = district_11_h1[district_11_h1["occurred_from"] < FIRST_ORIGIN]
    area = study_area(before, whole)
    empty = int(np.flatnonzero(~area)[0])  # a cell with no incident before the first origin
    x, y = whole.cell_centres()
    extra = district_11_h1.iloc[[0]].assign(
        occurred_from=FIRST_ORIGIN + pd.Timedelta(hours=3), x=x[empty], y=y[empty]
    )
    with_extra = pd.concat([district_11_h1, extra], ignore_index=True)
    naive = {"naive": NaiveCountGrid(window_days=56)}
    plain = rolling_backtest(district_11_h1, whole, naive, ORIGINS[:1], (1,), (0.05,)).iloc[0]
    added = rolling_backtest(with_extra, whole, naive, ORIGINS[:1], (1,), (0.05,)).iloc[0]
    # the extra incident counts in N (one more crime, none more captured) but A stays the same
    assert plain["hit_rate"] * _next_day_count(district_11_h1) == pytest.approx(
        added["hit_rate"] * _next_day_count(with_extra)
    )
    assert plain["hit_rate"] / plain["pai"] == pytest.approx(added["hit_rate"] / added["pai"])
    assert study_area(before, whole).sum() == area.sum()


def _next_day_count(events: pd.DataFrame) -> int:
    """Incidents of the first origin's next day."""
    day = (events["occurred_from"] >= FIRST_ORIGIN) & (
        events["occurred_from"] < FIRST_ORIGIN + pd.Timedelta(days=1)
    )
    return int(day.sum())


def test_the_verdict_needs_a_paired_test_to_crown_a_model(results: pd.DataFrame) -> None:
    from scipy import stats

    from crimedesk.models.evaluation.grid_backtest import backtest_metrics

    at_5 = results[results["coverage"] == 0.05]
    metrics = backtest_metrics(summarise(at_5), "prospective", at_5, horizon_days=1)
    paired = metrics["paired"]
    day = at_5[at_5["horizon_days"] == 1].pivot(index="origin", columns="method", values="pai")
    baseline = paired["baseline"]
    assert baseline == day.drop(columns="prospective").mean().idxmax()
    both = day[["prospective", baseline]].dropna()
    differences = both["prospective"] - both[baseline]
    expected_p = stats.wilcoxon(differences).pvalue if (differences != 0).any() else 1.0
    assert paired["p_value"] == pytest.approx(expected_p)
    assert paired["origins"] == len(both) and paired["wins"] == int((differences > 0).sum())
    higher = both["prospective"].mean() > both[baseline].mean()
    assert metrics["beats_baselines"] == (higher and expected_p < 0.05)
    assert f"paired p = {expected_p:.3f}" in metrics["verdict"]


def test_weekly_refits_keep_parameters_but_see_each_origins_incidents(
    district_11_h1: pd.DataFrame, grid: Grid, results: pd.DataFrame
) -> None:
    # Methods without learned parameters score the same whatever the refit interval.
    weekly = rolling_backtest(district_11_h1, grid, METHODS, ORIGINS, refit_days=7)
    pd.testing.assert_frame_equal(weekly, results)
    # A learned model: the third origin's scores come from the fit at the first origin and the
    # incidents before the third (computed here by hand).
    sepp = GridSEPP(grid=grid, train_days=60, iterations=10)
    three = ORIGINS[:3]
    scored = rolling_backtest(district_11_h1, grid, {"sepp": sepp}, three, (1,), (0.05,), refit_days=7)
    before = {o: district_11_h1[district_11_h1["occurred_from"] < o] for o in three}
    model = GridSEPP(grid=grid, train_days=60, iterations=10).fit(before[three[0]])
    scores = model.remember(before[three[2]]).predict_scores(grid, three[2])
    area = study_area(before[three[2]], grid)
    actual = grid.counts(*_xy(district_11_h1, three[2], three[2] + pd.Timedelta(days=1)))
    expected = pai(scores[area], actual[area], 0.05, total=actual[grid.active].sum())
    assert scored["pai"].iloc[2] == pytest.approx(expected)
    refitted = GridSEPP(grid=grid, train_days=60, iterations=10).fit(before[three[2]])
    assert refitted.theta_ != model.theta_  # so the check above can tell a refit from a kept fit


def _xy(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    window = frame[(frame["occurred_from"] >= start) & (frame["occurred_from"] < end)]
    return window["x"].to_numpy(), window["y"].to_numpy()
