"""Generic CSV imports through a saved, reusable column mapping (stored in ``import_mappings``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, delete, select

from crimedesk.domain.categories import CATEGORIES, OTHER, category_from_name
from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.arrowtools import map_codes
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.profiles.base import CoordSpec, DateSpec, Profile, normalize_header
from crimedesk.ingest.textformat import chosen_delimiter, chosen_encoding
from crimedesk.ingest.validate.clean import STRING_COLUMNS
from crimedesk.storage.schema import import_mappings

PREFIX = "mapping:"


@dataclass(frozen=True)
class ColumnMapping:
    """Which source column feeds each canonical field, and how to read dates and coordinates.

    ``date_format`` applies to the occurrence date (joined with ``occurred_time`` by a space when a
    separate time column is given; then the format covers both, e.g. "%d.%m.%Y %H:%M").
    ``categories`` maps values of ``category_column`` to violent/property/drug/other; without it
    the category comes from the offense type by the documented keyword rules.
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
    delimiter: str | None = None  # sniffed from the file when None (textformat.DELIMITERS)
    encoding: str | None = None  # sniffed from the file when None (textformat.ENCODINGS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "delimiter", chosen_delimiter(self.delimiter))
        object.__setattr__(self, "encoding", chosen_encoding(self.encoding))
        unknown = set(self.columns) - set(STRING_COLUMNS)
        if unknown:
            raise ImportFileError(
                f"mapping {self.name}: unknown fields {sorted(unknown)}; use {STRING_COLUMNS}"
            )
        bad = set(self.categories.values()) - set(CATEGORIES)
        if bad:
            raise ImportFileError(
                f"mapping {self.name}: categories must be one of {CATEGORIES}, not {sorted(bad)}"
            )

    def to_profile(self) -> Profile:
        n = normalize_header
        columns = {k: n(v) for k, v in {**self.columns, "offense_type": self.offense_type}.items()}
        required = {n(c) for c in (*self.key, self.occurred, self.offense_type, *self.columns.values())}
        required |= {n(c) for c in (self.occurred_time, self.latitude, self.longitude, self.x, self.y) if c}
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
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        data = json.loads(text)
        data["key"] = tuple(data["key"])
        data["bbox"] = tuple(data["bbox"]) if data.get("bbox") else None
        return cls(**data)


def _opt(name: str | None) -> str | None:
    return normalize_header(name) if name else None


def save_mapping(engine: Engine, mapping: ColumnMapping) -> None:
    """Save (or replace) a mapping under its name, for every analyst of this store."""
    with engine.begin() as conn:
        conn.execute(delete(import_mappings).where(import_mappings.c.name == mapping.name))
        conn.execute(
            import_mappings.insert().values(
                name=mapping.name, spec_json=mapping.to_json(), created_at=datetime.now()
            )
        )


def load_mappings(conn: Connection) -> list[ColumnMapping]:
    rows = conn.execute(select(import_mappings.c.spec_json).order_by(import_mappings.c.name))
    return [ColumnMapping.from_json(r[0]) for r in rows]


def saved_profiles(conn: Connection) -> dict[str, Profile]:
    return {PREFIX + m.name: m.to_profile() for m in load_mappings(conn)}
