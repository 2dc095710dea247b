"""How a forecast backtest (see :func:`crimedesk.models.forecast.kind.train_forecast`) compares the
model with the seasonal-naive and ETS baselines on the same origins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crimedesk.models.registry import Headline, MetricType

NAMES = {
    "seasonal_naive": "seasonal naive",
    "ets": "exponential smoothing (ETS)",
    "sarima": "SARIMA",
    "gb_forecast": "gradient boosting",
    "lstm_forecast": "LSTM",
}
MEASURES = {  # stored name -> (plain column name, scale)
    "mase": ("MASE", 1.0),
    "mae": ("mean absolute error", 1.0),
    "rmse": ("root mean squared error", 1.0),
    "mape": ("mean absolute % error", 100.0),
    "r2": ("R²", 1.0),
    "interval_coverage": ("actuals inside the interval (%)", 100.0),
    "dm_p_value": ("Diebold–Mariano p against the best baseline", 1.0),
}


def forecast_table(metrics: Mapping[str, Any], kind: str) -> pd.DataFrame:
    """One row per contender in the order scored; the kind itself is the model, the rest baselines."""
    records = metrics["backtest"]
    present = [m for m in MEASURES if records and m in records[0]]
    rows = [
        {
            "contender": NAMES.get(r["model"], r["model"]),
            "role": "model" if r["model"] == kind else "baseline",
        }
        | {MEASURES[m][0]: None if r[m] is None else r[m] * MEASURES[m][1] for m in present}
        for r in records
    ]
    return pd.DataFrame(rows, columns=["contender", "role", *(MEASURES[m][0] for m in present)])


def forecast_headline(metrics: Mapping[str, Any], kind: str) -> Headline:
    """On MASE (mean absolute error over the seasonal-naive in-sample error: below 1 beats it)."""
    records = {r["model"]: r for r in metrics["backtest"]}
    model = records[kind]["mase"]
    winner = metrics["winner"]
    if metrics["beats_baselines"]:
        best = min((r for name, r in records.items() if name != kind), key=lambda r: r["mase"])
        sentence = (
            f"Lowest MASE of the backtest: {model:.3f}, against {best['mase']:.3f} for "
            f"{NAMES.get(best['model'], best['model'])}, the best baseline"
        )
        p_value = records[kind].get("dm_p_value")
        if p_value is not None:
            significant = "significant" if p_value < 0.05 else "not significant"
            sentence += f"; the difference is {significant} (Diebold–Mariano p = {p_value:.2f})"
        sentence += "."
    elif winner == kind:
        sentence = (
            "A baseline wins: this kind is a baseline itself, and the best of the backtest "
            f"(MASE {model:.3f})."
        )
    else:
        sentence = (
            f"A baseline wins: {NAMES.get(winner, winner)} has a MASE of {records[winner]['mase']:.3f}, "
            f"against {model:.3f} for this model; prefer the baseline."
        )
    return Headline(f"MASE {model:.3f}", sentence, not metrics["beats_baselines"])


def forecast_series(metrics: Mapping[str, Any]) -> list[dict]:
    """The one-step-ahead forecasts of every contender with the actual counts (empty in old runs)."""
    return list(metrics.get("series") or [])


FORECAST_BACKTEST = MetricType(
    "count forecast backtest on rolling origins (MASE)", forecast_table, forecast_headline
)
