import numpy as np
import pandas as pd
import pytest

from crimedesk.models.evaluation.forecast_backtest import forecast_backtest, winner
from crimedesk.models.forecast.forecasters import ETSForecaster, GBForecaster, SarimaForecaster, SeasonalNaive
from crimedesk.models.forecast.kind import count_series
from crimedesk.models.persistence import load_model, save_model


@pytest.fixture(scope="module")
def daily(chicago_frame):
    """Daily incidents of district 011, 2016 (366 values)."""
    district = chicago_frame[chicago_frame["district"] == "011"]
    return count_series(district[district["occurred_from"] < "2017-01-01"], "D")


def test_count_series_is_regular_and_complete(daily):
    assert daily.index.freqstr == "D" and len(daily) == 366
    assert daily.min() > 0


@pytest.mark.parametrize(
    "forecaster", [SeasonalNaive(), ETSForecaster(), SarimaForecaster(), GBForecaster(max_iter=50)]
)
def test_each_forecaster_fits_saves_loads_and_predicts(forecaster, daily, tmp_path):
    fitted = forecaster.fit(daily)
    forecast = fitted.predict(10)
    assert list(forecast.columns) == ["forecast", "lower", "upper"]
    assert forecast.index[0] == daily.index[-1] + pd.Timedelta(days=1) and len(forecast) == 10
    assert (forecast["lower"] <= forecast["forecast"]).all() and (
        forecast["forecast"] <= forecast["upper"]
    ).all()
    loaded = load_model(save_model(fitted, tmp_path / "f"))
    pd.testing.assert_frame_equal(loaded.predict(10), forecast)


def test_seasonal_naive_repeats_the_last_week(daily):
    forecast = SeasonalNaive().fit(daily).predict(8)["forecast"].to_numpy()
    np.testing.assert_array_equal(forecast[:7], daily.to_numpy()[-7:])
    assert forecast[7] == daily.iloc[-7]


def test_backtest_scores_every_model_and_is_reproducible(daily):
    origins = pd.date_range("2016-11-01", periods=3, freq="14D")
    models = {"seasonal_naive": SeasonalNaive(), "gb": GBForecaster(lags=(1, 7), max_iter=20, random_state=2)}
    table = forecast_backtest(daily, models, origins, horizon=7)
    assert set(table.columns) >= {"mae", "rmse", "mape", "r2", "mase", "dm_statistic", "dm_p_value"}
    assert table.set_index("model").loc["seasonal_naive", "baseline"]
    assert np.isnan(table.set_index("model").loc["seasonal_naive", "dm_p_value"])  # not tested against itself
    again = forecast_backtest(daily, models, origins, horizon=7)
    pd.testing.assert_frame_equal(table.drop(columns="fit_seconds"), again.drop(columns="fit_seconds"))


def _table(rows):
    return pd.DataFrame(rows, columns=["model", "baseline", "mase", "dm_vs", "dm_p_value"])


def test_winner_says_plainly_when_a_baseline_wins():
    table = _table(
        [("seasonal_naive", True, 0.9, "seasonal_naive", np.nan), ("lstm", False, 1.1, "seasonal_naive", 0.2)]
    )
    verdict = winner(table)
    assert verdict.baseline and verdict.model == "seasonal_naive"
    assert verdict.message.startswith("baseline seasonal_naive wins")


def test_winner_flags_a_win_that_is_not_significant():
    table = _table([("ets", True, 0.9, "ets", np.nan), ("gb", False, 0.8, "ets", 0.4)])
    verdict = winner(table)
    assert verdict.model == "gb" and not verdict.baseline
    assert "not significantly better than ets" in verdict.message
