"""State one import carries across batches (chosen date formats, the clock, the target CRS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crimedesk.domain.timecodec import to_seconds
from crimedesk.ingest.profiles.base import Profile

EARLIEST = to_seconds(datetime(1900, 1, 1))


@dataclass
class ImportContext:
    profile: Profile
    now_seconds: int = field(default_factory=lambda: to_seconds(datetime.now()))
    chosen_formats: dict[str, str] = field(default_factory=dict)  # date column -> format
    metric_epsg: int | None = None
