"""A keyless, hourly CSV built from a real Chicago export: ids dropped, the time cut to its hour,
a few exact repeats, a few re-typed repeats and a few far-off geocodes injected.

Like the export issue 21 met: a date column and an hour column, lon/lat, an offense class, a beat
and an address, and no id. Never committed: built in the test's temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crimedesk.ingest.mappings import ColumnMapping

COLUMNS = ["Date", "Hour", "Offense", "Beat", "Address", "Lon", "Lat"]
REPEATED = (10, 11, 500, 1200, 2000)  # rows copied verbatim to the end of the file
RETYPED = (20, 900)  # rows copied with the address re-typed (other case, extra blanks)
FAR_OFF = (30, 31, 800)  # rows moved about 400 km away (a geocoder's miss)
MAPPING = ColumnMapping(
    name="keyless_test",
    source="keyless_pd",
    key=(),
    occurred="Date",
    occurred_time="Hour",
    date_format="%Y-%m-%d %H",
    offense_type="Offense",
    columns={"beat": "Beat", "block": "Address"},
    latitude="Lat",
    longitude="Lon",
    time_resolution="hour",
)


def keyless_frame(chicago_export: Path, rows: int | None = None) -> pd.DataFrame:
    """The export's incidents in the keyless layout (before anything is injected)."""
    raw = pd.read_csv(chicago_export, dtype=str, keep_default_na=False, nrows=rows)
    stamps = pd.to_datetime(raw["Date"], format="%m/%d/%Y %I:%M:%S %p")
    return pd.DataFrame(
        {
            "Date": stamps.dt.strftime("%Y-%m-%d"),
            "Hour": stamps.dt.hour.astype(str),
            "Offense": raw["Primary Type"],
            "Beat": raw["Beat"],
            "Address": raw["Block"],
            "Lon": raw["Longitude"],
            "Lat": raw["Latitude"],
        }
    )


def write_keyless_csv(chicago_export: Path, path: Path, rows: int | None = None) -> pd.DataFrame:
    """Write the keyless file (of the export's first ``rows`` rows, at least 2,001); returns what
    was written (file line = index + 2)."""
    frame = keyless_frame(chicago_export, rows)
    located = frame[frame["Lat"] != ""].index
    for row in FAR_OFF:
        at = located[row]
        frame.loc[at, "Lat"] = f"{float(frame.loc[at, 'Lat']) - 3.7:.6f}"  # about 410 km south
    repeats = frame.loc[list(REPEATED)]
    retyped = frame.loc[list(RETYPED)].copy()
    retyped["Address"] = "  " + retyped["Address"].str.lower().str.replace(" ", "  ") + " "
    written = pd.concat([frame, repeats, retyped], ignore_index=True)
    written.to_csv(path, index=False)
    return written


def expected_repeats(written: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """File lines of the exact repeats and of the re-typed ones, computed with pandas alone:
    rows equal once trimmed, lower-cased and with blanks collapsed are one incident; the later
    ones are duplicates when their text is the first one's, else conflicts."""
    normal = written.apply(lambda c: c.str.strip().str.lower().str.replace(r"\s+", " ", regex=True))
    again = normal.duplicated(keep="first").to_numpy()
    text = written.apply(lambda row: "\x1f".join(row), axis=1)
    first_text = text.groupby([normal[c] for c in normal.columns], sort=False).transform("first")
    exact = (text == first_text).to_numpy()
    lines = written.index.to_numpy() + 2
    return lines[again & exact], lines[again & ~exact]
