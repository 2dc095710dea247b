"""The Knox test of a store's filtered incidents, and its near-repeat chains as map lines.

A chain links incidents pairwise within the first significant band of the Knox table: the cell
with p < 0.05 and more pairs than chance that comes first (closest distance band, then shortest
time band); two incidents are linked when they are at most that band's outer distance and outer
time gap apart, and chains join links transitively. The map draws each link as a line coloured by
the size of its chain, largest chains first, at most ``MAX_LINKS`` of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.overlays import ProjectedShapes
from crimedesk.models.frame import incidents_frame
from crimedesk.models.nearrepeat.knox import KnoxResult, Metric, chain_ids, knox_test, linked_pairs

ALPHA = 0.05
MAX_LINKS = 5_000
EVENT_COLUMNS = ("occurred_from", "x", "y", "xy_epsg", "mappable")


@dataclass(frozen=True)
class KnoxRun:
    """A Knox table with the links of its first significant band (None when no band is)."""

    result: KnoxResult
    band: tuple[float, float] | None  # (metres, days) that link two incidents
    links: ProjectedShapes | None
    total_links: int  # links in the band, before the map's cap


def knox_events(engine: Engine, filters: FilterSnapshot) -> pd.DataFrame:
    """The filtered incidents with projected coordinates, oldest first, with ``days`` since the
    epoch (a mappable row may hold only lon/lat: it has no place in a test in metres)."""
    with engine.connect() as conn:
        frame = incidents_frame(conn, dataclasses.replace(filters, mappable_only=True), EVENT_COLUMNS)
    placed = (
        frame["mappable"] & np.isfinite(frame["x"].to_numpy(float)) & np.isfinite(frame["y"].to_numpy(float))
    )
    events = frame[placed].reset_index(drop=True)
    seconds = events["occurred_from"].to_numpy("datetime64[s]").astype(np.int64)
    return events.assign(days=seconds / 86_400)


def store_knox(
    engine: Engine,
    filters: FilterSnapshot,
    spatial_edges: Sequence[float],
    temporal_edges: Sequence[float],
    permutations: int = 999,
    metric: Metric = "euclidean",
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> KnoxRun:
    """Knox table of the incidents under ``filters`` and the chains of its first significant band."""
    events = knox_events(engine, filters)
    if len(events) < 2:
        raise ValueError("fewer than two incidents with coordinates match these filters")
    x, y, days = events["x"].to_numpy(float), events["y"].to_numpy(float), events["days"].to_numpy()
    result = knox_test(
        x, y, days, spatial_edges, temporal_edges, permutations, metric, seed, progress, cancel
    )
    band = first_significant_band(result)
    if band is None:
        return KnoxRun(result, None, None, 0)
    epsg = int(events["xy_epsg"].dropna().iloc[0])
    links, total = chain_links(x, y, days, band, epsg, metric)
    return KnoxRun(result, band, links, total)


def first_significant_band(result: KnoxResult, alpha: float = ALPHA) -> tuple[float, float] | None:
    """(outer metres, outer days) of the first cell with p < ``alpha`` and ratio > 1, row-major."""
    significant = (result.p_values < alpha) & (np.nan_to_num(result.ratio) > 1)
    cells = np.argwhere(significant)
    if cells.size == 0:
        return None
    s, t = cells[0]
    return result.spatial_edges[s + 1], result.temporal_edges[t + 1]


def chain_links(
    x: np.ndarray,
    y: np.ndarray,
    days: np.ndarray,
    band: tuple[float, float],
    epsg: int,
    metric: Metric = "euclidean",
    limit: int = MAX_LINKS,
) -> tuple[ProjectedShapes, int]:
    """Lines between linked incidents (largest chains first, at most ``limit``) and the link count."""
    import shapely

    distance, within_days = band
    first, second, gap = linked_pairs(x, y, days, distance, within_days, metric)
    chain = chain_ids(first, second, days.size)
    size = np.bincount(chain[chain >= 0])[chain[first]] if first.size else np.zeros(0, dtype=int)
    keep = np.argsort(chain[first], kind="stable")[:limit]  # chain ids count from the largest chain
    a, b = first[keep], second[keep]
    ends = np.stack([np.column_stack([x[a], y[a]]), np.column_stack([x[b], y[b]])], axis=1)
    lines = np.asarray(shapely.linestrings(ends))
    metres = np.hypot(x[a] - x[b], y[a] - y[b])
    labels = [
        f"chain of {n} incidents: {m:.0f} m, {g:.1f} days apart"
        for n, m, g in zip(size[keep].tolist(), metres.tolist(), gap[keep].tolist(), strict=True)
    ]
    shapes = ProjectedShapes(lines, size[keep].astype(float), labels, epsg, "incidents in the chain")
    return shapes, int(first.size)
