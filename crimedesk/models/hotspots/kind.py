"""Hotspot kinds: weighted DBSCAN clusters and Getis–Ord Gi* hot cells, drawn as polygons.

Both are judged the same way (:mod:`crimedesk.models.evaluation.area_backtest`): on weekly origins before the
last week of the data, the map drawn from the preceding ``train_days`` is scored on the next day and
the next week against the naive count grid and the retrospective KDE selecting an equal area; the
verdict is on next-week PAI (a hotspot map is read for the coming week). The stored model is the map
of the latest ``train_days``, in the incidents' projected CRS, ready to be sent to the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal

import pandas as pd
import shapely

from crimedesk.domain.errors import CrimedeskError
from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.area_backtest import HotspotFit, equal_area_backtest
from crimedesk.models.evaluation.grid_backtest import backtest_metrics, summarise
from crimedesk.models.evaluation.grid_comparison import GRID_BACKTEST
from crimedesk.models.hotspots.areas import HotspotMap, gistar_hotspots
from crimedesk.models.hotspots.dbscan import WeightedDBSCANHotspots
from crimedesk.models.hotspots.map_polygons import hotspot_polygons
from crimedesk.models.registry import Cancel, KindSpec, MapOutput, Progress, Trained, param, register

DAY = pd.Timedelta(days=1)
VERDICT_HORIZON_DAYS = 7


@dataclass(frozen=True)
class HotspotWindowParams:
    """What every hotspot kind shares: the training window, the study grid and the backtest."""

    train_days: int = param(56, "Training window", "Days of incidents each map is drawn from.", "days")
    cell_size: float = param(
        150.0, "Study grid cell", "Cell side of the study area and of the baselines' grids.", "metres"
    )
    backtest_origins: int = param(4, "Backtest origins", "How many past weeks the maps are scored on.")
    origin_step_days: int = param(7, "Origin step", "Days between two backtest origins.", "days")


@dataclass(frozen=True)
class DBSCANParams(HotspotWindowParams):
    eps: float = param(
        100.0, "Neighbourhood radius", "How close incidents must be to join a cluster.", "metres"
    )
    min_samples: int = param(
        20,
        "Core size",
        "Incidents (repeats counted) within the radius that make a cluster's core.",
        "incidents",
    )
    round_to: float = param(
        1.0, "Merge distance", "Locations this close are merged before clustering.", "metres"
    )


@dataclass(frozen=True)
class GiStarParams(HotspotWindowParams):
    alpha: float = param(
        0.05,
        "False-discovery rate",
        "Share of the hot cells allowed to be hot by chance (Benjamini–Hochberg).",
    )
    neighbourhood: Literal["queen", "distance"] = param(
        "queen",
        "Neighbours",
        "Queen: cells within the band in Chebyshev steps (1 = the 8 touching); distance: centres within it.",
        choices=("queen", "distance"),
    )
    band_cells: float = param(1.0, "Distance band", "Reach of the neighbourhood, in cell widths.", "cells")
    dissolve: bool = param(True, "Merge touching cells", "Edge-adjacent hot cells become one polygon.")


def _dbscan_fit(params: DBSCANParams, grid: Grid) -> HotspotFit:
    model = WeightedDBSCANHotspots(eps=params.eps, min_samples=params.min_samples, round_to=params.round_to)
    return lambda events: model.fit(events).clusters_


def _gistar_fit(params: GiStarParams, grid: Grid) -> HotspotFit:
    return partial(
        gistar_hotspots,
        grid=grid,
        alpha=params.alpha,
        neighbourhood=params.neighbourhood,
        band_cells=params.band_cells,
        dissolve=params.dissolve,
    )


def _hotspot_fit(params: HotspotWindowParams, grid: Grid) -> HotspotFit:
    """The hotspot drawer that ``params`` configure (each kind registers its own params class)."""
    if isinstance(params, DBSCANParams):
        return _dbscan_fit(params, grid)
    if isinstance(params, GiStarParams):
        return _gistar_fit(params, grid)
    raise TypeError(f"no hotspot kind takes {type(params).__name__}")


def train_hotspots(
    frame: pd.DataFrame,
    params: HotspotWindowParams,
    seed: int,
    progress: Progress,
    cancel: Cancel,
    *,
    kind: str,
) -> Trained:
    """Backtest ``kind`` at equal area against the grid baselines, then draw the latest map."""
    events = frame[frame["mappable"]]
    epsg = projected_epsg(events)
    x, y = events["x"], events["y"]
    grid = Grid.from_points(x, y, params.cell_size).masked_to_points(x, y)
    fit = _hotspot_fit(params, grid)
    end = events["occurred_from"].max().floor("D") + DAY
    results = equal_area_backtest(
        events,
        grid,
        kind,
        fit,
        backtest_origins(events, params, end),
        params.train_days,
        (1, VERDICT_HORIZON_DAYS),
        lambda f, m: progress(0.9 * f, m),
        cancel,
    )
    summary = summarise(results, by=("method", "horizon_days"), metrics=("coverage", "hit_rate", "pai"))
    if summary.loc[summary["method"] == kind, "origins"].max() == 0:
        raise ValueError(f"{kind} drew no hotspot in any backtest window: nothing to score (loosen it)")
    progress(0.9, "drawing the hotspots of the latest window")
    start = end - params.train_days * DAY
    latest = events[events["occurred_from"] >= start]
    hotspots = HotspotMap(kind, epsg, start, end, fit(latest).reset_index(drop=True))
    return Trained(hotspots, backtest_metrics(summary, kind, results, VERDICT_HORIZON_DAYS))


def backtest_origins(
    events: pd.DataFrame, params: HotspotWindowParams, end: pd.Timestamp
) -> pd.DatetimeIndex:
    """Weekly-stepped origins, the last one a week before ``end``; every training window is in the data."""
    step = params.origin_step_days * DAY
    first = end - VERDICT_HORIZON_DAYS * DAY - step * (params.backtest_origins - 1)
    needed = first - params.train_days * DAY
    if needed < events["occurred_from"].min().floor("D"):
        span = (end - events["occurred_from"].min().floor("D")).days
        raise ValueError(
            f"the backtest needs incidents from {needed:%Y-%m-%d} ({(end - needed).days} days); the data "
            f"span {span} days: fewer origins or a shorter training window"
        )
    return pd.date_range(first, periods=params.backtest_origins, freq=step)


def projected_epsg(events: pd.DataFrame) -> int:
    """The one projected CRS (EPSG code) of the incidents' x/y: polygons are only drawn within one."""
    codes = events["xy_epsg"].dropna().unique()
    if len(codes) != 1:
        raise CrimedeskError(f"the incidents use {len(codes)} coordinate systems; hotspots need exactly one")
    return int(codes[0])


def _predict_hotspots(model: HotspotMap, frame: pd.DataFrame, params: HotspotWindowParams) -> pd.DataFrame:
    """The hotspots of the latest window, largest first, each with a point inside it (x, y) instead of
    its polygon text (the polygons go to the map: :mod:`crimedesk.models.hotspots.map_polygons`)."""
    inner = shapely.point_on_surface(shapely.from_wkt(model.table["wkt"].to_numpy(dtype=object)))
    return model.table.drop(columns="wkt").assign(x=shapely.get_x(inner), y=shapely.get_y(inner))


for _kind, _name, _params, _doc in (
    (
        "hotspots_dbscan",
        "Hotspot areas (weighted DBSCAN)",
        DBSCANParams,
        "Weighted DBSCAN clusters of incidents as buffered hulls.",
    ),
    (
        "hotspots_gistar",
        "Hot cells (Getis–Ord Gi*)",
        GiStarParams,
        "Getis–Ord Gi* hot cells (FDR-corrected) as dissolved squares.",
    ),
):
    register(
        KindSpec(
            kind=_kind,
            display_name=_name,
            task="hotspots",
            description=_doc,
            params=_params,
            train=partial(train_hotspots, kind=_kind),
            predict=_predict_hotspots,
            metrics=GRID_BACKTEST,
            smoke_params={},
            map_output=MapOutput("hotspot polygons", hotspot_polygons),
        )
    )
