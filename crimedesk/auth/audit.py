"""The append-only audit trail: one row per action, in the action's own transaction.

The table refuses UPDATE and DELETE on both backends (triggers, migration 0009); on PostgreSQL
the grants say the same.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.storage.schema import audit


@dataclass(frozen=True)
class AuditEntry:
    at_utc: datetime
    username: str
    host: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]


def record(
    conn: Connection,
    user: User | str,
    action: str,
    object_type: str = "",
    object_id: object = "",
    details: Mapping[str, Any] | None = None,
    *,
    host: str = "",
) -> None:
    """Append one row; call it inside the transaction that makes the change."""
    name = user.name if isinstance(user, User) else user
    where = user.host if isinstance(user, User) else host
    conn.execute(
        audit.insert().values(
            at_utc=datetime.now(UTC).replace(tzinfo=None),
            username=name,
            host=where,
            action=str(getattr(action, "value", action)),
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            details_json=json.dumps(dict(details or {}), default=str, sort_keys=True),
        )
    )


def read(
    engine: Engine,
    *,
    username: str | None = None,
    action: str | None = None,
    since_utc: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The trail, oldest first, narrowed by user, action and start time."""
    query = select(audit).order_by(audit.c.id)
    if username:
        query = query.where(audit.c.username == username)
    if action:
        query = query.where(audit.c.action == action)
    if since_utc is not None:
        query = query.where(audit.c.at_utc >= since_utc)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEntry(
            r.at_utc, r.username, r.host, r.action, r.object_type, r.object_id, json.loads(r.details_json)
        )
        for r in rows
    ]


CSV_HEADER = ["at_utc", "username", "host", "action", "object_type", "object_id", "details"]


@requires(Action.MANAGE_USERS)
def export_csv(
    engine: Engine,
    path: Path,
    *,
    user: User | None = None,
    username: str | None = None,
    action: str | None = None,
    since_utc: datetime | None = None,
) -> int:
    """Write the (filtered) trail to ``path`` as CSV; the export itself is audited. Returns the rows."""
    entries = read(engine, username=username, action=action, since_utc=since_utc)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for e in entries:
            details = json.dumps(e.details, sort_keys=True)
            writer.writerow(
                [e.at_utc.isoformat(), e.username, e.host, e.action, e.object_type, e.object_id, details]
            )
    filters = {"user": username, "action": action, "since_utc": since_utc, "rows": len(entries)}
    with engine.begin() as conn:
        record(conn, resolved(user), Action.EXPORT, "audit", path.name, filters)
    return len(entries)


@requires(Action.EXPORT)
def record_export(
    engine: Engine,
    object_type: str,
    object_id: object,
    details: Mapping[str, Any] | None,
    write: Callable[[Connection], None],
    *,
    user: User | None = None,
) -> None:
    """An export written outside the export services (the map or a chart as PNG, an import's
    rejected rows): ``write(conn)`` runs inside the transaction of its audit row, on its connection
    (to read what it writes), so a file that cannot be written leaves no row, and a store that
    cannot record the export (read-only) gets no file."""
    with engine.begin() as conn:
        record(conn, resolved(user), Action.EXPORT, object_type, object_id, details)
        write(conn)
