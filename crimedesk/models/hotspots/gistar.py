"""Getis–Ord Gi* hot and cold spots on grid cell counts (Getis & Ord 1992; Ord & Getis 1995).

Binary weights include the cell itself. Only the grid's active (study-area) cells take part: they
are the n observations, and inactive cells are neither neighbours nor scored, so the edge of the
study area is not mistaken for a cold spot. Many cells are tested at once, hence the
Benjamini–Hochberg false-discovery-rate correction before classifying (Esri's Gi_Bin convention:
±3, ±2, ±1 for 99, 95, 90% confidence).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import ndimage, stats

from crimedesk.features.grid import Grid

LEVELS: tuple[tuple[int, float], ...] = ((3, 0.01), (2, 0.05), (1, 0.10))


def gi_star(
    grid: Grid,
    counts: np.ndarray,
    neighbourhood: Literal["queen", "distance"] = "queen",
    band_cells: float = 1.0,
    fdr: bool = True,
) -> pd.DataFrame:
    """Gi* per active cell: columns cell, count, z, p, p_fdr, gi_bin, label.

    ``queen``: neighbours within ``band_cells`` Chebyshev steps (1 = the 8 touching cells);
    ``distance``: cell centres within ``band_cells`` cell widths. ``gi_bin`` uses ``p_fdr`` when
    ``fdr`` is true, the raw two-sided p otherwise.
    """
    window = _window(neighbourhood, band_cells)
    active = grid.active.reshape(grid.shape).astype(float)
    x = np.asarray(counts, dtype=float).reshape(grid.shape) * active
    cells = grid.active_cells
    weight_sum = ndimage.correlate(active, window, mode="constant").ravel()[cells]
    local_sum = ndimage.correlate(x, window, mode="constant").ravel()[cells]
    n = active.sum()
    mean = x.sum() / n
    s = np.sqrt((x**2).sum() / n - mean**2)
    if s == 0:
        raise ValueError("every study-area cell has the same count: Gi* is undefined")
    # Binary weights: Σ w² = Σ w.
    z = (local_sum - mean * weight_sum) / (s * np.sqrt((n * weight_sum - weight_sum**2) / (n - 1)))
    p = 2 * stats.norm.sf(np.abs(z))
    p_fdr = benjamini_hochberg(p)
    bins = _bins(z, p_fdr if fdr else p)
    return pd.DataFrame(
        {
            "cell": cells,
            "count": x.ravel()[cells],
            "z": z,
            "p": p,
            "p_fdr": p_fdr,
            "gi_bin": bins,
            "label": [_label(b) for b in bins],
        }
    )


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values: min over k ≥ rank of p_(k)·m/k, capped at 1 (step-up procedure)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty_like(p)
    result[order] = np.minimum(adjusted, 1.0)
    return result


def _window(neighbourhood: str, band_cells: float) -> np.ndarray:
    reach = int(np.floor(band_cells))
    steps = np.arange(-reach, reach + 1)
    dc, dr = np.meshgrid(steps, steps)
    if neighbourhood == "queen":
        return (np.maximum(abs(dc), abs(dr)) <= band_cells).astype(float)
    if neighbourhood == "distance":
        return (np.hypot(dc, dr) <= band_cells).astype(float)
    raise ValueError(f"unknown neighbourhood {neighbourhood!r}: use 'queen' or 'distance'")


def _bins(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    bins = np.zeros(z.size, dtype=np.int64)
    for level, alpha in LEVELS[::-1]:
        bins[p < alpha] = level
    return bins * np.sign(z).astype(np.int64)


def _label(gi_bin: int) -> str:
    if gi_bin == 0:
        return "not significant"
    confidence = {3: 99, 2: 95, 1: 90}[abs(gi_bin)]
    return f"{'hot' if gi_bin > 0 else 'cold'} spot {confidence}%"
