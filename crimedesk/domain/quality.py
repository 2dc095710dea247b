"""Quality flags stored per incident (bit mask in ``incidents.quality_flags``).

A flag records what the import noticed or corrected, so nothing is repaired silently.
"""

from __future__ import annotations

from enum import IntFlag


class Quality(IntFlag):
    TIME_UNKNOWN = 1  # no time given, or the 00:00:00 placeholder some agencies use
    DATE_PLACEHOLDER = 2  # first day of a month at 00:00: the agency did not know the date
    TIME_24H_CORRECTED = 4  # "24:00:00" read as 00:00:00 of the next day
    COORDS_SWAPPED = 8  # latitude and longitude were swapped; corrected
    COORDS_FROM_PROJECTED = 16  # lat/lon derived from the source's state-plane X/Y
    COORDS_MISSING = 32  # no coordinates at all: kept, unmappable
    COORDS_ZERO = 64  # 0/0 placeholder: kept, unmappable
    COORDS_OUTSIDE_AREA = 128  # outside the source's plausible area: kept, unmappable
    COORDS_INVALID = 256  # coordinates that are not numbers: kept, unmappable
    TIME_ZONE_CONVERTED = 512  # written with a UTC offset not the zone's then: stored as the zone's wall time
    TIME_DST_AMBIGUOUS = 1024  # the stored wall time occurs twice (autumn clock change)
    TIME_DST_GAP = 2048  # the written wall time does not exist (spring clock change): kept as written
    COORDS_FAR_OFF = 4096  # far outside the data's own area (a geocoder's miss): kept, unmappable


#: Flags that mean a value was changed by the import (counted as "corrected").
CORRECTIONS = (
    Quality.TIME_24H_CORRECTED
    | Quality.COORDS_SWAPPED
    | Quality.COORDS_FROM_PROJECTED
    | Quality.TIME_ZONE_CONVERTED
)


def describe(flags: int) -> list[str]:
    """Human-readable names of the flags set in ``flags``."""
    return [str(flag.name).lower().replace("_", " ") for flag in Quality if flags & flag]
