"""Real Chicago incidents, inserted directly (no import pipeline) so region tests stand alone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from crimedesk.storage.schema import imports, incidents


def sample_points(chicago_sample: Path) -> pd.DataFrame:
    """ID, coordinates and own codes of the sample rows that have coordinates."""
    frame = pd.read_csv(
        chicago_sample, usecols=["ID", "Latitude", "Longitude", "District", "Beat"], dtype={"District": str}
    )
    return frame.dropna(subset=["Latitude", "Longitude"]).reset_index(drop=True)


def insert_incidents(engine: Engine, points: pd.DataFrame, *, unmappable: int = 0) -> list[int]:
    """Insert ``points`` as incidents (ids = Chicago IDs), plus ``unmappable`` rows without coordinates."""
    rows = [
        {
            "id": int(p.ID),
            "source_key": str(p.ID),
            "latitude": float(p.Latitude),
            "longitude": float(p.Longitude),
            "district": None if pd.isna(p.District) else p.District,
            "beat": f"{int(p.Beat):04d}",
            "mappable": True,
        }
        for p in points.itertuples()
    ]
    rows += [
        {"id": 9_000_000 + i, "source_key": f"u{i}", "latitude": None, "longitude": None, "mappable": False}
        for i in range(unmappable)
    ]
    with engine.begin() as conn:
        import_id = conn.execute(
            imports.insert()
            .values(
                file_name="sample.csv",
                sha256="0" * 64,
                size_bytes=1,
                profile="chicago",
                source="chicago",
                username="test",
                started_at=0,
                status="ok",
            )
            .returning(imports.c.id)
        ).scalar_one()
        defaults = {
            "source": "chicago",
            "occurred_from": 1_483_228_800,
            "category": "other",
            "district": None,
        }
        conn.execute(
            incidents.insert(), [{**defaults, "beat": None, **r, "import_id": import_id} for r in rows]
        )
    return [r["id"] for r in rows]
