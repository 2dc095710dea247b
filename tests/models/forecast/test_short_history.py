"""Issue 21: eight months of weekly counts train without the yearly cycle, saying so; a horizon the
backtest cannot hold is refused with the longest that fits."""

from __future__ import annotations

import numpy as np
import pytest

from crimedesk.models.forecast.forecasters import SeasonalNaive
from crimedesk.models.forecast.history import history_support
from crimedesk.models.forecast.kind import ForecastParams, count_series, train_forecast
from tests.models.chicago_frame import district_slice

NO_PROGRESS = (lambda fraction, message: None, lambda: False)


@pytest.fixture(scope="module")
def eight_months(chicago_frame):
    return district_slice(chicago_frame, ["011"], "2016-03-01", "2016-11-01")


def test_eight_months_of_weeks_forecast_without_the_yearly_cycle(eight_months):
    params = ForecastParams(freq="W", horizon=4, backtest_origins=6)
    series = count_series(eight_months, "W")
    assert 30 <= len(series) < 52
    trained = train_forecast(eight_months, params, 0, *NO_PROGRESS, kind="seasonal_naive")
    assert "too short for a yearly cycle of weeks, so no seasonality" in trained.metrics["history"]
    forecast = trained.model.predict(4)["forecast"].to_numpy()
    assert trained.model.season_ == 1 and np.all(forecast == series.iloc[-1])  # the naive forecast


def test_daily_counts_keep_their_weekly_cycle(eight_months):
    support = history_support(count_series(eight_months, "D"), backtest_origins=6)
    assert support.season == 7 and "weekly cycle of days" in support.describe()
    assert SeasonalNaive().fit(count_series(eight_months, "D")).season_ == 7


def test_a_horizon_too_long_for_the_history_says_what_fits(eight_months):
    series = count_series(eight_months, "W")
    longest = len(series) - 6 + 1 - 8
    params = ForecastParams(freq="W", horizon=longest + 1, backtest_origins=6)
    with pytest.raises(
        ValueError, match=f"horizon at most {longest}.*a horizon of {longest + 1} does not fit"
    ):
        train_forecast(eight_months, params, 0, *NO_PROGRESS, kind="seasonal_naive")
