"""Count forecasters for one regular series (daily or weekly incidents): baselines first.

Every forecaster follows one interface: ``fit(y)`` with a ``pd.Series`` on a regular DatetimeIndex,
then ``predict(horizon)`` → a frame indexed by the next ``horizon`` dates with ``forecast``,
``lower`` and ``upper`` (a central ``level`` prediction interval). ``baseline`` marks the classical
methods a learned model has to beat (REFERENCES §2.6). Where a method has no interval theory of its
own, intervals come from held-out residual quantiles, widened by √k for the k-th step ahead.
"""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingRegressor
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

from crimedesk.features.temporal import calendar_features

COLUMNS = ["forecast", "lower", "upper"]


def season_length(index: pd.DatetimeIndex) -> int:
    """7 for daily series (weekly cycle), 52 for weekly ones (yearly cycle), else 1."""
    freq = pd.tseries.frequencies.to_offset(index.freq or pd.infer_freq(index))
    return {"D": 7, "W": 52}.get(freq.rule_code.split("-")[0], 1)


def fitted_season(index: pd.DatetimeIndex) -> int:
    """The natural cycle when the series holds more than one of it, else 1: a short history (eight
    months of weeks) is forecast without its yearly cycle rather than refused."""
    season = season_length(index)
    return season if index.size > season else 1


class Forecaster(BaseEstimator):
    """Shared plumbing: remember the series' index, build future dates and residual intervals."""

    baseline: ClassVar[bool] = False

    def _remember(self, y: pd.Series) -> np.ndarray:
        index = pd.DatetimeIndex(y.index)
        if index.freq is None:
            index = pd.DatetimeIndex(index, freq=pd.infer_freq(index))
        self.index_ = index
        self.season_ = self.season or fitted_season(index)
        return np.asarray(y, dtype=float)

    def _future(self, horizon: int) -> pd.DatetimeIndex:
        return pd.date_range(self.index_[-1] + self.index_.freq, periods=horizon, freq=self.index_.freq)

    def _frame(self, point: np.ndarray, residuals: np.ndarray, widen: np.ndarray) -> pd.DataFrame:
        tail = (1 - self.level) / 2
        low, high = np.quantile(residuals, [tail, 1 - tail])
        return pd.DataFrame(
            {"forecast": point, "lower": point + low * widen, "upper": point + high * widen},
            index=self._future(point.size),
        )


class SeasonalNaive(Forecaster):
    """y[t] = y[t − m]: the benchmark of MASE (m = 7 daily, 52 weekly)."""

    baseline = True

    def __init__(self, season: int | None = None, level: float = 0.9) -> None:
        self.season = season
        self.level = level

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        if values.size <= self.season_:
            raise ValueError(f"seasonal naive needs more than {self.season_} values, got {values.size}")
        self.last_season_ = values[-self.season_ :]
        self.residuals_ = values[self.season_ :] - values[: -self.season_]
        return self

    def predict(self, horizon: int) -> pd.DataFrame:
        k = np.arange(horizon)
        point = self.last_season_[k % self.season_]
        return self._frame(point, self.residuals_, np.sqrt(k // self.season_ + 1))


class ETSForecaster(Forecaster):
    """Additive exponential smoothing (statsmodels ETSModel) with its analytic intervals.

    The seasonal component is used only with at least two full seasons of data (a seasonal ETS
    cannot be initialised from less); the fitted model says which in ``seasonal_``.
    """

    baseline = True

    def __init__(self, season: int | None = None, trend: bool = False, level: float = 0.9) -> None:
        self.season = season
        self.trend = trend
        self.level = level

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self.seasonal_ = self.season_ > 1 and values.size >= 2 * self.season_
        model = ETSModel(
            pd.Series(values, index=self.index_),
            error="add",
            trend="add" if self.trend else None,
            damped_trend=self.trend,
            seasonal="add" if self.seasonal_ else None,
            seasonal_periods=self.season_ if self.seasonal_ else None,
        )
        self.result_ = model.fit(disp=False)
        return self

    def predict(self, horizon: int) -> pd.DataFrame:
        n = self.index_.size
        frame = self.result_.get_prediction(start=n, end=n + horizon - 1).summary_frame(alpha=1 - self.level)
        return _renamed(frame, "mean", "pi_lower", "pi_upper", self._future(horizon))


class SarimaForecaster(Forecaster):
    """SARIMAX with a small order; the seasonal part only for short cycles (m ≤ 12).

    A 52-week seasonal ARMA is slow and unstable on two years of weekly data; the seasonal-naive
    baseline covers the yearly cycle there.
    """

    baseline = True

    def __init__(
        self,
        order: tuple[int, int, int] = (1, 0, 1),
        seasonal_order: tuple[int, int, int] = (1, 0, 1),
        season: int | None = None,
        level: float = 0.9,
    ) -> None:
        self.order = order
        self.seasonal_order = seasonal_order
        self.season = season
        self.level = level

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        seasonal = (*self.seasonal_order, self.season_) if 1 < self.season_ <= 12 else (0, 0, 0, 0)
        series = pd.Series(values, index=self.index_)
        model = SARIMAX(series, order=self.order, seasonal_order=seasonal, trend="c")
        self.result_ = model.fit(disp=False)
        return self

    def predict(self, horizon: int) -> pd.DataFrame:
        frame = self.result_.get_forecast(horizon).summary_frame(alpha=1 - self.level)
        return _renamed(frame, "mean", "mean_ci_lower", "mean_ci_upper", self._future(horizon))


class GBForecaster(Forecaster):
    """HistGradientBoosting on lagged values and the calendar, forecasting recursively.

    Intervals: residual quantiles of one-step forecasts on the last ``holdout`` share, from a model
    fitted before it (in-sample boosting residuals would be far too narrow); then refit on all.
    """

    def __init__(
        self,
        lags: tuple[int, ...] = (1, 2, 3, 7, 14, 28),
        max_iter: int = 200,
        learning_rate: float = 0.05,
        holdout: float = 0.2,
        season: int | None = None,
        level: float = 0.9,
        random_state: int = 0,
    ) -> None:
        self.lags = lags
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.holdout = holdout
        self.season = season
        self.level = level
        self.random_state = random_state

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        rows = np.arange(max(self.lags), values.size)
        if rows.size < 10:
            raise ValueError(f"GBForecaster needs at least {max(self.lags) + 10} values, got {values.size}")
        features = self._features(values, rows, self.index_[rows])
        cut = rows.size - max(1, int(rows.size * self.holdout))
        early = self._model().fit(features[:cut], values[rows[:cut]])
        self.residuals_ = values[rows[cut:]] - early.predict(features[cut:])
        self.model_ = self._model().fit(features, values[rows])
        self.history_ = values
        return self

    def predict(self, horizon: int) -> pd.DataFrame:
        history = list(self.history_)
        future = self._future(horizon)
        for date in future:
            x = self._features(np.asarray(history), np.array([len(history)]), pd.DatetimeIndex([date]))
            history.append(float(self.model_.predict(x)[0]))
        point = np.asarray(history[-horizon:])
        return self._frame(point, self.residuals_, np.sqrt(np.arange(1, horizon + 1)))

    def _model(self) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate, random_state=self.random_state
        )

    def _features(self, values: np.ndarray, rows: np.ndarray, dates: pd.DatetimeIndex) -> np.ndarray:
        lagged = np.column_stack([values[rows - lag] for lag in self.lags])
        calendar = calendar_features(dates)[["weekday", "month", "holiday"]].to_numpy(float)
        return np.hstack([lagged, calendar])


def _renamed(frame: pd.DataFrame, mean: str, low: str, high: str, index: pd.DatetimeIndex) -> pd.DataFrame:
    out = frame[[mean, low, high]].set_axis(COLUMNS, axis=1)
    return out.set_axis(index)
