"""Forecast kinds: incident counts of the filtered data per day or week, backtested on rolling origins.

Each kind is scored next to the seasonal-naive and ETS baselines on the same origins; the metrics
carry the whole table and the verdict of :func:`winner`, which names a baseline when one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from crimedesk.models.evaluation.forecast_backtest import rolling_forecasts, score_forecasts, winner
from crimedesk.models.forecast.comparison import FORECAST_BACKTEST, forecast_series
from crimedesk.models.forecast.forecasters import (
    ETSForecaster,
    Forecaster,
    GBForecaster,
    SarimaForecaster,
    SeasonalNaive,
)
from crimedesk.models.forecast.history import history_support
from crimedesk.models.forecast.lstm import LSTMForecaster
from crimedesk.models.registry import Cancel, KindSpec, Progress, Trained, param, register


@dataclass(frozen=True)
class ForecastParams:
    freq: str = param(
        "W", "Counts per", "D: incidents per day; W: per Monday-starting week.", choices=("D", "W")
    )
    horizon: int = param(4, "Horizon", "Periods forecast ahead from each origin.", "periods")
    backtest_origins: int = param(6, "Backtest origins", "How many past periods the forecasts start from.")
    epochs: int = param(100, "Training epochs", "Passes over the series (LSTM only).")
    window: int = param(
        28, "Input window", "Past periods the LSTM reads for each forecast (LSTM only).", "periods"
    )


def count_series(frame: pd.DataFrame, freq: str) -> pd.Series:
    """Incidents per day ("D") or per Monday-starting week ("W"), complete periods only."""
    rule = {"D": "D", "W": "W-MON"}[freq]
    counts = frame.set_index("occurred_from").resample(rule, label="left", closed="left").size()
    first = frame["occurred_from"].min().floor("D")
    end = frame["occurred_from"].max().floor("D") + pd.Timedelta(days=1)
    complete = (counts.index >= first) & (counts.index + pd.tseries.frequencies.to_offset(rule) <= end)
    series = counts[complete].astype(float)
    return series.asfreq(rule)


def make_forecaster(kind: str, params: ForecastParams, seed: int) -> Forecaster:
    if kind == "seasonal_naive":
        return SeasonalNaive()
    if kind == "ets":
        return ETSForecaster()
    if kind == "sarima":
        return SarimaForecaster()
    if kind == "gb_forecast":
        lags = (1, 2, 3, 7, 14, 28) if params.freq == "D" else (1, 2, 3, 4, 8)
        return GBForecaster(lags=lags, random_state=seed)
    if kind == "lstm_forecast":
        return LSTMForecaster(window=params.window, epochs=params.epochs, random_state=seed)
    raise KeyError(f"unknown forecast kind {kind!r}")


def train_forecast(
    frame: pd.DataFrame, params: ForecastParams, seed: int, progress: Progress, cancel: Cancel, *, kind: str
) -> Trained:
    series = count_series(frame, params.freq)
    support = history_support(series, params.backtest_origins)
    if params.horizon > support.max_horizon:
        raise ValueError(
            f"the data holds {support.describe()} ({params.backtest_origins} backtest origins):"
            f" a horizon of {params.horizon} does not fit (fewer origins allow a longer one)"
        )
    origins = series.index[-params.horizon - params.backtest_origins + 1 :][: params.backtest_origins]
    contenders = {name: make_forecaster(name, params, seed) for name in ("seasonal_naive", "ets", kind)}
    long = rolling_forecasts(
        series, contenders, origins, params.horizon, lambda f, m: progress(0.9 * f, m), cancel
    )
    table = score_forecasts(long, {name for name, f in contenders.items() if f.baseline}, params.horizon)
    verdict = winner(table)
    progress(0.9, "refitting on the whole series")
    model = make_forecaster(kind, params, seed).fit(series)
    metrics = {
        # timings differ run to run and are not metrics; NaN (no DM test) is stored as null
        "backtest": table.drop(columns="fit_seconds")
        .astype(object)
        .where(table.notna(), None)
        .to_dict("records"),
        "winner": verdict.model,
        "beats_baselines": not verdict.baseline and verdict.model == kind,
        "verdict": verdict.message,
        "series": one_step_series(long),
        "history": support.describe(),
    }
    return Trained(model, metrics)


def one_step_series(long: pd.DataFrame) -> list[dict]:
    """Each model's one-step-ahead forecasts with their interval and the actual count (for the chart)."""
    first = long.loc[long["step"] == 1, ["model", "date", "actual", "forecast", "lower", "upper"]]
    first = first.assign(date=first["date"].dt.date.astype(str)).astype(object)
    return first.where(first.notna(), None).to_dict("records")  # NaN (no interval) is stored as null


def _predict_forecast(model: Forecaster, frame: pd.DataFrame, params: ForecastParams) -> pd.DataFrame:
    return model.predict(params.horizon)


for _kind, _name, _doc in (
    (
        "seasonal_naive",
        "Counts forecast (seasonal naive)",
        "Seasonal naive (lag 7 daily, 52 weekly): the benchmark.",
    ),
    ("ets", "Counts forecast (exponential smoothing)", "Exponential smoothing (statsmodels ETS)."),
    ("sarima", "Counts forecast (SARIMA)", "SARIMAX with a small order."),
    (
        "gb_forecast",
        "Counts forecast (gradient boosting)",
        "Gradient boosting on lagged counts and the calendar.",
    ),
    ("lstm_forecast", "Counts forecast (LSTM)", "One-layer LSTM (TensorFlow, loaded on first use)."),
):
    register(
        KindSpec(
            kind=_kind,
            display_name=_name,
            task="forecast",
            description=_doc,
            params=ForecastParams,
            train=partial(train_forecast, kind=_kind),
            predict=_predict_forecast,
            metrics=FORECAST_BACKTEST,
            smoke_params={"freq": "D", "horizon": 7, "backtest_origins": 3, "epochs": 1},
            forecast_series=forecast_series,
        )
    )
