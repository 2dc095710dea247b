"""Scores for hotspot maps and count forecasts, in the exact forms of REFERENCES §2.1 and §2.6.

Hotspot metrics flag the top ``k = floor(coverage · cells + 0.5)`` cells by predicted score (at
least one). Cells tied at the cut share the places left equally: each counts with weight
``places left / tied cells``, which is the expected result under a random order of the tied cells,
so no index order can decide a comparison (a tie rule alone moved next-day burglary PAI from 2.56
to 9.96). ``rule="open_cp"`` reproduces open_cp's ``top_slice`` instead, for comparison:
``floor(coverage · cells)`` cells, ties filled from the highest cell index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

TieRule = Literal["expected", "open_cp"]


def flagged_cells(pred_scores: np.ndarray, coverage: float) -> np.ndarray:
    """A definite list of the top cells (score descending, then cell index ascending), for showing a
    map; scores use :func:`flag_weights`, which does not depend on the order of tied cells."""
    scores = np.asarray(pred_scores, dtype=float)
    order = np.lexsort((np.arange(scores.size), -scores))
    return order[: _places(scores.size, coverage, "expected")]


def flag_weights(pred_scores: np.ndarray, coverage: float, rule: TieRule = "expected") -> np.ndarray:
    """Each cell's share of the flagged area: 1 above the cut, 0 below, tied cells at the cut per ``rule``."""
    scores = np.asarray(pred_scores, dtype=float)
    places = _places(scores.size, coverage, rule)
    weights = np.zeros(scores.size)
    if places == 0:
        return weights
    cut = np.sort(scores)[::-1][places - 1]
    above, tied = scores > cut, np.flatnonzero(scores == cut)
    weights[above] = 1.0
    left = places - int(above.sum())
    if rule == "open_cp":
        weights[tied[tied.size - left :]] = 1.0
    else:
        weights[tied] = left / tied.size
    return weights


def hit_rate(
    pred_scores: np.ndarray,
    actual_counts: np.ndarray,
    coverage: float,
    rule: TieRule = "expected",
    total: float | None = None,
) -> float:
    """Share n/N of the period's crimes inside the flagged cells (NaN when N = 0).

    ``total`` is N when some of the period's crimes lie outside the cells ranked (the study area).
    """
    actual = np.asarray(actual_counts, dtype=float)
    crimes = actual.sum() if total is None else float(total)
    captured = float(flag_weights(pred_scores, coverage, rule) @ actual)
    return captured / crimes if crimes > 0 else np.nan


def pai(
    pred_scores: np.ndarray,
    actual_counts: np.ndarray,
    coverage: float,
    rule: TieRule = "expected",
    total: float | None = None,
) -> float:
    """Predictive accuracy index (n/N)/(a/A); 1 is what a uniform random map achieves on average."""
    area = flag_weights(pred_scores, coverage, rule).sum() / np.asarray(pred_scores).size
    return hit_rate(pred_scores, actual_counts, coverage, rule, total) / area if area > 0 else np.nan


def pei_star(
    pred_scores: np.ndarray, actual_counts: np.ndarray, coverage: float, rule: TieRule = "expected"
) -> float:
    """n/n*, n* being the most crimes any set of the same number of cells could have captured."""
    actual = np.asarray(actual_counts, dtype=float)
    weights = flag_weights(pred_scores, coverage, rule)
    best = np.sort(actual)[::-1][: round(float(weights.sum()))].sum()
    return float(weights @ actual / best) if best > 0 else np.nan


def _places(cells: int, coverage: float, rule: TieRule) -> int:
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage must be in (0, 1], got {coverage}")
    if rule == "open_cp":
        return int(np.floor(coverage * cells))
    return max(1, int(np.floor(coverage * cells + 0.5)))


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
