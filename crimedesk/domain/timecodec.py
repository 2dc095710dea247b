"""Local wall-clock times stored as integer seconds.

Incident times are local times without a zone (that is how every police source publishes them).
They are stored as seconds since 1970-01-01 00:00 *of that local clock*, in a BIGINT column, so
SQLite and PostgreSQL run the same integer SQL for days, hours and weekdays
(``t / 86400``, ``t % 86400 / 3600``, ``(t / 86400 + 3) % 7`` with Monday = 0).

A source that writes UTC offsets is converted to the wall clock of its IANA time zone; the
spring and autumn changes of that clock make some wall times nonexistent (the gap) or doubled
(the fold), which :func:`dst_gap_and_fold` finds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EPOCH = datetime(1970, 1, 1)
SECONDS_PER_DAY = 86_400


def to_seconds(value: datetime) -> int:
    """Local naive datetime -> stored seconds."""
    return int((value.replace(tzinfo=None) - EPOCH).total_seconds())


def from_seconds(value: int) -> datetime:
    """Stored seconds -> local naive datetime."""
    return EPOCH + timedelta(seconds=int(value))


def day_number(value: date) -> int:
    """Days since 1970-01-01 for a calendar date."""
    return (value - EPOCH.date()).days


def day_from_number(value: int) -> date:
    return EPOCH.date() + timedelta(days=int(value))


def check_zone(name: str) -> str:
    """``name`` if it is an IANA time zone; ValueError naming it otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. America/Chicago)") from None
    return name


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
