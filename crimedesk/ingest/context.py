"""State one import carries across batches (chosen date formats, the clock, the target CRS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crimedesk.domain.timecodec import to_seconds
from crimedesk.ingest.area import DataArea
from crimedesk.ingest.keys import ContentKeys
from crimedesk.ingest.profiles.base import Profile

EARLIEST = to_seconds(datetime(1900, 1, 1))


@dataclass
class ImportContext:
    profile: Profile
    now_seconds: int = field(default_factory=lambda: to_seconds(datetime.now()))
    chosen_formats: dict[str, str] = field(default_factory=dict)  # date column -> format
    metric_epsg: int | None = None
    content_keys: ContentKeys | None = None  # set when the profile keys rows by their content
    area: DataArea | None = None  # the data's own area, estimated from the first points read

    def __post_init__(self) -> None:
        if self.profile.content_key:
            columns = tuple(sorted(self.profile.known_columns()))
            self.content_keys = ContentKeys(columns, self.profile.repeats_are_incidents)
