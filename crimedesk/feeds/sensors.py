"""Sensor alerts (acoustic gunshot detection and the like) validated into ``sensor_events``.

An alert is a JSON object: ``id`` (the event id, unique per feed), ``sensor_id``, ``time`` (ISO
8601; with a UTC offset it is converted to this machine's wall clock), ``lon``, ``lat``, ``type``,
optional ``confidence`` (0..1) and ``incident`` (a linked incident's key). Events already stored
(a redelivery) are counted unchanged; a bad payload is rejected with its reason.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from crimedesk.ingest.history import Counts
from crimedesk.storage.schema import sensor_events

TEXT_LIMITS = {"id": 120, "sensor_id": 120, "type": 60, "incident": 120}


@dataclass(frozen=True)
class Rejected:
    text: str
    reason: str


def parse_alert(payload: bytes) -> dict[str, Any]:
    """The ``sensor_events`` row of one alert; raises ValueError with the reason."""
    try:
        alert = json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not JSON ({exc})") from exc
    if not isinstance(alert, dict):
        raise ValueError("not a JSON object")
    for key in ("id", "sensor_id", "type"):
        value = alert.get(key)
        if not isinstance(value, str | int) or not str(value).strip():
            raise ValueError(f"no {key}")
    for key, limit in TEXT_LIMITS.items():
        if alert.get(key) is not None and len(str(alert[key])) > limit:
            raise ValueError(f"{key} longer than {limit} characters")
    lon, lat = _number(alert, "lon"), _number(alert, "lat")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"coordinates out of range ({lon}, {lat})")
    confidence = alert.get("confidence")
    if confidence is not None:
        confidence = _number(alert, "confidence")
        if not 0 <= confidence <= 1:
            raise ValueError(f"confidence {confidence} is not between 0 and 1")
    return {
        "event_id": str(alert["id"]),
        "sensor_id": str(alert["sensor_id"]),
        "occurred_at": _time(alert.get("time")),
        "longitude": lon,
        "latitude": lat,
        "kind": str(alert["type"]),
        "confidence": confidence,
        "incident_key": None if alert.get("incident") is None else str(alert["incident"]),
    }


def _number(alert: dict[str, Any], key: str) -> float:
    value = alert.get(key)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{key} is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{key} is not a finite number")
    return number


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("no time")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"time {value!r} is not ISO 8601") from None
    return when.astimezone().replace(tzinfo=None) if when.tzinfo else when


def store_events(conn: Connection, feed_id: int, rows: list[dict[str, Any]]) -> Counts:
    """Insert the events not stored yet (by feed and event id); returns inserted / unchanged."""
    if not rows:
        return Counts()
    now = datetime.now()
    values = [{**row, "feed_id": feed_id, "received_at": now} for row in rows]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(sensor_events).on_conflict_do_nothing(index_elements=["feed_id", "event_id"])
    count = select(func.count()).where(sensor_events.c.feed_id == feed_id)
    before = conn.execute(count).scalar_one()
    conn.execute(statement, values)
    inserted = conn.execute(count).scalar_one() - before
    return Counts(rows_read=len(rows), inserted=inserted, unchanged=len(rows) - inserted)
