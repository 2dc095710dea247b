"""Whole columns of times moved between UTC and a zone's wall clock (see :mod:`timecodec`).

The spring and autumn changes of a wall clock make some wall times nonexistent (the gap) or
doubled (the fold), which :func:`dst_gap_and_fold` finds.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.timecodec import SECONDS_PER_DAY


def local_from_utc(utc: np.ndarray, zone: str) -> np.ndarray:
    """UTC seconds -> wall-clock seconds of ``zone``."""
    instants = pa.array(utc, pa.timestamp("s", tz="UTC")).cast(pa.timestamp("s", tz=zone))
    return pc.local_timestamp(instants).cast(pa.int64()).to_numpy(zero_copy_only=False)


def dst_gap_and_fold(wall: np.ndarray, zone: str) -> tuple[np.ndarray, np.ndarray]:
    """Which wall-clock seconds of ``zone`` do not exist (the spring gap) and which exist twice
    (the autumn fold). Only rows on the days whose UTC offset changes are looked at closely."""
    gap, fold = np.zeros(len(wall), dtype=bool), np.zeros(len(wall), dtype=bool)
    if len(wall) == 0:
        return gap, fold
    days = wall // SECONDS_PER_DAY
    first = int(days.min())
    present = np.zeros(int(days.max()) - first + 1, dtype=bool)  # at most 3.7M days: years 1-9999
    present[days - first] = True
    changing = np.zeros_like(present)
    changing[_offset_changes(np.flatnonzero(present) + first, zone) - first] = True
    near = np.flatnonzero(changing[days - first])
    if len(near) == 0:
        return gap, fold
    naive = pa.array(wall[near], pa.timestamp("s"))
    earliest = _assumed(naive, zone, "earliest")
    differs = earliest != _assumed(naive, zone, "latest")
    as_written = local_from_utc(earliest, zone) == wall[near]
    gap[near[differs & ~as_written]] = True
    fold[near[differs & as_written]] = True
    return gap, fold


def _offset_changes(days: np.ndarray, zone: str) -> np.ndarray:
    """The days among ``days`` in which the zone's UTC offset changes (midnight to next midnight)."""
    starts = np.concatenate([days, days + 1]) * SECONDS_PER_DAY
    offsets = starts - _assumed(pa.array(starts, pa.timestamp("s")), zone, "earliest")
    return days[offsets[: len(days)] != offsets[len(days) :]]


def _assumed(naive: pa.Array, zone: str, which: str) -> np.ndarray:
    """UTC seconds of wall times of ``zone``; ``which`` of two (fold) or the gap's nearest edge."""
    placed = pc.assume_timezone(naive, timezone=zone, ambiguous=which, nonexistent=which)
    return placed.cast(pa.int64()).to_numpy(zero_copy_only=False)
