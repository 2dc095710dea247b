"""Profile descriptions shared by every source."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from crimedesk.ingest.batch import Batch

INCIDENTS = "incidents"
UCR = "ucr"


def normalize_header(name: str) -> str:
    """'Case Number' / 'case_number' / ' CASE-NUMBER ' -> 'case_number' (portal and API headers);
    letters and digits of any script are kept ('Straße' -> 'straße', 'Дата' -> 'дата')."""
    return re.sub(r"[\W_]+", "_", unicodedata.normalize("NFKC", name).strip().lower()).strip("_")


@dataclass(frozen=True)
class DateSpec:
    """Where a date-time comes from and the explicit formats it may use (one per file)."""

    date: str
    formats: tuple[str, ...]
    time: str | None = None  # a separate time column (NYPD), joined to the date with a space


@dataclass(frozen=True)
class CoordSpec:
    """Coordinate columns, the source's projected CRS and its plausible area."""

    lat: str | None
    lon: str | None
    bbox: tuple[float, float, float, float] | None  # min_lon, min_lat, max_lon, max_lat
    metric_epsg: int | None  # projected CRS in metres for x/y (None: UTM zone of the data)
    x: str | None = None
    y: str | None = None
    projected_epsg: int | None = None  # CRS of x/y, used when lat/lon are missing


@dataclass(frozen=True)
class Profile:
    """How one kind of file becomes canonical rows.

    ``columns`` copies source columns (normalised header names) into canonical string columns;
    ``categorize`` returns the category per row; ``booleans`` parses true/false columns.
    """

    name: str
    title: str
    source: str
    required: tuple[str, ...]
    kind: str = INCIDENTS
    columns: dict[str, str] = field(default_factory=dict)
    booleans: dict[str, str] = field(default_factory=dict)
    occurred: DateSpec | None = None
    occurred_to: DateSpec | None = None
    reported: DateSpec | None = None
    updated: DateSpec | None = None
    coords: CoordSpec | None = None
    categorize: Callable[[Batch], pa.Array] | None = None
    key: tuple[str, ...] = ()  # source columns joined to make the source key
    content_key: bool = False  # no id column: the key is a hash of the row (see ingest.keys)
    repeats_are_incidents: bool = False  # with a content key: identical rows are distinct incidents
    midnight_is_real: bool = False  # an hourly source: 00:00 is a real hour, not "time unknown"
    time_zone: str | None = None  # IANA zone of the source's wall clock (UTC offsets convert to it)
    same_source_as: str | None = None  # a mapping sharing a source on purpose: the profile it shares with
    delimiter: str | None = None  # the file's, when a column mapping says (else sniffed)
    encoding: str | None = None  # likewise

    def missing_columns(self, header: set[str]) -> list[str]:
        return [name for name in self.required if name not in header]

    def known_columns(self) -> set[str]:
        """Every source column this profile reads (for detection specificity)."""
        names = set(self.required) | set(self.columns.values()) | set(self.booleans.values())
        for spec in (self.occurred, self.occurred_to, self.reported, self.updated):
            if spec:
                names |= {spec.date, *([spec.time] if spec.time else [])}
        if self.coords:
            names |= {n for n in (self.coords.lat, self.coords.lon, self.coords.x, self.coords.y) if n}
        return names


REGISTRY: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    if profile.name in REGISTRY:
        raise ValueError(f"profile {profile.name!r} registered twice")
    REGISTRY[profile.name] = profile
    return profile
