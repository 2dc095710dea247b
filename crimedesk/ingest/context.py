"""State one import carries across batches (chosen date formats, the clock, the target CRS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from crimedesk.domain.timecodec import to_seconds
from crimedesk.domain.zone_arrays import local_from_utc
from crimedesk.ingest.area import DataArea
from crimedesk.ingest.keys import ContentKeys
from crimedesk.ingest.profiles.base import Profile

EARLIEST = to_seconds(datetime(1900, 1, 1))
LATEST_OFFSET_SECONDS = 14 * 3600  # UTC+14 (Kiribati): no wall clock on earth is further ahead


@dataclass
class ImportContext:
    profile: Profile
    now_seconds: int = -1  # now on the source's wall clock (what "in the future" is checked against)
    chosen_formats: dict[str, str] = field(default_factory=dict)  # date column -> format
    metric_epsg: int | None = None
    content_keys: ContentKeys | None = None  # set when the profile keys rows by their content
    area: DataArea | None = None  # the data's own area, estimated from the first points read

    def __post_init__(self) -> None:
        if self.now_seconds < 0:
            self.now_seconds = wall_clock_now(self.profile.time_zone)
        if self.profile.content_key:
            columns = tuple(sorted(self.profile.known_columns()))
            self.content_keys = ContentKeys(columns, self.profile.repeats_are_incidents)


def wall_clock_now(zone: str | None) -> int:
    """Now on the wall clock of ``zone``, as stored seconds: the source's clock, not this machine's
    (a laptop in Chicago imports New York's last hour). With no zone known, the clock furthest
    ahead on earth, so that no time already past anywhere is taken for the future."""
    utc = to_seconds(datetime.now(UTC))
    if zone is None:
        return utc + LATEST_OFFSET_SECONDS
    return int(local_from_utc(np.array([utc], dtype=np.int64), zone)[0])
