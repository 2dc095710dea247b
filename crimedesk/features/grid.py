"""A projected square grid: the common spatial unit of hotspot models, their scores and metrics.

Cells are numbered row-major from the south-west corner: ``index = row * nx + col``. Every model
scores every cell; ``active`` marks the study area (cells with training incidents, or cells meeting
a polygon), and evaluation ranks only active cells, so the area ``A`` of PAI is a count of active
cells. Grid offset matters for hit rates (REFERENCES §2.1), so the origin is explicit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import shapely


@dataclass(frozen=True, init=False)
class Grid:
    """Square cells of ``cell_size`` metres; lower-left corner ``(x0, y0)``; ``ny`` rows × ``nx`` cols.

    ``active`` defaults to every cell; the own ``__init__`` lets it be omitted while the attribute
    is always a mask.
    """

    cell_size: float
    x0: float
    y0: float
    nx: int
    ny: int
    active: np.ndarray = field(compare=False, repr=False)

    def __init__(
        self, cell_size: float, x0: float, y0: float, nx: int, ny: int, active: np.ndarray | None = None
    ) -> None:
        if cell_size <= 0 or nx <= 0 or ny <= 0:
            raise ValueError("a grid needs a positive cell size and at least one row and column")
        mask = np.ones(nx * ny, dtype=bool) if active is None else active
        if mask.shape != (nx * ny,):
            raise ValueError(f"active mask has shape {mask.shape}, grid has {nx * ny} cells")
        values = {"cell_size": cell_size, "x0": x0, "y0": y0, "nx": nx, "ny": ny, "active": mask}
        for name, value in values.items():
            object.__setattr__(self, name, value)  # frozen: the dataclass way of setting in __init__

    @classmethod
    def from_bounds(
        cls, bounds: tuple[float, float, float, float], cell_size: float, offset: tuple[float, float] = (0, 0)
    ) -> Grid:
        """Smallest grid covering ``(xmin, ymin, xmax, ymax)`` whose lines pass through ``offset``."""
        xmin, ymin, xmax, ymax = bounds
        x0 = offset[0] + np.floor((xmin - offset[0]) / cell_size) * cell_size
        y0 = offset[1] + np.floor((ymin - offset[1]) / cell_size) * cell_size
        nx = int(np.floor((xmax - x0) / cell_size)) + 1
        ny = int(np.floor((ymax - y0) / cell_size)) + 1
        return cls(float(cell_size), float(x0), float(y0), nx, ny)

    @classmethod
    def from_points(
        cls, x: np.ndarray, y: np.ndarray, cell_size: float, offset: tuple[float, float] = (0, 0)
    ) -> Grid:
        """Grid covering the bounding box of the points."""
        return cls.from_bounds((np.min(x), np.min(y), np.max(x), np.max(y)), cell_size, offset)

    @property
    def n_cells(self) -> int:
        return self.nx * self.ny

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols): reshape a per-cell array to this to get a south-up raster."""
        return self.ny, self.nx

    @property
    def active_cells(self) -> np.ndarray:
        """Indices of the study-area cells, ascending."""
        return np.flatnonzero(self.active)

    def col_row(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Integer column and row of points, unbounded (points off the grid get out-of-range values)."""
        col = np.floor((np.asarray(x, dtype=float) - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((np.asarray(y, dtype=float) - self.y0) / self.cell_size).astype(np.int64)
        return col, row

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Cell index of each point, -1 for points off the grid."""
        col, row = self.col_row(x, y)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return np.where(inside, row * self.nx + col, -1)

    def cell_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell centre, in cell-index order."""
        cols, rows = np.meshgrid(np.arange(self.nx), np.arange(self.ny))
        half = self.cell_size / 2
        return self.x0 + cols.ravel() * self.cell_size + half, self.y0 + rows.ravel() * self.cell_size + half

    def counts(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Number (or weight sum) of points per cell; points off the grid are ignored."""
        cells = self.cell_index(x, y)
        on_grid = cells >= 0
        w = None if weights is None else np.asarray(weights, dtype=float)[on_grid]
        return np.bincount(cells[on_grid], weights=w, minlength=self.n_cells).astype(float)

    def masked_to_points(self, x: np.ndarray, y: np.ndarray) -> Grid:
        """Study area = cells where at least one (training) incident fell."""
        return replace(self, active=self.counts(x, y) > 0)

    def masked_to_geometry(self, geometry: shapely.Geometry) -> Grid:
        """Study area = cells sharing some area with ``geometry`` (same projected CRS as the grid).

        Cells that only touch the boundary (an edge or a corner) are outside.
        """
        cx, cy = self.cell_centres()
        half = self.cell_size / 2
        boxes = shapely.box(cx - half, cy - half, cx + half, cy + half)
        shapely.prepare(geometry)
        inside = shapely.intersects(geometry, boxes) & ~shapely.touches(geometry, boxes)
        return replace(self, active=inside)


def counts_per_period(
    grid: Grid, frame: pd.DataFrame, start: pd.Timestamp, period: pd.Timedelta, n_periods: int
) -> np.ndarray:
    """Dense (periods × cells) incident counts for ``[start + k·period, start + (k+1)·period)``.

    One ``bincount`` over the combined (period, cell) key: no per-period loop, no sparse detour.
    """
    elapsed = (frame["occurred_from"].to_numpy() - np.datetime64(start)) / np.timedelta64(period)
    slot = np.floor(elapsed).astype(np.int64)
    cells = grid.cell_index(frame["x"].to_numpy(), frame["y"].to_numpy())
    keep = (cells >= 0) & (slot >= 0) & (slot < n_periods)
    flat = np.bincount(slot[keep] * grid.n_cells + cells[keep], minlength=n_periods * grid.n_cells)
    return flat.reshape(n_periods, grid.n_cells)
