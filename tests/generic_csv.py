"""A generic (non-portal) CSV built from the real Chicago sample: renamed headers, European dates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crimedesk.ingest.mappings import ColumnMapping

RENAMED = {
    "ID": "Report No",
    "Date": "Tatzeit",
    "Primary Type": "Delikt",
    "Description": "Detail",
    "Block": "Strasse",
    "Location Description": "Ort",
    "District": "Revier",
    "Latitude": "Breite",
    "Longitude": "Laenge",
}
DATE_FORMAT = "%d.%m.%Y %H:%M"
BAD_LINE = 4  # line 4 of the file (the third record) gets an impossible date
BAD_DATE = "32.01.2017 10:00"
MAPPING = ColumnMapping(
    name="generic_test",
    source="generic_pd",
    key=("Report No",),
    occurred="Tatzeit",
    date_format=DATE_FORMAT,
    offense_type="Delikt",
    columns={"offense_description": "Detail", "block": "Strasse", "location_description": "Ort"},
    latitude="Breite",
    longitude="Laenge",
)


def write_generic_csv(chicago_sample: Path, path: Path) -> Path:
    """Every sample row under new names; the Chicago date re-written as DD.MM.YYYY HH:MM."""
    frame = pd.read_csv(chicago_sample, dtype=str, keep_default_na=False)
    frame = frame[list(RENAMED)].rename(columns=RENAMED)
    stamps = pd.to_datetime(frame["Tatzeit"], format="%m/%d/%Y %I:%M:%S %p")
    frame["Tatzeit"] = stamps.dt.strftime(DATE_FORMAT)
    frame.loc[BAD_LINE - 2, "Tatzeit"] = BAD_DATE
    frame.to_csv(path, index=False)
    return path
