"""Turn an experiment's stored metrics into the model-vs-baselines table and a headline number.

Three metric shapes are recorded (see ``crimedesk.models.tasks`` and ``tasks_forecast``):
classification reports (``model``/``majority``/``prior_random`` dicts), forecast backtests (one
record per model with a ``baseline`` flag) and risk and hotspot backtests (one record per method,
horizon and coverage; every method other than the kind itself is a baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crimedesk.models.experiments import Experiment

FORECAST_COLUMNS = ("mase", "mae", "rmse", "mape", "r2", "interval_coverage", "dm_p_value")
RISK_COLUMNS = ("horizon_days", "coverage", "pai", "hit_rate", "pei_star", "origins")
CLASS_BASELINES = ("majority", "prior_random")


@dataclass(frozen=True)
class Comparison:
    columns: list[str]  # first column is the contender's name, second its role
    rows: list[list[Any]]
    verdict: str
    baseline_wins: bool


def comparison(exp: Experiment) -> Comparison | None:
    """The comparison table of a successful run, or None when it holds no metrics."""
    metrics = exp.metrics or {}
    if not metrics:
        return None
    verdict = str(metrics.get("verdict", "(no verdict recorded)"))
    baseline_wins = metrics.get("beats_baselines") is False
    if "model" in metrics and isinstance(metrics["model"], dict):
        columns = ["contender", "role", "accuracy", "macro_f1"]
        rows = [
            [
                name,
                "model" if name == "model" else "baseline",
                metrics[name]["accuracy"],
                metrics[name]["macro_f1"],
            ]
            for name in ("model", *CLASS_BASELINES)
            if isinstance(metrics.get(name), dict)
        ]
        return Comparison(columns, rows, verdict, baseline_wins)
    records = metrics.get("backtest") or []
    if records and "model" in records[0]:
        present = [c for c in FORECAST_COLUMNS if c in records[0]]
        rows = [
            [r["model"], "baseline" if r.get("baseline") else "model", *(r.get(c) for c in present)]
            for r in records
        ]
        return Comparison(["contender", "role", *present], rows, verdict, baseline_wins)
    if records and "method" in records[0]:
        present = [c for c in RISK_COLUMNS if c in records[0]]
        ordered = sorted(records, key=lambda r: (r.get("horizon_days", 0), r["method"] != exp.model_kind))
        rows = [
            [
                r["method"],
                "model" if r["method"] == exp.model_kind else "baseline",
                *(r.get(c) for c in present),
            ]
            for r in ordered
        ]
        return Comparison(["contender", "role", *present], rows, verdict, baseline_wins)
    return Comparison(["contender", "role"], [], verdict, baseline_wins)


def headline(exp: Experiment) -> str:
    """The one number that sums the run up: macro-F1, MASE or the verdict's PAI of the model itself."""
    metrics = exp.metrics or {}
    if isinstance(metrics.get("model"), dict):
        return f"macro-F1 {metrics['model']['macro_f1']:.3f}"
    horizon = metrics.get("verdict_horizon_days", 1)
    for record in metrics.get("backtest") or []:
        if record.get("model") == exp.model_kind and record.get("mase") is not None:
            return f"MASE {record['mase']:.3f}"
        if record.get("method") == exp.model_kind and record.get("horizon_days") == horizon:
            return f"PAI {record['pai']:.2f}" + ("" if horizon == 1 else f" ({horizon}-day)")
    return ""


def format_cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
