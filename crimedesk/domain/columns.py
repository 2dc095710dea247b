"""Canonical incident column names, defined once for import, storage queries, mirror and filters."""

from __future__ import annotations

#: Incident columns holding a source's own region codes, usable as a region "layer".
SOURCE_REGION_COLUMNS: tuple[str, ...] = ("district", "beat", "ward", "community_area", "precinct", "borough")

#: Text columns copied from the source as they are (blank and "NA" become NULL).
SOURCE_TEXT_COLUMNS: tuple[str, ...] = (
    "case_number",
    "offense_code",
    "offense_type",
    "offense_description",
    "law_category",
    "location_description",
    "block",
    *SOURCE_REGION_COLUMNS,
)

#: Every column an import writes for an incident, in storage order (``id`` and ``import_id`` are
#: assigned by the store).
IMPORTED_COLUMNS: tuple[str, ...] = (
    "source",
    "source_key",
    "case_number",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "offense_code",
    "offense_type",
    "offense_description",
    "law_category",
    "category",
    "location_description",
    "block",
    "arrest",
    "domestic",
    *SOURCE_REGION_COLUMNS,
    "latitude",
    "longitude",
    "x",
    "y",
    "xy_epsg",
    "mappable",
    "quality_flags",
    "source_updated_at",
)
