"""Rolling-origin backtest of count forecasters, scored against the baselines (REFERENCES §2.6).

At every origin each forecaster is refitted on the values strictly before it and forecasts the
next ``horizon`` steps. The summary reports MAE, RMSE, MAPE, R², MASE (each origin scaled by the
in-sample seasonal-naive MAE of its own training data, then averaged), the share of actuals inside
the prediction interval, and a Diebold–Mariano test of every model against the best baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone

from crimedesk.models.evaluation import metrics
from crimedesk.models.evaluation.grid_backtest import each_origin
from crimedesk.models.forecast.forecasters import Forecaster, season_length

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]
SUMMARY = ["model", "baseline", "mae", "rmse", "mape", "r2", "mase", "interval_coverage"]


def rolling_forecasts(
    series: pd.Series,
    forecasters: Mapping[str, Forecaster],
    origins: Sequence[pd.Timestamp],
    horizon: int,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> pd.DataFrame:
    """Long table: model, origin, step, date, actual, forecast, lower, upper, scale, fit_seconds."""
    m = season_length(pd.DatetimeIndex(series.index, freq=series.index.freq or pd.infer_freq(series.index)))
    rows = []
    for origin in each_origin(origins, progress, cancel, "Forecast backtest"):
        train, future = series[series.index < origin], series[series.index >= origin][:horizon]
        if future.size < horizon:
            raise ValueError(f"origin {origin:%Y-%m-%d} has only {future.size} of {horizon} future values")
        scale = _mase_scale(train.to_numpy(float), m)
        for name, forecaster in forecasters.items():
            started = time.perf_counter()
            predicted = clone(forecaster).fit(train).predict(horizon)
            seconds = time.perf_counter() - started
            frame = predicted.assign(model=name, origin=origin, step=np.arange(1, horizon + 1))
            rows.append(frame.assign(actual=future.to_numpy(float), scale=scale, fit_seconds=seconds))
    if progress is not None:
        progress(1.0, "Forecast backtest finished")
    return pd.concat(rows).rename_axis("date").reset_index()


def forecast_backtest(
    series: pd.Series,
    forecasters: Mapping[str, Forecaster],
    origins: Sequence[pd.Timestamp],
    horizon: int,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> pd.DataFrame:
    """One row per model: the metrics of :data:`SUMMARY`, DM test vs the best baseline, fit time."""
    long = rolling_forecasts(series, forecasters, origins, horizon, progress, cancel)
    baselines = {name for name, f in forecasters.items() if f.baseline}
    return score_forecasts(long, baselines, horizon)


def score_forecasts(long: pd.DataFrame, baselines: set[str], horizon: int) -> pd.DataFrame:
    rows = []
    for name, part in long.groupby("model", sort=False):
        actual, forecast = part["actual"].to_numpy(), part["forecast"].to_numpy()
        inside = (actual >= part["lower"].to_numpy()) & (actual <= part["upper"].to_numpy())
        rows.append(
            {
                "model": name,
                "baseline": name in baselines,
                "mae": metrics.mae(actual, forecast),
                "rmse": metrics.rmse(actual, forecast),
                "mape": metrics.mape(actual, forecast),
                "r2": metrics.r2(actual, forecast),
                "mase": float(np.mean(np.abs(actual - forecast) / part["scale"].to_numpy())),
                "interval_coverage": float(inside.mean()),
                "fit_seconds": float(part.groupby("origin")["fit_seconds"].first().sum()),
            }
        )
    table = pd.DataFrame(rows)
    if not baselines:
        return table
    best = table[table["baseline"]].sort_values("mase").iloc[0]["model"]
    reference = long[long["model"] == best]
    dm = [_dm(long[long["model"] == name], reference, horizon) for name in table["model"]]
    table["dm_vs"] = best
    table["dm_statistic"], table["dm_p_value"] = zip(*dm, strict=True)
    return table


@dataclass(frozen=True)
class Verdict:
    model: str
    mase: float
    baseline: bool
    message: str


def winner(table: pd.DataFrame) -> Verdict:
    """The lowest-MASE model, saying plainly when a baseline wins (then nothing should be promoted)."""
    best = table.sort_values("mase", kind="stable").iloc[0]
    if best["baseline"]:
        message = f"baseline {best['model']} wins (MASE {best['mase']:.3f}): no learned model beat it"
    else:
        message = f"{best['model']} wins with MASE {best['mase']:.3f}"
        if "dm_p_value" in table and not best["dm_p_value"] < 0.05:
            message += f", but not significantly better than {best['dm_vs']} (DM p={best['dm_p_value']:.2f})"
    return Verdict(str(best["model"]), float(best["mase"]), bool(best["baseline"]), message)


def _mase_scale(train: np.ndarray, m: int) -> float:
    """In-sample MAE of the seasonal-naive forecast on the training values (lag 1 if too short)."""
    lag = m if train.size > m else 1
    return float(np.mean(np.abs(train[lag:] - train[:-lag])))


def _dm(part: pd.DataFrame, reference: pd.DataFrame, horizon: int) -> tuple[float, float]:
    """DM statistic and p-value of ``part`` against ``reference`` (NaN when the losses are identical)."""
    actual = part["actual"].to_numpy()
    f1, f2 = part["forecast"].to_numpy(), reference["forecast"].to_numpy()
    if np.ptp((actual - f1) ** 2 - (actual - f2) ** 2) == 0:
        return np.nan, np.nan
    result = metrics.diebold_mariano(actual, f1, f2, h=horizon)
    return result.statistic, result.p_value
