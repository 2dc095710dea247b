"""Each method against a baseline over the same origins: mean, 95 % interval and a paired test.

A mean PAI over a handful of origins says little: two methods can differ by a few incidents. Here
every method's per-origin score is paired with the baseline's at the same origin, the mean comes
with a t-interval over origins, and the Wilcoxon signed-rank test of the paired differences gives
the p-value (two-sided; zero differences dropped, as Wilcoxon defined it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = (
    "method",
    "mean",
    "ci_low",
    "ci_high",
    "baseline_mean",
    "wins",
    "losses",
    "ties",
    "p_value",
    "origins",
)


def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and its t-interval over independent origins (NaN bounds with fewer than two values)."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean()) if data.size else np.nan
    if data.size < 2 or np.all(data == data[0]):
        return mean, (mean if data.size else np.nan), (mean if data.size else np.nan)
    low, high = stats.t.interval(level, data.size - 1, loc=mean, scale=stats.sem(data))
    return mean, float(low), float(high)


def paired_p_value(method: np.ndarray, baseline: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p of ``method - baseline``; 1.0 when every pair ties."""
    differences = np.asarray(method, dtype=float) - np.asarray(baseline, dtype=float)
    if not np.any(differences != 0):
        return 1.0
    return float(stats.wilcoxon(differences, zero_method="wilcox").pvalue)


def against_baseline(
    results: pd.DataFrame,
    baseline: str,
    metric: str = "pai",
    by: Sequence[str] = ("horizon_days", "coverage"),
) -> pd.DataFrame:
    """One row per (``by`` group, method): the method's mean ``metric`` with its interval, the
    baseline's mean on the same origins, wins/losses/ties per origin and the paired p-value.

    ``results`` is a tidy backtest (method, origin, the ``by`` columns and ``metric``); origins where
    either score is NaN (no incident to score) are left out of that pair.
    """
    rows = []
    for key, group in results.groupby(list(by), sort=True):
        wide = group.pivot_table(index="origin", columns="method", values=metric, dropna=False)
        for method in [m for m in wide.columns if m != baseline]:
            pair = wide[[method, baseline]].dropna()
            rows.append({**dict(zip(by, key, strict=True)), **_compare(method, pair, baseline)})
    return pd.DataFrame(rows, columns=[*by, *COLUMNS])


def _compare(method: str, pair: pd.DataFrame, baseline: str) -> dict[str, object]:
    ours, theirs = pair[method].to_numpy(), pair[baseline].to_numpy()
    mean, low, high = mean_interval(ours)
    return {
        "method": method,
        "mean": mean,
        "ci_low": low,
        "ci_high": high,
        "baseline_mean": float(theirs.mean()) if theirs.size else np.nan,
        "wins": int((ours > theirs).sum()),
        "losses": int((ours < theirs).sum()),
        "ties": int((ours == theirs).sum()),
        "p_value": paired_p_value(ours, theirs) if len(pair) else np.nan,
        "origins": len(pair),
    }
