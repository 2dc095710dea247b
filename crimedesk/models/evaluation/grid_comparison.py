"""How a hotspot backtest (:func:`~crimedesk.models.evaluation.grid_backtest.backtest_metrics`)
compares the model's map with the baselines' maps: every method other than the kind is a baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crimedesk.models.registry import Headline, MetricType

BASELINES = {
    "naive_count": "naive count grid",
    "retrospective_kde": "retrospective KDE",
    "prospective": "prospective hotspot",
}
MEASURES = {  # stored name -> (plain column name, scale)
    "coverage": ("area flagged (%)", 100.0),
    "pai": ("PAI", 1.0),
    "hit_rate": ("hit rate (%)", 100.0),
    "pei_star": ("PEI*", 1.0),
    "origins": ("origins scored", 1.0),
}


def horizon_words(days: int) -> str:
    return {1: "next day", 7: "next week"}.get(days, f"next {days} days")


def grid_table(metrics: Mapping[str, Any], kind: str) -> pd.DataFrame:
    """One row per method and horizon, the model first within each horizon."""
    records = sorted(metrics["backtest"], key=lambda r: (r["horizon_days"], r["method"] != kind))
    present = [m for m in MEASURES if records and m in records[0]]
    rows = [
        {
            "contender": BASELINES.get(r["method"], r["method"]),
            "role": "model" if r["method"] == kind else "baseline",
            "horizon": horizon_words(r["horizon_days"]),
        }
        | {MEASURES[m][0]: _scaled(r[m], MEASURES[m][1]) for m in present if m != "origins"}
        | ({MEASURES["origins"][0]: int(r["origins"])} if "origins" in present else {})  # a count
        for r in records
    ]
    return pd.DataFrame(rows, columns=["contender", "role", "horizon", *(MEASURES[m][0] for m in present)])


def grid_headline(metrics: Mapping[str, Any], kind: str) -> Headline:
    """On PAI at the verdict's horizon (next day for risk, next week for hotspot maps)."""
    days = metrics.get("verdict_horizon_days", 1)
    scored = [r for r in metrics["backtest"] if r["horizon_days"] == days]
    model = next(r["pai"] for r in scored if r["method"] == kind)
    best = max((r for r in scored if r["method"] != kind), key=lambda r: _or_minus(r["pai"]))
    name, when = BASELINES.get(best["method"], best["method"]), horizon_words(days)
    paired = _paired_words(metrics.get("paired"))
    if metrics["beats_baselines"]:
        sentence = (
            f"PAI over the {when}: {_pai(model)}, against {_pai(best['pai'])} for the {name}, "
            f"the best baseline{paired}."
        )
    else:
        sentence = (
            f"A baseline wins: the {name} reaches a PAI of {_pai(best['pai'])} over the {when}, "
            f"against {_pai(model)} for the model{paired}; prefer the baseline."
        )
    score = f"PAI {_pai(model)}" + ("" if days == 1 else f" ({days}-day)")
    return Headline(score, sentence, not metrics["beats_baselines"])


def _paired_words(paired: Mapping[str, Any] | None) -> str:
    """ " (wins 5, losses 3 of 8 origins; paired p = 0.38)", or nothing for runs recorded before."""
    if not paired or paired.get("p_value") is None:
        return ""
    return (
        f" (wins {paired['wins']}, losses {paired['losses']} of {paired['origins']} origins;"
        f" paired p = {paired['p_value']:.2f})"
    )


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else value * scale


def _or_minus(value: float | None) -> float:
    return float("-inf") if value is None else value


def _pai(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


GRID_BACKTEST = MetricType("hotspot backtest on rolling origins (PAI, hit rate)", grid_table, grid_headline)
