"""City of Chicago Data Portal, "Crimes - 2001 to Present" (ijzp-q8t2): export and API headers.

Quirks (open_cp's Chicago loader notes and the data README): 12-hour dates, X/Y in Illinois East
state plane feet (EPSG:3435), zero-padded beat/district codes, 00:00 placeholders, block-level
addresses, several rows per case number (one per victim/offence): ``ID`` is the key.
"""

from __future__ import annotations

import pyarrow as pa

from crimedesk.domain.categories import CHICAGO_FBI_CODE, OTHER
from crimedesk.ingest.arrowtools import map_codes
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.profiles.base import CoordSpec, DateSpec, Profile, register

PORTAL_FORMAT = "%m/%d/%Y %I:%M:%S %p"  # 01/31/2017 11:05:00 PM (portal CSV export)
API_FORMAT = "%Y-%m-%dT%H:%M:%S"  # 2017-01-31T23:05:00.000 (SODA /resource CSV; fractions are dropped)


def _category(batch: Batch) -> pa.Array:
    return map_codes(batch.column("fbi_code"), CHICAGO_FBI_CODE, OTHER)


CHICAGO = register(
    Profile(
        name="chicago",
        title="Chicago Data Portal crimes export",
        source="chicago",
        required=("id", "case_number", "date", "primary_type", "fbi_code", "latitude", "longitude"),
        key=("id",),
        columns={
            "case_number": "case_number",
            "block": "block",
            "offense_code": "iucr",
            "offense_type": "primary_type",
            "offense_description": "description",
            "location_description": "location_description",
            "beat": "beat",
            "district": "district",
            "ward": "ward",
            "community_area": "community_area",
        },
        booleans={"arrest": "arrest", "domestic": "domestic"},
        occurred=DateSpec("date", (PORTAL_FORMAT, API_FORMAT)),
        updated=DateSpec("updated_on", (PORTAL_FORMAT, API_FORMAT)),
        coords=CoordSpec(
            lat="latitude",
            lon="longitude",
            bbox=(-87.95, 41.62, -87.50, 42.05),
            metric_epsg=32616,  # UTM 16N
            x="x_coordinate",
            y="y_coordinate",
            projected_epsg=3435,  # NAD83 / Illinois East (ftUS)
        ),
        categorize=_category,
        time_zone="America/Chicago",
    )
)
