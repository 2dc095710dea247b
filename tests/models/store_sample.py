"""Stores holding real Chicago incidents for the experiment and CLI tests.

The shared sample covers only 1–3 January 2017, too short for any forecast, so the district store
is a slice of the 2016–17 export (raw rows, unchanged) written to a temporary CSV and imported
through the real pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine


def district_csv(full_export: Path, target: Path, district: str, start: str, end: str) -> Path:
    """Raw export rows of one district (e.g. "011") with start <= Date < end."""
    raw = pd.read_csv(full_export, dtype=str, keep_default_na=False)
    when = pd.to_datetime(raw["Date"], format="%m/%d/%Y %I:%M:%S %p")
    keep = (raw["District"] == district) & (when >= start) & (when < end)
    raw[keep].to_csv(target, index=False)
    return target


def store_with(csv_path: Path, directory: Path) -> Engine:
    engine = make_engine(f"sqlite:///{directory / 'store.sqlite'}")
    import_file(engine, csv_path)
    return engine
