"""Held-out scoring of hotspot maps against grid baselines that select the same area.

At every origin the hotspot method draws its map from the ``train_days`` before the origin; the
naive count grid and the retrospective KDE, fitted on the same window, flag as many study-area cells
as the map covers (rounded, so the areas agree within half a cell). Every contender is scored on the
incidents of the next ``h`` days inside the study area (the grid's active cells): hit rate n/N and
PAI (n/N)/(a/A) with its own realised area, whose share of the study area is ``coverage``. An
origin at which the map is empty has nothing to compare at equal area: it scores NaN for all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import shapely
from sklearn.base import clone

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.grid_backtest import each_origin, in_time_order
from crimedesk.models.evaluation.metrics import hit_rate, pai
from crimedesk.models.hotspots.areas import area_cover, hotspot_area
from crimedesk.models.hotspots.predictors import HotspotPredictor, NaiveCountGrid, RetrospectiveKDE
from crimedesk.models.registry import Cancel, Progress

HotspotFit = Callable[[pd.DataFrame], pd.DataFrame]  # training incidents -> hotspot table
COLUMNS = ["method", "origin", "horizon_days", "coverage", "hit_rate", "pai"]


def equal_area_baselines(train_days: int) -> dict[str, HotspotPredictor]:
    """The grid maps a hotspot map must beat, looking at the same training window."""
    return {
        "naive_count": NaiveCountGrid(window_days=train_days),
        "retrospective_kde": RetrospectiveKDE(window_days=train_days),
    }


def equal_area_backtest(
    events: pd.DataFrame,
    grid: Grid,
    name: str,
    fit: HotspotFit,
    origins: Sequence[pd.Timestamp],
    train_days: int,
    horizons_days: Sequence[int] = (1, 7),
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> pd.DataFrame:
    """One row per (method, origin, horizon): the map ``name`` drawn by ``fit`` and each baseline.

    ``cancel()`` is polled before each origin and raises ``ImportCancelled`` (as the risk backtest).
    """
    ordered, times = in_time_order(events)
    rows: list[dict[str, object]] = []
    for origin in each_origin(origins, progress, cancel):
        window = _between(ordered, times, origin - pd.Timedelta(days=train_days), origin)
        area = hotspot_area(fit(window))
        shapely.prepare(area)
        cover = area_cover(grid, area)
        baselines = equal_area_baselines(train_days).items()
        scores = {b: clone(m).fit(window).predict_scores(grid, origin)[grid.active] for b, m in baselines}
        for days in horizons_days:
            held_out = _between(ordered, times, origin, origin + pd.Timedelta(days=days))
            rows += _rows(name, grid, area, cover, scores, held_out, {"origin": origin, "horizon_days": days})
    return pd.DataFrame(rows, columns=COLUMNS)


def _rows(
    name: str,
    grid: Grid,
    area: shapely.Geometry,
    cover: np.ndarray,
    scores: dict[str, np.ndarray],
    held_out: pd.DataFrame,
    when: dict[str, object],
) -> list[dict[str, object]]:
    """The map's row (its own area) and the baselines' rows (as many whole cells) for one horizon."""
    x, y = held_out["x"].to_numpy(float), held_out["y"].to_numpy(float)
    in_study = np.append(grid.active, False)[grid.cell_index(x, y)]  # off the grid (-1) reads False
    actual = grid.counts(x, y)[grid.active]
    covered = cover.sum()
    if covered == 0:
        return [
            when | {"method": m, "coverage": 0.0, "hit_rate": np.nan, "pai": np.nan} for m in [name, *scores]
        ]
    inside = shapely.intersects_xy(area, x[in_study], y[in_study]).sum()
    total = actual.sum()
    own_hit = inside / total if total > 0 else np.nan
    share = covered / cover.size
    rows = [when | {"method": name, "coverage": share, "hit_rate": own_hit, "pai": own_hit / share}]
    equal = max(1, round(covered)) / cover.size  # flagged_cells turns this share back into that many cells
    for method, score in scores.items():
        rows.append(
            when
            | {
                "method": method,
                "coverage": equal,
                "hit_rate": hit_rate(score, actual, equal),
                "pai": pai(score, actual, equal),
            }
        )
    return rows


def _between(
    ordered: pd.DataFrame, times: np.ndarray, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Incidents with ``start <= time < end`` (``ordered`` is sorted by time)."""
    lo, hi = np.searchsorted(times, [np.datetime64(start, "ns"), np.datetime64(end, "ns")], side="left")
    return ordered.iloc[lo:hi]
