"""Insert hand-made imports and incidents with SQLAlchemy Core (for summary and UI tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from crimedesk.storage.schema import imports, incidents


def add_import(conn: Connection, file_name: str = "sample.csv", **values: Any) -> int:
    row = {
        "file_name": file_name,
        "sha256": "0" * 64,
        "size_bytes": 1234,
        "profile": "chicago",
        "source": "chicago",
        "username": "analyst",
        "started_at": datetime(2024, 1, 1, 9, 0),
        "status": "ok",
    } | values
    return conn.execute(imports.insert().values(**row)).inserted_primary_key[0]


def add_incident(conn: Connection, import_id: int, key: str, occurred: datetime, **values: Any) -> None:
    row = {
        "source": "chicago",
        "source_key": key,
        "occurred_from": occurred,
        "category": "property",
        "mappable": True,
        "import_id": import_id,
    } | values
    conn.execute(incidents.insert().values(**row))
