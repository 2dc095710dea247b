"""Rolling-origin backtest of hotspot predictors on one grid (open_cp's daily HitRateEvaluator).

For every origin the models are refitted on incidents strictly before it and scored on the
following ``horizon`` days, so a result can never benefit from the future. Only the grid's active
(study-area) cells are ranked; incidents in inactive cells are outside the study area and count in
neither n nor N. Origins whose horizon holds no incident give NaN metrics (kept, not dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone

from crimedesk.domain.errors import ImportCancelled
from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.metrics import hit_rate, pai, pei_star
from crimedesk.models.evaluation.paired import against_baseline
from crimedesk.models.hotspots.predictors import HotspotPredictor

COVERAGES: tuple[float, ...] = (0.01, 0.05, 0.10)
SIGNIFICANCE = 0.05
PAIRED_FIELDS = ("p_value", "wins", "losses", "ties", "origins", "mean", "ci_low", "ci_high", "baseline_mean")
METRICS: tuple[str, ...] = ("hit_rate", "pai", "pei_star")

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


def rolling_backtest(
    events: pd.DataFrame,
    grid: Grid,
    methods: Mapping[str, HotspotPredictor],
    origins: Sequence[pd.Timestamp],
    horizons_days: Sequence[int] = (1, 7),
    coverages: Sequence[float] = COVERAGES,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    refit_days: int = 1,
) -> pd.DataFrame:
    """Tidy results: one row per (method, origin, horizon, coverage) with hit_rate, pai, pei_star.

    Each model is refitted on the incidents before an origin once ``refit_days`` have passed since
    its last fit; in between it keeps its learned parameters and only gets the newer incidents
    (:meth:`HotspotPredictor.remember`), so every score still uses incidents before its origin only.

    At each origin the cells that can be flagged (the study area, A of PAI) are those holding an
    incident before the origin: no test-period incident can enlarge it. N counts every incident of
    the test period in the grid's active cells, those outside the study area too.

    ``cancel()`` is polled before each origin; when it returns True, ``ImportCancelled`` is raised
    (the shared cancellation error until a general one exists) and no partial result is returned.
    """
    ordered, times = in_time_order(events)
    rows: list[dict[str, object]] = []
    fitted: dict[str, HotspotPredictor] = {}
    fitted_at: pd.Timestamp | None = None
    for origin in each_origin(origins, progress, cancel):
        start = int(np.searchsorted(times, np.datetime64(origin, "ns"), side="left"))
        history = ordered.iloc[:start]
        area = study_area(history, grid)
        actuals = {h: _actual_counts(ordered, times, grid, start, origin, h) for h in horizons_days}
        refit = fitted_at is None or origin - fitted_at >= pd.Timedelta(days=refit_days)
        fitted_at = origin if refit else fitted_at
        for name, method in methods.items():
            model = clone(method).fit(history) if refit else fitted[name].remember(history)
            fitted[name] = model
            scores = model.predict_scores(grid, origin)[area]
            rows += [
                _score_row(name, origin, h, c, scores, actuals[h], area, grid.active)
                for h in horizons_days
                for c in coverages
            ]
    if progress is not None:
        progress(1.0, "Backtest finished")
    return pd.DataFrame(rows, columns=["method", "origin", "horizon_days", "coverage", *METRICS])


def in_time_order(events: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The events sorted by time (stable, so ties keep their order) and their times as datetime64."""
    ordered = events.sort_values("occurred_from", kind="stable").reset_index(drop=True)
    return ordered, ordered["occurred_from"].to_numpy("datetime64[ns]")


def each_origin(
    origins: Sequence[pd.Timestamp],
    progress: Callable[[float, str], None] | None,
    cancel: Callable[[], bool] | None,
    what: str = "Backtest",
) -> Iterator[pd.Timestamp]:
    """The origins in turn, reporting progress; raises ``ImportCancelled`` when ``cancel()`` says so."""
    for step, origin in enumerate(pd.DatetimeIndex(origins)):
        if cancel is not None and cancel():
            raise ImportCancelled(f"{what} cancelled.")
        if progress is not None:
            progress(step / len(origins), f"{what} origin {origin:%Y-%m-%d}")
        yield origin


def summarise(
    results: pd.DataFrame,
    by: Sequence[str] = ("method", "horizon_days", "coverage"),
    metrics: Sequence[str] = METRICS,
) -> pd.DataFrame:
    """Mean ``metrics`` per ``by`` group, with the number of origins that scored (hit rate not NaN)."""
    grouped = results.groupby(list(by), sort=True)
    summary = grouped[list(metrics)].mean()
    summary["origins"] = grouped["hit_rate"].count()
    return summary.reset_index()


def backtest_metrics(
    summary: pd.DataFrame, model: str, results: pd.DataFrame, horizon_days: int = 1
) -> dict[str, object]:
    """What an experiment stores: the summary rows (NaN as null), the paired comparison of ``model``
    with the best other method (a baseline) on PAI at ``horizon_days``, origin by origin, and the
    verdict: the model beats the baseline only when its mean PAI is higher and the paired test
    (Wilcoxon signed-rank over the origins) says so at p < 0.05."""
    scored = summary[summary["horizon_days"] == horizon_days].set_index("method")
    best_baseline = scored.drop(index=model)["pai"].idxmax()
    at_horizon = results[results["horizon_days"] == horizon_days]
    compared = against_baseline(at_horizon, best_baseline, "pai", by=("horizon_days",))
    paired = compared[compared["method"] == model].iloc[0]
    higher = scored.loc[model, "pai"] > scored.loc[best_baseline, "pai"]
    beats = bool(higher and paired["p_value"] < SIGNIFICANCE)
    when = {1: "next-day", 7: "next-week"}.get(horizon_days, f"{horizon_days}-day")
    if beats:
        verdict = f"{model} beats {best_baseline} on {when} PAI (paired p = {paired['p_value']:.3f})"
    else:
        verdict = (
            f"baseline {best_baseline} is at least as good on {when} PAI"
            f" (paired p = {paired['p_value']:.3f}): prefer it"
        )
    records = summary.astype(object).where(summary.notna(), None).to_dict(orient="records")
    return {
        "backtest": records,
        "paired": {"baseline": best_baseline} | {k: _plain(paired[k]) for k in PAIRED_FIELDS},
        "beats_baselines": beats,
        "verdict": verdict,
        "verdict_horizon_days": horizon_days,
    }


def _plain(value: object) -> object:
    """A JSON-ready number (numpy scalars to Python, NaN to None)."""
    number = float(value)  # type: ignore[arg-type]
    if number != number:
        return None
    return int(number) if isinstance(value, (int, np.integer)) else number


def study_area(history: pd.DataFrame, grid: Grid) -> np.ndarray:
    """Active cells of ``grid`` holding an incident of ``history`` (the incidents before an origin)."""
    return grid.active & (grid.counts(history["x"].to_numpy(), history["y"].to_numpy()) > 0)


def _actual_counts(
    ordered: pd.DataFrame, times: np.ndarray, grid: Grid, start: int, origin: pd.Timestamp, days: int
) -> np.ndarray:
    """Incidents per cell of the grid in ``[origin, origin + days)``."""
    stop = np.searchsorted(times, np.datetime64(origin + pd.Timedelta(days=days), "ns"), side="left")
    window = ordered.iloc[start:stop]
    return grid.counts(window["x"].to_numpy(), window["y"].to_numpy())


def _score_row(
    name: str,
    origin: pd.Timestamp,
    days: int,
    coverage: float,
    scores: np.ndarray,
    actual: np.ndarray,
    area: np.ndarray,
    grid_active: np.ndarray,
) -> dict[str, object]:
    inside, crimes = actual[area], actual[grid_active].sum()
    return {
        "method": name,
        "origin": origin,
        "horizon_days": days,
        "coverage": coverage,
        "hit_rate": hit_rate(scores, inside, coverage, total=crimes),
        "pai": pai(scores, inside, coverage, total=crimes),
        "pei_star": pei_star(scores, inside, coverage),
    }
