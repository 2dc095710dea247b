"""Scores for hotspot maps and count forecasts, in the exact forms of REFERENCES §2.1 and §2.6.

Hotspot metrics rank cells by predicted score, highest first, and break ties by the lower cell index,
so the same prediction always flags the same cells (open_cp's reproducibility rule). The flagged
area is ``k = floor(coverage · cells + 0.5)`` cells (at least one); PAI uses that realised area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats


def flagged_cells(pred_scores: np.ndarray, coverage: float) -> np.ndarray:
    """Indices of the top ``coverage`` share of cells: score descending, then cell index ascending."""
    scores = np.asarray(pred_scores, dtype=float)
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1], got {coverage}")
    k = max(1, int(np.floor(coverage * scores.size + 0.5)))
    order = np.lexsort((np.arange(scores.size), -scores))
    return order[:k]


def hit_rate(pred_scores: np.ndarray, actual_counts: np.ndarray, coverage: float) -> float:
    """Share n/N of the period's crimes inside the flagged cells (NaN when N = 0)."""
    actual = np.asarray(actual_counts, dtype=float)
    total = actual.sum()
    return float(actual[flagged_cells(pred_scores, coverage)].sum() / total) if total > 0 else np.nan


def pai(pred_scores: np.ndarray, actual_counts: np.ndarray, coverage: float) -> float:
    """Predictive accuracy index (n/N)/(a/A); 1 is what a uniform random map achieves on average."""
    k = flagged_cells(pred_scores, coverage).size
    return hit_rate(pred_scores, actual_counts, coverage) / (k / np.asarray(pred_scores).size)


def pei_star(pred_scores: np.ndarray, actual_counts: np.ndarray, coverage: float) -> float:
    """n/n*, n* being the most crimes any set of the same number of cells could have captured."""
    actual = np.asarray(actual_counts, dtype=float)
    flagged = flagged_cells(pred_scores, coverage)
    best = np.sort(actual)[::-1][: flagged.size].sum()
    return float(actual[flagged].sum() / best) if best > 0 else np.nan


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(_error(actual, forecast))))


def rmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.sqrt(np.mean(_error(actual, forecast) ** 2)))


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error as a fraction (0.25 = 25%).

    Periods with zero actual crimes are left out (the ratio is undefined there, and quiet days are
    common in small areas); NaN when every actual is zero. Prefer MASE for sparse series.
    """
    a = np.asarray(actual, dtype=float)
    nonzero = a != 0
    if not nonzero.any():
        return np.nan
    return float(np.mean(np.abs(_error(actual, forecast)[nonzero] / a[nonzero])))


def r2(actual: np.ndarray, forecast: np.ndarray) -> float:
    """1 − SS_res/SS_tot around the mean of the actuals (can be negative)."""
    a = np.asarray(actual, dtype=float)
    return float(1 - np.sum(_error(a, forecast) ** 2) / np.sum((a - a.mean()) ** 2))


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, m: int = 1) -> float:
    """MAE scaled by the in-sample MAE of the seasonal-naive forecast y[t] = y[t−m] on ``train``.

    Below 1 the model beats seasonal-naive (m = 7 for daily, 52 for weekly series; Hyndman & Koehler).
    """
    history = np.asarray(train, dtype=float)
    if history.size <= m:
        raise ValueError(f"MASE needs more than m={m} training values, got {history.size}")
    scale = np.mean(np.abs(history[m:] - history[:-m]))
    return mae(actual, forecast) / scale


@dataclass(frozen=True)
class DMResult:
    """Diebold–Mariano statistic (HLN-corrected) and two-sided p-value; negative favours forecast 1."""

    statistic: float
    p_value: float


def diebold_mariano(
    actual: np.ndarray,
    forecast_1: np.ndarray,
    forecast_2: np.ndarray,
    h: int = 1,
    loss: Literal["squared", "absolute"] = "squared",
) -> DMResult:
    """Do two forecasts differ in accuracy? (Diebold & Mariano 1995, Harvey–Leybourne–Newbold 1997).

    d_t = L(e1_t) − L(e2_t). h-step errors are MA(h−1), so Var(d̄) = (γ0 + 2 Σ_{k<h} γk)/T with the
    truncated rectangular window; if that estimate is not positive (possible for h > 1) Newey–West
    Bartlett weights 1 − k/h are used instead, which are positive by construction. The statistic is
    multiplied by sqrt((T + 1 − 2h + h(h−1)/T)/T) and compared with Student t on T−1 df.
    """
    loss_fn = np.square if loss == "squared" else np.abs
    d = loss_fn(_error(actual, forecast_1)) - loss_fn(_error(actual, forecast_2))
    t = d.size
    if not 1 <= h < t:
        raise ValueError(f"need 1 <= h < number of forecasts ({t}), got h={h}")
    centred = d - d.mean()
    if not centred.any():
        raise ValueError("the loss differential is constant: the forecasts cannot be compared")
    gamma = np.array([centred[k:] @ centred[: t - k] / t for k in range(h)])
    variance = (gamma[0] + 2 * gamma[1:].sum()) / t
    if variance <= 0:
        variance = (gamma[0] + 2 * np.sum((1 - np.arange(1, h) / h) * gamma[1:])) / t
    correction = np.sqrt((t + 1 - 2 * h + h * (h - 1) / t) / t)
    statistic = correction * d.mean() / np.sqrt(variance)
    return DMResult(float(statistic), float(2 * stats.t.sf(abs(statistic), df=t - 1)))


def _error(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise ValueError(f"actual has shape {a.shape}, forecast {f.shape}")
    return a - f
