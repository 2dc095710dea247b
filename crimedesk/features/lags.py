"""Lagged and neighbourhood counts over a (periods × cells) table, without looking ahead.

Row ``t`` of every output summarises periods strictly before ``t`` (``t−w … t−1``), so a feature
row and the count it is trained to predict never overlap. Windows longer than the history so far
sum what exists (the first rows of a table are short of history, not zero-crime).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage

from crimedesk.features.grid import Grid


def window_sums(
    table: np.ndarray,
    windows: Sequence[int],
    periods: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """(periods, cells, len(windows)): counts in the ``w`` periods before each period, per cell.

    Only the rows ``periods`` (default all) are made, written into ``out`` when given (a slice of a
    larger design matrix): a training set fills its matrix in place instead of stacking copies.
    Integer tables are summed in integers, so the sums are exact.
    """
    counts = np.asarray(table)
    before = np.zeros((counts.shape[0] + 1, counts.shape[1]), dtype=np.result_type(counts, np.int64))
    np.cumsum(counts, axis=0, out=before[1:])  # before[t] = Σ_{<t}
    t = np.arange(counts.shape[0]) if periods is None else np.asarray(periods)
    if out is None:
        out = np.empty((t.size, counts.shape[1], len(windows)))
    for k, w in enumerate(windows):
        np.subtract(before[t], before[np.maximum(t - w, 0)], out=out[..., k], casting="unsafe")
    return out


def neighbour_sums(sums: np.ndarray, grid: Grid, radius: int = 1) -> np.ndarray:
    """Box sums over the (2·radius+1)² cells around each cell: a cheap KDE of recent counts.

    ``sums`` is (periods, cells) or (periods, cells, k); the result has its shape and dtype (two
    separable 1-D passes, so integer counts stay exact integers). Cells off the grid count as empty.
    """
    periods, cells = sums.shape[:2]
    if cells != grid.n_cells:
        raise ValueError(f"table has {cells} cells, grid has {grid.n_cells}")
    raster = sums.reshape(periods, grid.ny, grid.nx, -1)
    ones = np.ones(2 * radius + 1)
    box = ndimage.correlate1d(raster, ones, axis=1, mode="constant")
    ndimage.correlate1d(box, ones, axis=2, mode="constant", output=box)
    return box.reshape(sums.shape)
