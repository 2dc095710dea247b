"""Generic CSV imports through a saved, reusable column mapping (stored in ``import_mappings``)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, select, update

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.categories import CATEGORIES, OTHER, category_from_name
from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.domain.errors import ImportFileError
from crimedesk.domain.timecodec import check_zone
from crimedesk.ingest.arrowtools import map_codes
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.mapping_schema import NO_KEY, MappingError, checked
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.profiles.base import CoordSpec, DateSpec, Profile, normalize_header
from crimedesk.ingest.textformat import chosen_delimiter, chosen_encoding
from crimedesk.ingest.validate.dates import OFFSET_DIRECTIVE
from crimedesk.storage.schema import import_mappings

PREFIX = "mapping:"


@dataclass(frozen=True)
class ColumnMapping:
    """Which source column feeds each canonical field, and how to read dates and coordinates.

    ``date_format`` applies to the occurrence date (joined with ``occurred_time`` by a space when a
    separate time column is given; then the format covers both, e.g. "%d.%m.%Y %H:%M").
    ``categories`` maps values of ``category_column`` to violent/property/drug/other; without it
    the category comes from the offense type by the documented keyword rules.
    ``source`` names where the records come from: a built-in profile's or another mapping's source
    only when ``same_source_as`` names that profile or mapping (records are then matched by key).
    ``time_zone`` (IANA) is the source's wall clock: needed when the format ends in a UTC offset
    (``%z``), whose times are stored converted to it; it also flags times at clock changes.
    An empty ``key`` ("none" in the file) keys each row by its content (see ingest.keys).
    Every field is described in ingest.mapping_schema.FIELDS.
    """

    name: str
    source: str
    key: tuple[str, ...]
    occurred: str
    date_format: str
    offense_type: str
    occurred_time: str | None = None
    occurred_to: str | None = None
    occurred_to_time: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    latitude: str | None = None
    longitude: str | None = None
    x: str | None = None
    y: str | None = None
    projected_epsg: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    category_column: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    arrest: str | None = None
    domestic: str | None = None
    time_zone: str | None = None
    time_resolution: str = "minute"  # "hour": an hourly source, whose 00:00 is a real hour
    repeated_rows: str = "duplicates"  # with no key: "incidents" keeps identical rows apart
    same_source_as: str | None = None  # a profile or mapping whose source this one shares, on purpose
    delimiter: str | None = None  # sniffed from the file when None (textformat.DELIMITERS)
    encoding: str | None = None  # sniffed from the file when None (textformat.ENCODINGS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "delimiter", chosen_delimiter(self.delimiter))
        object.__setattr__(self, "encoding", chosen_encoding(self.encoding))
        self._check_time_zone()
        if self.time_resolution == "hour" and not {"%H", "%I"} & set(re.findall("%.", self.date_format)):
            raise MappingError(
                f'mapping {self.name}: time_resolution "hour" needs the hour in date_format, e.g.'
                ' "%m/%d/%Y %H" with the hour column as occurred_time'
            )
        unknown = set(self.columns) - set(SOURCE_TEXT_COLUMNS)
        if unknown:
            raise MappingError(
                f"mapping {self.name}: unknown fields {sorted(unknown)}; use {SOURCE_TEXT_COLUMNS}"
            )
        bad = set(self.categories.values()) - set(CATEGORIES)
        if bad:
            raise MappingError(
                f"mapping {self.name}: categories must be one of {CATEGORIES}, not {sorted(bad)}"
            )

    def _check_time_zone(self) -> None:
        if self.time_zone:
            try:
                check_zone(self.time_zone)
            except ValueError as exc:
                raise ImportFileError(f"mapping {self.name}: {exc}") from None
        if OFFSET_DIRECTIVE not in self.date_format:
            return
        if not self.date_format.endswith(OFFSET_DIRECTIVE):
            raise ImportFileError(f"mapping {self.name}: %z (the UTC offset) must end the date format")
        if not self.time_zone:
            raise ImportFileError(
                f"mapping {self.name}: the date format has a UTC offset (%z), so the mapping needs the"
                " source's time zone (time_zone, e.g. America/Chicago) to store local times"
            )

    def to_profile(self) -> Profile:
        n = normalize_header
        columns = {k: n(v) for k, v in {**self.columns, "offense_type": self.offense_type}.items()}
        required = {n(c) for c in (*self.key, self.occurred, self.offense_type, *self.columns.values())}
        optional = [self.occurred_time, self.occurred_to, self.occurred_to_time, self.latitude]
        optional += [self.longitude, self.x, self.y, self.category_column, self.arrest, self.domestic]
        required |= {n(c) for c in optional if c}  # named, so the file must have it: never read as empty
        return Profile(
            name=PREFIX + self.name,
            title=f"column mapping '{self.name}'",
            source=self.source,
            required=tuple(sorted(required)),
            key=tuple(n(k) for k in self.key),
            columns=columns,
            booleans={k: n(v) for k, v in (("arrest", self.arrest), ("domestic", self.domestic)) if v},
            occurred=DateSpec(n(self.occurred), (self.date_format,), time=_opt(self.occurred_time)),
            occurred_to=DateSpec(n(self.occurred_to), (self.date_format,), time=_opt(self.occurred_to_time))
            if self.occurred_to
            else None,
            coords=CoordSpec(
                lat=_opt(self.latitude),
                lon=_opt(self.longitude),
                bbox=self.bbox,
                metric_epsg=None,
                x=_opt(self.x),
                y=_opt(self.y),
                projected_epsg=self.projected_epsg,
            ),
            categorize=self._categorize,
            content_key=not self.key,
            repeats_are_incidents=self.repeated_rows == "incidents",
            midnight_is_real=self.time_resolution == "hour",
            time_zone=self.time_zone,
            same_source_as=self.same_source_as,
            delimiter=self.delimiter,
            encoding=self.encoding,
        )

    def _categorize(self, batch: Batch) -> pa.Array:
        if self.category_column:
            return map_codes(
                batch.column(normalize_header(self.category_column)),
                {k.upper(): v for k, v in self.categories.items()},
                OTHER,
            )
        names = pc.fill_null(batch.values["offense_type"], "")
        unique = pc.unique(names)
        categories = pa.array([category_from_name(v) for v in unique.to_pylist()])
        return pc.take(categories, pc.index_in(names, value_set=unique))

    def to_json(self) -> str:
        data = asdict(self)
        data["key"] = list(self.key) or NO_KEY
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        """The mapping in ``text``; MappingError names the first wrong field and its fix."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"not JSON: {exc}") from None
        return cls(**checked(data))


def _opt(name: str | None) -> str | None:
    return normalize_header(name) if name else None


@requires(Action.SAVE_MAPPING)
def save_mapping(engine: Engine, mapping: ColumnMapping, user: User | None = None) -> None:
    """Save (or replace) a mapping under its name, for every analyst of this store.

    Raises ImportFileError when its source is another profile's and it does not say so."""
    with engine.begin() as conn:
        check_source(conn, mapping.to_profile())
        values = {"spec_json": mapping.to_json(), "created_at": datetime.now()}
        named = import_mappings.c.name == mapping.name
        # Replaced in place: analysts may not DELETE saved mappings (crimedesk.auth.server).
        if not conn.execute(update(import_mappings).where(named).values(values)).rowcount:
            conn.execute(import_mappings.insert().values(name=mapping.name, **values))
        details = {"source": mapping.to_profile().source}
        audit.record(conn, resolved(user), Action.SAVE_MAPPING, "mapping", mapping.name, details)


def check_source(conn: Connection, profile: Profile) -> None:
    """A mapping's source may be that of a built-in profile or another saved mapping only when its
    ``same_source_as`` names one of them: otherwise its rows would be taken for theirs, key by key.
    Mappings that said so already do not stand in the way of the others."""
    if not profile.name.startswith(PREFIX):
        return
    others: dict[str, tuple[str, str | None]] = {name: (p.source, None) for name, p in all_profiles().items()}
    others |= {PREFIX + m.name: (m.source, m.same_source_as) for m in load_mappings(conn)}
    others.pop(profile.name, None)
    sharing = {name: declared for name, (source, declared) in others.items() if source == profile.source}
    named = profile.same_source_as
    if named is not None and named not in sharing and PREFIX + named not in sharing:
        raise ImportFileError(
            f"{profile.title}: same_source_as names {named!r}, which is no profile or mapping"
            f" with source {profile.source!r}"
        )
    undeclared = sorted(name for name, declared in sharing.items() if declared is None)
    if undeclared and named is None:
        raise ImportFileError(
            f"{profile.title}: source {profile.source!r} is already the source of"
            f" {', '.join(undeclared)}; name another source, or say it is the same one (same_source_as)"
        )


def load_mappings(conn: Connection) -> list[ColumnMapping]:
    rows = conn.execute(select(import_mappings.c.spec_json).order_by(import_mappings.c.name))
    return [ColumnMapping.from_json(r[0]) for r in rows]


def saved_profiles(conn: Connection) -> dict[str, Profile]:
    return {PREFIX + m.name: m.to_profile() for m in load_mappings(conn)}
