"""The pairs of events within the largest Knox distance, grouped by first event and space band.

Events are put in square cells as wide as the largest distance, so an event's partners lie in its
own cell or the eight around it, and numbered in cell order. Two compiled passes over the cells,
on all cores, first count each event's later partners per band and then write them in place: no
list of all pairs to sort. District 011's 20,000 events (11 million pairs within 500 m): a
KD-tree's pair list, its distances and the sort into groups took 4.8 s on one core, a quarter of
a 999-permutation Knox run; the grid takes 1.3 s.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numba import njit, prange

from crimedesk.models.nearrepeat.pair_counts import PairLists

Metric = Literal["euclidean", "manhattan"]


def near_pair_lists(
    x: np.ndarray, y: np.ndarray, spatial_edges: np.ndarray, metric: Metric
) -> tuple[np.ndarray, PairLists]:
    """The events in cell order, and each pair (i < j, in that order) at most ``spatial_edges[-1]``
    apart under i and its band (bands closed on the right: a pair exactly at an edge falls in the
    band below it). Position i of the lists is event ``order[i]``: neighbours sit near each other
    in memory, which made counting the permutations 1.6× as fast as in the events' own order."""
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    edges = np.asarray(spatial_edges, dtype=np.float64)
    spaces = edges.size - 1
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise ValueError("near-repeat pairs need finite coordinates (unmappable events left out)")
    if xs.size == 0:
        return np.zeros(0, np.int64), PairLists(np.zeros(1, np.int64), np.zeros(0, np.int32), spaces)
    width = edges[-1]
    column = np.floor((xs - xs.min()) / width).astype(np.int64)
    row = np.floor((ys - ys.min()) / width).astype(np.int64)
    columns = int(column.max()) + 3  # a margin column on each side: a neighbour's id never wraps
    cell_of_event = (row + 1) * columns + column + 1
    order = np.argsort(cell_of_event, kind="stable")
    cell = cell_of_event[order]
    cell_ids, first_in_cell = np.unique(cell, return_index=True)
    cell_starts = np.append(first_in_cell, xs.size).astype(np.int64)
    grid = (xs[order], ys[order], cell, columns, cell_ids, cell_starts, edges[1:], metric == "manhattan")
    counts = np.zeros(xs.size * spaces, np.int64)
    _walk(*grid, counts, np.zeros(0, np.int32), False)
    offsets = np.zeros(counts.size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    later = np.empty(offsets[-1], np.int32)
    _walk(*grid, offsets, later, True)
    return order, PairLists(offsets, later, spaces)


@njit(cache=True, inline="always")
def _band(xs: np.ndarray, ys: np.ndarray, i: int, j: int, limits: np.ndarray, manhattan: bool) -> int:
    """The band of the pair (i, j): the first limit at least their distance (limits.size if none)."""
    dx, dy = xs[i] - xs[j], ys[i] - ys[j]
    distance = abs(dx) + abs(dy) if manhattan else math.hypot(dx, dy)
    band = 0
    while band < limits.size and distance > limits[band]:
        band += 1
    return band


@njit(parallel=True, cache=True)
def _walk(
    xs: np.ndarray,
    ys: np.ndarray,
    cell: np.ndarray,
    columns: int,
    cell_ids: np.ndarray,
    cell_starts: np.ndarray,
    limits: np.ndarray,
    manhattan: bool,
    offsets: np.ndarray,
    later: np.ndarray,
    fill: bool,
) -> None:
    """Every event's later partners (j > i) in its own and the eight cells around it, by band:
    counted into ``offsets[i * spaces + band]`` (``fill`` false), or written into ``later`` from
    those offsets on (``fill`` true), in the same order."""
    spaces = limits.size
    for i in prange(xs.size):
        mine = offsets[i * spaces : (i + 1) * spaces].copy()  # counting: zeros; writing: offsets
        for step in range(9):
            near = cell[i] + (step // 3 - 1) * columns + step % 3 - 1
            at = np.searchsorted(cell_ids, near)
            if at == cell_ids.size or cell_ids[at] != near:
                continue
            for j in range(max(i + 1, cell_starts[at]), cell_starts[at + 1]):  # later ones only
                band = _band(xs, ys, i, j, limits, manhattan)
                if band < spaces:
                    if fill:
                        later[mine[band]] = j
                    mine[band] += 1
        if not fill:
            offsets[i * spaces : (i + 1) * spaces] = mine
