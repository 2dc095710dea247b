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


def window_sums(table: np.ndarray, windows: Sequence[int]) -> np.ndarray:
    """(periods, cells, len(windows)): counts in the ``w`` periods before each period, per cell."""
    counts = np.asarray(table, dtype=float)
    before = np.vstack([np.zeros((1, counts.shape[1])), np.cumsum(counts, axis=0)])  # before[t] = Σ_{<t}
    t = np.arange(counts.shape[0])
    return np.stack([before[t] - before[np.maximum(t - w, 0)] for w in windows], axis=-1)


def neighbour_sums(sums: np.ndarray, grid: Grid, radius: int = 1) -> np.ndarray:
    """Box sums over the (2·radius+1)² cells around each cell: a cheap KDE of recent counts.

    ``sums`` is (periods, cells, k) as returned by :func:`window_sums`; the result has that shape.
    Cells off the grid count as empty.
    """
    periods, cells, k = sums.shape
    if cells != grid.n_cells:
        raise ValueError(f"table has {cells} cells, grid has {grid.n_cells}")
    raster = sums.reshape(periods, grid.ny, grid.nx, k)
    size = (1, 2 * radius + 1, 2 * radius + 1, 1)
    box = ndimage.uniform_filter(raster, size=size, mode="constant") * (2 * radius + 1) ** 2
    return box.reshape(periods, cells, k)
