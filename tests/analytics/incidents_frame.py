"""Test helper: put a pandas frame of incidents into a store without the import pipeline.

The Chicago sample is parsed here independently of crimedesk.ingest, so the analytics tests do
not depend on (or share bugs with) the importer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from crimedesk.domain.categories import CHICAGO_FBI_CODE, OTHER
from crimedesk.domain.timecodec import EPOCH
from crimedesk.storage.schema import boundary_layers, imports, incident_regions, incidents

CHICAGO_COLUMNS = {
    "ID": "source_key",
    "Case Number": "case_number",
    "IUCR": "offense_code",
    "Primary Type": "offense_type",
    "Description": "offense_description",
    "Location Description": "location_description",
    "Block": "block",
    "Beat": "beat",
    "District": "district",
    "Ward": "ward",
    "Community Area": "community_area",
    "Latitude": "latitude",
    "Longitude": "longitude",
}


def to_seconds(values: pd.Series) -> pd.Series:
    """Timestamps -> stored local seconds (NaT -> None)."""
    seconds = (pd.to_datetime(values) - EPOCH) // pd.Timedelta(seconds=1)
    return seconds.astype("Int64")


def chicago_frame(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame = raw[list(CHICAGO_COLUMNS)].rename(columns=CHICAGO_COLUMNS)
    frame["source"] = "chicago"
    frame["occurred"] = pd.to_datetime(raw["Date"], format="%m/%d/%Y %I:%M:%S %p")
    frame["occurred_from"] = to_seconds(frame["occurred"])
    frame["category"] = raw["FBI Code"].map(CHICAGO_FBI_CODE).fillna(OTHER)
    frame["arrest"] = raw["Arrest"].str.lower() == "true"
    frame["domestic"] = raw["Domestic"].str.lower() == "true"
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype(float)
    frame["mappable"] = frame["latitude"].notna() & frame["longitude"].notna()
    return frame


def hand_frame(rows: list[dict]) -> pd.DataFrame:
    """Small edge-case frames: ``occurred``/``until`` timestamps, other columns as given."""
    frame = pd.DataFrame(rows)
    frame["source"] = frame.get("source", "hand")
    frame["source_key"] = [str(i) for i in range(len(frame))]
    frame["occurred"] = pd.to_datetime(frame["occurred"], format="ISO8601")
    frame["occurred_from"] = to_seconds(frame["occurred"])
    if "until" in frame:
        frame["occurred_to"] = to_seconds(pd.to_datetime(frame["until"], format="ISO8601"))
    for column, default in (("category", OTHER), ("mappable", False)):
        frame[column] = frame[column].fillna(default) if column in frame else default
    return frame


def insert_import(conn: Connection) -> int:
    """An ``imports`` row for rows the tests insert themselves."""
    values = {"file_name": "test", "sha256": "0" * 64, "size_bytes": 0, "profile": "test"}
    values |= {"source": "test", "username": "test", "started_at": 0, "status": "ok"}
    return conn.execute(insert(imports).values(**values)).inserted_primary_key[0]


def load_incidents(engine: Engine, frame: pd.DataFrame) -> None:
    """Insert an ``imports`` row and the frame's incident columns in one transaction."""
    columns = [c for c in frame.columns if c in incidents.c and c != "id"]
    data = frame[columns].astype(object).where(frame[columns].notna(), None)
    records = [{"quality_flags": 0, **row} for row in data.to_dict("records")]
    with engine.begin() as conn:
        import_id = insert_import(conn)
        conn.execute(insert(incidents), [{**r, "import_id": import_id} for r in records])


def add_layer(engine: Engine) -> dict[str, str]:
    """Boundary layer 7: region = the beat's first two digits, for odd incident ids only."""
    with engine.begin() as conn:
        conn.execute(
            insert(boundary_layers).values(
                id=7, name="test", source_file="x", id_field="id", crs="EPSG:4326", loaded_at=0
            )
        )
        rows = conn.execute(select(incidents.c.id, incidents.c.source_key, incidents.c.beat)).all()
        links = [{"layer_id": 7, "incident_id": i, "region_id": beat[:2]} for i, _, beat in rows if i % 2]
        conn.execute(insert(incident_regions), links)
    return {key: beat[:2] for i, key, beat in rows if i % 2}
