"""One incident's fields as an analyst reads them: field labels instead of column names, yes/no
for booleans, times to the minute, coordinates to 5 decimals (about a metre), and none of the
store's own bookkeeping (row ids, source keys that may be hashes, import run ids, flag bits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

#: (column, label) in the order shown; columns not listed here are never shown.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("case_number", "Case number"),
    ("occurred_from", "Occurred"),
    ("occurred_to", "Occurred until"),
    ("reported_at", "Reported"),
    ("offense_type", "Offense"),
    ("offense_description", "Description"),
    ("offense_code", "Offense code"),
    ("law_category", "Law category"),
    ("category", "Category"),
    ("block", "Block"),
    ("location_description", "Location"),
    ("arrest", "Arrest"),
    ("domestic", "Domestic"),
    ("district", "District"),
    ("beat", "Beat"),
    ("ward", "Ward"),
    ("community_area", "Community area"),
    ("precinct", "Precinct"),
    ("borough", "Borough"),
    ("latitude", "Latitude"),
    ("longitude", "Longitude"),
    ("mappable", "Shown on the map"),
    ("quality", "Data quality"),
    ("source", "Source"),
    ("source_updated_at", "Updated at the source"),
)
COORDINATES = frozenset({"latitude", "longitude"})


def value_words(column: str, value: Any) -> str:
    """One field's value as text: yes/no, ``2017-01-03 14:05``, ``41.88123``, else as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if column in COORDINATES:
        return f"{float(value):.5f}"
    return str(value)


def incident_fields(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(label, text)`` of every field of ``details`` (crimedesk.analytics.incident_table's
    incident_details) that has a value and is meant for the analyst, in FIELD_LABELS order."""
    pairs = ((label, value_words(column, details.get(column))) for column, label in FIELD_LABELS)
    return [(label, text) for label, text in pairs if text]


def incident_title(details: Mapping[str, Any]) -> str:
    """The details' heading: the case number when the source gives one."""
    case = details.get("case_number")
    return f"Case {case}" if case else "Incident without a case number"
