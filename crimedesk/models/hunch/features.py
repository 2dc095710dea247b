"""HunchLab-style features of grid cells on one day, built from incidents strictly before that day.

Per active cell of a grid and a day ``t`` (its midnight): counts over the 1/7/28/56/364 days before
``t`` in the cell and in its ring of 8 neighbours; Gaussian kernel densities of the 364-day and
56-day counts at several bandwidths; a near-repeat count (the cell and its ring over the last 14
days, each incident weighted e^(−age/7 days)); days since the cell's last incident (capped at a
year); the aoristic hour profile of the cell's year (shares of its incidents in the four 6-hour
blocks of the clock, an incident known only within a window spread evenly over the clock hours it
touches, windows over 72 hours counted whole at their start, as the hour-of-week grid does); its
incidents of the past year on ``t``'s weekday; and ``t``'s calendar (weekday, month, holiday).

Every feature of day ``t`` reads the incidents with ``occurred_from < t`` alone (one
``searchsorted`` on the time-sorted incidents), so an incident of the day scored or later cannot
change it; ``tests/models/hunch`` checks that on real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import ndimage

from crimedesk.features.grid import Grid
from crimedesk.features.lags import neighbour_sums
from crimedesk.features.temporal import calendar_features

DAY = np.timedelta64(1, "D")
HOUR_NS = 3_600_000_000_000
WINDOWS = (1, 7, 28, 56, 364)
KDE_BANDWIDTHS = (150.0, 300.0, 600.0)  # metres: Gaussian σ, about one, two and four blocks
NEAR_REPEAT_DAYS, NEAR_REPEAT_DECAY_DAYS = 14, 7.0
HOUR_BLOCKS = 4  # 00–06, 06–12, 12–18, 18–24
MAX_SPREAD_HOURS = 72
HISTORY_DAYS = max(WINDOWS) + 1  # what a day's features read: the year before it

FEATURE_NAMES: tuple[str, ...] = (
    *(f"count_{w}d" for w in WINDOWS),
    *(f"ring_{w}d" for w in WINDOWS),
    *(f"kde_364d_{b:.0f}m" for b in KDE_BANDWIDTHS),
    *(f"kde_56d_{b:.0f}m" for b in KDE_BANDWIDTHS[:2]),
    "near_repeat",
    "days_since_last",
    *(f"hours_{6 * k:02d}_{6 * k + 6:02d}_share" for k in range(HOUR_BLOCKS)),
    "same_weekday_364d",
    "weekday",
    "month",
    "holiday",
)


@dataclass(frozen=True)
class Incidents:
    """Incidents in time order, placed on one grid: times, cell index (−1 off the grid), weekday and
    aoristic weights over the four hour blocks (rows sum to 1)."""

    times: np.ndarray
    cells: np.ndarray
    weekdays: np.ndarray
    blocks: np.ndarray

    def before(self, day: np.datetime64, days_back: int) -> slice:
        """The incidents in ``[day − days_back, day)``."""
        lo = np.searchsorted(self.times, day - days_back * DAY, side="left")
        return slice(int(lo), int(np.searchsorted(self.times, day, side="left")))


def place_incidents(grid: Grid, times: np.ndarray, xy: np.ndarray, ends: np.ndarray | None) -> Incidents:
    """``times`` sorted ascending (datetime64[ns]); ``ends`` the window ends (NaT for a point time)."""
    cells = grid.cell_index(xy[:, 0], xy[:, 1])
    stamps = times.astype("datetime64[ns]").astype(np.int64)
    weekdays = ((stamps // (24 * HOUR_NS)) + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    return Incidents(times, cells, weekdays, hour_block_weights(times, ends))


def hour_block_weights(starts: np.ndarray, ends: np.ndarray | None) -> np.ndarray:
    """(n, 4) aoristic weights: each incident's unit spread evenly over the clock hours it touches."""
    first = starts.astype("datetime64[ns]").astype(np.int64) // HOUR_NS
    k = np.ones(first.size, dtype=np.int64)
    if ends is not None:
        stop = ends.astype("datetime64[ns]")
        windowed = ~np.isnat(stop) & (stop > starts)
        last = (stop.astype(np.int64) - 1) // HOUR_NS
        k = np.where(windowed, last - first + 1, 1)
        k = np.where(k > MAX_SPREAD_HOURS, 1, k)
    owner = np.repeat(np.arange(first.size), k)
    hours = np.repeat(first, k) + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))
    key = owner * HOUR_BLOCKS + (hours % 24) // (24 // HOUR_BLOCKS)
    weights = np.bincount(key, weights=np.repeat(1.0 / k, k), minlength=first.size * HOUR_BLOCKS)
    return weights.reshape(first.size, HOUR_BLOCKS)


def calendar_rows(days: pd.DatetimeIndex) -> np.ndarray:
    """(days, 3): weekday, month and holiday flag of each day."""
    return calendar_features(days, cyclic=False)[["weekday", "month", "holiday"]].to_numpy(float)


def day_features(
    incidents: Incidents, grid: Grid, cells: np.ndarray, day: np.datetime64, calendar: np.ndarray
) -> np.ndarray:
    """(len(cells), len(FEATURE_NAMES)) for the day starting at ``day``; ``calendar`` is its row of
    :func:`calendar_rows`."""
    out = np.empty((cells.size, len(FEATURE_NAMES)))
    counts = np.stack([_cell_sums(incidents, grid, incidents.before(day, w)) for w in WINDOWS])
    k = len(WINDOWS)
    out[:, :k] = counts[:, cells].T
    out[:, k : 2 * k] = (neighbour_sums(counts, grid) - counts)[:, cells].T
    column = 2 * k
    for source, bandwidths in ((counts[-1], KDE_BANDWIDTHS), (counts[3], KDE_BANDWIDTHS[:2])):
        raster = source.reshape(grid.shape)
        for bandwidth in bandwidths:
            smooth = ndimage.gaussian_filter(raster, bandwidth / grid.cell_size, mode="constant", truncate=3)
            out[:, column] = smooth.ravel()[cells]
            column += 1
    out[:, column] = _near_repeat(incidents, grid, day)[cells]
    out[:, column + 1] = _days_since_last(incidents, grid, day)[cells]
    column += 2
    year = incidents.before(day, max(WINDOWS))
    for block in range(HOUR_BLOCKS):
        share = _cell_sums(incidents, grid, year, incidents.blocks[year, block])
        out[:, column + block] = (share / np.maximum(counts[-1], 1))[cells]
    column += HOUR_BLOCKS
    weekday = int(calendar[0])
    same_day = (incidents.weekdays[year] == weekday).astype(float)
    out[:, column] = _cell_sums(incidents, grid, year, same_day)[cells]
    out[:, column + 1 :] = calendar
    return out


def _cell_sums(
    incidents: Incidents, grid: Grid, part: slice, weights: np.ndarray | None = None
) -> np.ndarray:
    """Count (or weight sum) per grid cell of the incidents in ``part``."""
    cells = incidents.cells[part]
    on = cells >= 0
    chosen = None if weights is None else weights[on]
    return np.bincount(cells[on], weights=chosen, minlength=grid.n_cells).astype(float)


def _near_repeat(incidents: Incidents, grid: Grid, day: np.datetime64) -> np.ndarray:
    """Σ e^(−age/decay) over the last ``NEAR_REPEAT_DAYS`` of the cell and its 8 neighbours."""
    part = incidents.before(day, NEAR_REPEAT_DAYS)
    age = _age_days(day, incidents.times[part])
    recent = _cell_sums(incidents, grid, part, np.exp(-age / NEAR_REPEAT_DECAY_DAYS))
    return neighbour_sums(recent[None, :], grid)[0]


def _days_since_last(incidents: Incidents, grid: Grid, day: np.datetime64) -> np.ndarray:
    """Days from each cell's latest incident of the past year to ``day`` (a year and a day if none)."""
    part = incidents.before(day, max(WINDOWS))
    cells, times = incidents.cells[part], incidents.times[part]
    since = np.full(grid.n_cells, float(HISTORY_DAYS))
    on = cells >= 0
    cells, times = cells[on], times[on]
    # times ascend: a cell's first place in the reversed list is its latest incident
    seen, first = np.unique(cells[::-1], return_index=True)
    since[seen] = _age_days(day, times[::-1][first])
    return since


def _age_days(day: np.datetime64, times: np.ndarray) -> np.ndarray:
    """Days from each of ``times`` to ``day`` (fractional)."""
    ns = np.asarray(day, dtype="datetime64[ns]").astype(np.int64) - times.astype("datetime64[ns]").astype(
        np.int64
    )
    return ns / (24 * HOUR_NS)
