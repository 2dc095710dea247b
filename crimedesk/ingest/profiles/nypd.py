"""NYPD Complaint Data (Historic qgea-i56i and Year-to-Date 5uac-w243), portal and API headers.

Occurrence is a window: CMPLNT_FR_DT/TM to CMPLNT_TO_DT/TM, kept as occurred_from/occurred_to for
aoristic analysis. Dates MM/DD/YYYY, times 24 h (with the odd "24:00:00"); X/Y in NY Long Island
state plane feet (EPSG:2263); literal "NA" strings mean empty.
"""

from __future__ import annotations

import pyarrow as pa

from crimedesk.domain.categories import NYPD_KY_CD, OTHER
from crimedesk.ingest.arrowtools import map_codes
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.profiles.base import CoordSpec, DateSpec, Profile, register

DATE_FORMATS = ("%m/%d/%Y %H:%M:%S",)


def _category(batch: Batch) -> pa.Array:
    return map_codes(batch.column("ky_cd"), NYPD_KY_CD, OTHER)


NYPD = register(
    Profile(
        name="nypd",
        title="NYPD Complaint Data (Historic / Year-to-Date)",
        source="nypd",
        required=("cmplnt_num", "cmplnt_fr_dt", "cmplnt_fr_tm", "ky_cd", "ofns_desc", "law_cat_cd"),
        key=("cmplnt_num",),
        columns={
            "offense_code": "ky_cd",
            "offense_type": "ofns_desc",
            "offense_description": "pd_desc",
            "law_category": "law_cat_cd",
            "location_description": "prem_typ_desc",
            "precinct": "addr_pct_cd",
            "borough": "boro_nm",
        },
        occurred=DateSpec("cmplnt_fr_dt", DATE_FORMATS, time="cmplnt_fr_tm"),
        occurred_to=DateSpec("cmplnt_to_dt", DATE_FORMATS, time="cmplnt_to_tm"),
        reported=DateSpec("rpt_dt", ("%m/%d/%Y",)),
        coords=CoordSpec(
            lat="latitude",
            lon="longitude",
            bbox=(-74.30, 40.45, -73.65, 40.95),
            metric_epsg=32618,  # UTM 18N
            x="x_coord_cd",
            y="y_coord_cd",
            projected_epsg=2263,  # NAD83 / New York Long Island (ftUS)
        ),
        categorize=_category,
        time_zone="America/New_York",
    )
)
