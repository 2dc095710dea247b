"""Hotspot maps as areas: the polygons a hotspot method draws, and how much of each grid cell they cover.

A hotspot map is a table with the columns of :data:`~crimedesk.models.hotspots.dbscan.CLUSTER_COLUMNS` (one
row per hotspot: id, incident count, share, top offenses, area, WKT polygon in projected metres).
DBSCAN clusters already come that way; :func:`gistar_hotspots` makes the same table from the cells
Gi* finds significantly hot after the false-discovery-rate correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from scipy import ndimage

from crimedesk.features.grid import Grid
from crimedesk.models.hotspots.dbscan import CLUSTER_COLUMNS, top_offenses
from crimedesk.models.hotspots.gistar import gi_star

EDGE_NEIGHBOURS = ndimage.generate_binary_structure(2, 1)  # cells sharing an edge dissolve together


@dataclass(frozen=True)
class HotspotMap:
    """A fitted hotspot map (the experiment's artifact): ``table`` polygons are in EPSG ``epsg``.

    ``method`` names how the polygons were drawn; ``start``/``end`` bound the incidents they summarise.
    """

    method: str
    epsg: int
    start: pd.Timestamp
    end: pd.Timestamp
    table: pd.DataFrame


def gistar_hotspots(
    events: pd.DataFrame,
    grid: Grid,
    alpha: float = 0.05,
    neighbourhood: Literal["queen", "distance"] = "queen",
    band_cells: float = 1.0,
    dissolve: bool = True,
) -> pd.DataFrame:
    """Hot cells of Gi* (FDR-adjusted p < ``alpha``, z > 0) as squares, edge neighbours dissolved.

    Hotspots are numbered by incident count, largest first (ties: lowest cell first).
    """
    x, y = events["x"].to_numpy(float), events["y"].to_numpy(float)
    result = gi_star(grid, grid.counts(x, y), neighbourhood, band_cells)
    hot = result.loc[(result["p_fdr"] < alpha) & (result["z"] > 0), "cell"].to_numpy()
    if hot.size == 0:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    group = _components(grid, hot) if dissolve else np.arange(hot.size)
    cell_group = np.full(grid.n_cells + 1, -1)  # the extra last slot answers cell index -1 (off the grid)
    cell_group[hot] = group
    labels = cell_group[grid.cell_index(x, y)]
    counts = np.bincount(labels[labels >= 0], minlength=group.max() + 1)
    rank = np.lexsort((np.arange(counts.size), -counts))  # rank[i]: the i-th largest hotspot
    renumber = np.empty_like(rank)
    renumber[rank] = np.arange(rank.size)
    labels = np.where(labels >= 0, renumber[np.maximum(labels, 0)], -1)
    squares = _squares(grid, hot)
    polygons = [shapely.union_all(squares[renumber[group] == i]) for i in range(rank.size)]
    return pd.DataFrame(
        {
            "cluster": np.arange(rank.size),
            "count": counts[rank],
            "share": counts[rank] / max(len(events), 1),
            "top_offenses": top_offenses(events["offense_type"], labels, rank.size),
            "area_m2": shapely.area(polygons),
            "wkt": shapely.to_wkt(polygons, rounding_precision=1),
        }
    )


def hotspot_area(table: pd.DataFrame) -> shapely.Geometry:
    """The union of a hotspot table's polygons (empty when there is no hotspot)."""
    return shapely.union_all(shapely.from_wkt(table["wkt"].to_numpy(dtype=object)))


def area_cover(grid: Grid, area: shapely.Geometry) -> np.ndarray:
    """Share (0–1) of each active cell, in ``grid.active_cells`` order, that lies inside ``area``."""
    squares = _squares(grid, grid.active_cells)
    cover = np.zeros(squares.size)
    touched = shapely.STRtree(squares).query(area, predicate="intersects")
    cover[touched] = shapely.area(shapely.intersection(squares[touched], area)) / grid.cell_size**2
    return cover


def _components(grid: Grid, cells: np.ndarray) -> np.ndarray:
    """Group number (from 0) of each of ``cells``: edge-connected hot cells share a group."""
    raster = np.zeros(grid.n_cells, dtype=bool)
    raster[cells] = True
    labelled, _count = ndimage.label(raster.reshape(grid.shape), structure=EDGE_NEIGHBOURS)
    return labelled.ravel()[cells] - 1


def _squares(grid: Grid, cells: np.ndarray) -> np.ndarray:
    cx, cy = grid.cell_centres()
    half = grid.cell_size / 2
    return shapely.box(cx[cells] - half, cy[cells] - half, cx[cells] + half, cy[cells] + half)
