"""Local wall-clock times stored as integer seconds.

Incident times are local times without a zone (that is how every police source publishes them).
They are stored as seconds since 1970-01-01 00:00 *of that local clock*, in a BIGINT column, so
SQLite and PostgreSQL run the same integer SQL for days, hours and weekdays
(``t / 86400``, ``t % 86400 / 3600``, ``(t / 86400 + 3) % 7`` with Monday = 0).

A source that writes UTC offsets is converted to the wall clock of its IANA time zone by
:mod:`crimedesk.domain.zone_arrays` (kept apart: numpy and Arrow cost short commands 40 MB).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
