"""The mapping file's fields: what each means, and checks that name the field and the fix.

A mapping is a JSON object. ``FIELDS`` documents every field (the README's table and
``crimedesk mapping template`` come from the same words); :func:`checked` turns a decoded
object into the keyword arguments of ``ColumnMapping``, raising MappingError for the first
field that is wrong, with what it should be.
"""

from __future__ import annotations

from typing import Any

from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.domain.errors import ImportFileError

NO_KEY = "none"  # "key": "none" -- every row is an incident; the key is a hash of the row
REPEATED_ROWS = ("duplicates", "incidents")
TIME_RESOLUTIONS = ("minute", "hour")

REQUIRED = {
    "name": 'the mapping\'s name, e.g. "springfield_pd"',
    "source": 'the label stored with each incident, e.g. "springfield"',
    "key": 'the id column(s): a column name, a list of names, or "none" (every row an incident)',
    "occurred": "the column holding the occurrence date (and time)",
    "date_format": 'how that date is written, e.g. "%m/%d/%Y %H:%M" (Python strptime codes)',
    "offense_type": "the column holding the offense type or class",
}
OPTIONAL = {
    "occurred_time": "a separate time (or hour) column, joined to the date by a space",
    "occurred_to": "the column holding the end of the occurrence window",
    "occurred_to_time": "a separate time column for the window's end",
    "columns": "other text fields: an object of field -> column, fields among "
    + ", ".join(SOURCE_TEXT_COLUMNS),
    "latitude": "the latitude column (WGS84 degrees)",
    "longitude": "the longitude column (WGS84 degrees)",
    "x": "the projected X column (used when lat/lon are missing)",
    "y": "the projected Y column",
    "projected_epsg": "the EPSG code of x/y, e.g. 3435",
    "bbox": "[min_lon, min_lat, max_lon, max_lat]: points outside are unmappable (overrides the"
    " estimate of the data's own area)",
    "category_column": "the column whose values the categories object maps",
    "categories": "an object of value -> violent/property/drug/other (else keyword rules)",
    "arrest": "a true/false column saying whether an arrest was made",
    "domestic": "a true/false column saying whether the incident was domestic",
    "time_zone": "the source's IANA time zone, e.g. America/Chicago (needed with %z)",
    "time_resolution": '"minute" (00:00 may stand for an unknown time) or "hour" (hourly source:'
    " midnight is a real hour)",
    "repeated_rows": 'with "key": "none": "duplicates" (identical rows are one incident, default) or'
    ' "incidents" (each identical row is another incident)',
    "same_source_as": "a profile or mapping whose source this one shares, on purpose",
    "delimiter": "',', ';', tab or '|' (sniffed when absent)",
    "encoding": "utf-8, cp1252, ... (sniffed when absent)",
}
FIELDS = REQUIRED | OPTIONAL
_TEXT = {"name", "source", "occurred", "date_format", "offense_type", "occurred_time", "occurred_to",
         "occurred_to_time", "latitude", "longitude", "x", "y", "category_column", "arrest", "domestic",
         "time_zone", "same_source_as", "delimiter", "encoding"}  # fmt: skip


class MappingError(ImportFileError):
    """A mapping file that cannot be used: the message names the field and the fix."""


def checked(data: Any) -> dict[str, Any]:
    """``data`` (a decoded JSON value) as ColumnMapping keyword arguments, or MappingError."""
    if not isinstance(data, dict):
        raise MappingError(f"a mapping is a JSON object {{...}} with the fields {', '.join(REQUIRED)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise MappingError(f"unknown field {unknown[0]!r}; the fields are: {', '.join(FIELDS)}")
    missing = [name for name in REQUIRED if data.get(name) in (None, "", [])]
    if missing:
        name = missing[0]
        raise MappingError(f"field {name!r} is missing or empty: give {REQUIRED[name]}")
    values = {name: value for name, value in data.items() if value is not None}
    for name in _TEXT & set(values):
        if not isinstance(values[name], str):
            raise MappingError(f'field {name!r} must be a text ("..."): {FIELDS[name]}')
    values["key"] = _key(values["key"])
    _check_choice(values, "time_resolution", TIME_RESOLUTIONS)
    _check_choice(values, "repeated_rows", REPEATED_ROWS)
    for name in ("columns", "categories"):
        _check_object(values, name)
    if "bbox" in values:
        values["bbox"] = _bbox(values["bbox"])
    if "projected_epsg" in values and (
        not isinstance(values["projected_epsg"], int) or isinstance(values["projected_epsg"], bool)
    ):
        raise MappingError("field 'projected_epsg' must be a whole number, e.g. 3435")
    return values


def _key(value: Any) -> tuple[str, ...]:
    """A column name, a list of them, or "none" (an empty tuple: the content key)."""
    if isinstance(value, str):
        return () if value.strip().lower() == NO_KEY else (value,)
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise MappingError(f"field 'key' must be {REQUIRED['key']}")


def _check_choice(values: dict[str, Any], name: str, choices: tuple[str, ...]) -> None:
    if name in values and values[name] not in choices:
        options = " or ".join(f'"{c}"' for c in choices)
        raise MappingError(f"field {name!r} is {values[name]!r}; use {options}")


def _check_object(values: dict[str, Any], name: str) -> None:
    value = values.get(name, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise MappingError(f"field {name!r} must be an object of texts: {FIELDS[name]}")


def _bbox(value: Any) -> tuple[float, float, float, float]:
    numbers = isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    )
    if not numbers or len(value) != 4:
        raise MappingError(f"field 'bbox' must be {FIELDS['bbox']}, e.g. [-87.95, 41.62, -87.5, 42.05]")
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in value)
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise MappingError(
            "field 'bbox' must be [min_lon, min_lat, max_lon, max_lat] with each minimum below its"
            " maximum, longitudes within ±180 and latitudes within ±90"
        )
    return min_lon, min_lat, max_lon, max_lat
