"""Real Chicago incidents as the canonical model frame, for model tests only.

The store and import pipeline are not a dependency of the model tests: this loader reads the shared
export directly with the few columns models need, converts Illinois East state-plane US feet to
metres, and drops rows without coordinates (models never see unmappable rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crimedesk.domain.categories import CHICAGO_FBI_CODE, OTHER

US_FOOT_METRES = 0.3048006096
DATE_FORMAT = "%m/%d/%Y %I:%M:%S %p"
SOURCE_COLUMNS = {
    "Date": "occurred_from",
    "Primary Type": "offense_type",
    "Location Description": "location_description",
    "FBI Code": "fbi_code",
    "District": "district",
    "Beat": "beat",
    "Community Area": "community_area",
    "X Coordinate": "x",
    "Y Coordinate": "y",
}
COORDINATES = ["X Coordinate", "Y Coordinate"]
TEXT_COLUMNS = ["offense_type", "location_description", "district", "beat", "community_area"]


def read_chicago(csv_path: Path) -> pd.DataFrame:
    """Canonical incidents (occurred_from, x, y, category, offense_type, ...) from a Chicago export."""
    raw = pd.read_csv(
        csv_path,
        usecols=list(SOURCE_COLUMNS),
        engine="pyarrow",
        dtype=dict.fromkeys(SOURCE_COLUMNS, "string") | dict.fromkeys(COORDINATES, float),
    ).rename(columns=SOURCE_COLUMNS)
    frame = raw.dropna(subset=["x", "y"]).copy()
    frame["occurred_from"] = pd.to_datetime(frame["occurred_from"], format=DATE_FORMAT)
    frame["x"] = frame["x"] * US_FOOT_METRES
    frame["y"] = frame["y"] * US_FOOT_METRES
    frame["category"] = frame.pop("fbi_code").map(CHICAGO_FBI_CODE).fillna(OTHER).astype("string")
    frame[TEXT_COLUMNS] = frame[TEXT_COLUMNS].fillna("")
    ordered = ["occurred_from", "x", "y", "category", *TEXT_COLUMNS]
    return frame[ordered].sort_values("occurred_from", kind="stable").reset_index(drop=True)


def cached_chicago(csv_path: Path, cache_dir: Path) -> pd.DataFrame:
    """Read once per test session: parse the CSV the first time, then reuse a parquet copy."""
    cache = cache_dir / (csv_path.name.split(".")[0] + ".parquet")
    if not cache.exists():
        read_chicago(csv_path).to_parquet(cache, index=False)
    return pd.read_parquet(cache)


def district_slice(frame: pd.DataFrame, districts: list[str], start: str, end: str) -> pd.DataFrame:
    """Incidents of some districts (zero-padded codes, e.g. "011") with start <= time < end."""
    when = frame["occurred_from"]
    keep = frame["district"].isin(districts) & (when >= pd.Timestamp(start)) & (when < pd.Timestamp(end))
    return frame.loc[keep].reset_index(drop=True)
