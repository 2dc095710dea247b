"""``return_offline``: merge what was imported in the field into the store the slice came from.

Each field import becomes one import on the server, read from the slice's incidents that it wrote
and written with the import rules (dedupe by source key; a newer updated-on wins; a row without
updated-on never replaces one that has it and is listed as a conflict). Keys changed on both sides
since the slice was taken are listed with the side kept. All of it is one server transaction,
recorded in both stores' history and audit trail. A field import is brought back once: the slice
remembers the last one sent.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, select, tuple_, update

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.columns import IMPORTED_COLUMNS
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.ingest.history import Counts, ImportResult, claim_write_lock, finish
from crimedesk.offline.merge import (
    CONFLICT,
    INSERT,
    UPDATE,
    BothChanged,
    both_changed,
    conflict_reason,
    decide,
)
from crimedesk.offline.take import OfflineError
from crimedesk.regions.join import RegionIndex, delete_incident_regions, write_region_positions
from crimedesk.storage.bulk import next_ids
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import imports, incidents, offline_slices, rejected_rows

KEY_CHUNK = 500  # keys looked up on the server per query


@dataclass
class ReturnResult:
    imports: list[ImportResult] = field(default_factory=list)
    both_changed: list[BothChanged] = field(default_factory=list)

    def summary(self) -> list[str]:
        if not self.imports:
            return ["nothing was imported in the field: nothing to bring back"]
        return [r.summary() for r in self.imports] + [c.line() for c in self.both_changed]


@requires(Action.RETURN_OFFLINE)
def return_offline(
    laptop: Engine,
    server: Engine,
    user: User,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
) -> ReturnResult:
    """Merge the field imports of the slice ``laptop`` into ``server``; nothing changes on error."""
    with laptop.connect() as conn:
        slice_row = conn.execute(select(offline_slices)).mappings().first()
        if slice_row is None:
            raise OfflineError(f"{laptop.url.database} is not a slice taken offline: nothing to bring back")
        after = max(slice_row["last_import_id"], slice_row["returned_through"] or 0)
        field_imports = (
            conn.execute(
                select(imports).where(imports.c.id > after, imports.c.status == "ok").order_by(imports.c.id)
            )
            .mappings()
            .all()
        )
    result = ReturnResult()
    with holding_import_lock(server, wait=True, progress=progress, cancel=cancel), server.begin() as dst:
        for number, field_import in enumerate(field_imports):
            progress(number / max(len(field_imports), 1), f"bringing back {field_import['file_name']}")
            rows = _field_rows(laptop, field_import["id"])
            check_cancel(cancel)
            result.imports.append(_merge_import(dst, dict(field_import), rows, slice_row, user, result))
    with laptop.begin() as conn:
        through = field_imports[-1]["id"] if field_imports else slice_row["returned_through"]
        conn.execute(update(offline_slices).values(returned_at=datetime.now(), returned_through=through))
        details = {
            "server_imports": [r.import_id for r in result.imports],
            "both_changed": len(result.both_changed),
        }
        audit.record(conn, user, Action.RETURN_OFFLINE, "slice", slice_row["id"], details)
    progress(1.0, "brought back")
    return result


def _field_rows(laptop: Engine, import_id: int) -> list[dict[str, Any]]:
    with laptop.connect() as conn:
        query = select(incidents).where(incidents.c.import_id == import_id).order_by(incidents.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def _merge_import(
    conn: Connection,
    field_import: dict[str, Any],
    rows: list[dict[str, Any]],
    slice_row: Any,
    user: User,
    result: ReturnResult,
) -> ImportResult:
    import_id = _start(conn, field_import, user)
    claim_write_lock(conn, import_id)
    stored = _server_rows(conn, rows)
    counts = Counts(rows_read=len(rows))
    inserts, updates = [], []
    for row in rows:
        old = stored.get((row["source"], row["source_key"]))
        outcome = decide(row, old)
        if old is not None and (note := both_changed(row, old, outcome, slice_row["last_import_id"])):
            result.both_changed.append(note)
        if outcome == INSERT:
            inserts.append(row)
        elif outcome == UPDATE and old is not None:
            updates.append({**row, "id": old["id"]})
        elif outcome == CONFLICT and old is not None:
            _list_conflict(conn, import_id, row, conflict_reason(row, old))
            counts.conflicts += 1
        else:
            counts.unchanged += 1
    counts.inserted, counts.updated = len(inserts), len(updates)
    counts.unmappable = sum(not r["mappable"] for r in (*inserts, *updates))
    _write(conn, import_id, inserts, updates)
    status = finish(conn, import_id, counts)
    details = {"field_import": field_import["id"], "file": field_import["file_name"], **asdict(counts)}
    audit.record(conn, user, Action.RETURN_OFFLINE, "import", import_id, details)
    return ImportResult(import_id, field_import["profile"], status, counts)


def _start(conn: Connection, field_import: dict[str, Any], user: User) -> int:
    values = {k: field_import[k] for k in ("file_name", "sha256", "size_bytes", "profile", "source")}
    values["file_name"] = f"{values['file_name']} (brought back from the field)"[:400]
    return conn.execute(
        imports.insert()
        .values(**values, username=user.name, started_at=datetime.now(), status="running", host=user.host)
        .returning(imports.c.id)
    ).scalar_one()


def _server_rows(conn: Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    keys = [(r["source"], r["source_key"]) for r in rows]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(keys), KEY_CHUNK):
        wanted = tuple_(incidents.c.source, incidents.c.source_key).in_(keys[start : start + KEY_CHUNK])
        for row in conn.execute(select(incidents).where(wanted)).mappings():
            found[(row["source"], row["source_key"])] = dict(row)
    return found


def _list_conflict(conn: Connection, import_id: int, row: dict[str, Any], reason: str) -> None:
    raw = json.dumps({k: row[k] for k in IMPORTED_COLUMNS}, default=str)
    conn.execute(rejected_rows.insert().values(import_id=import_id, raw_text=raw, reasons=reason))


def _write(conn: Connection, import_id: int, inserts: list[dict], updates: list[dict]) -> None:
    """Insert and update the rows, then place them in every boundary layer's regions."""
    ids = next_ids(conn, "incidents", len(inserts))
    if inserts:
        conn.execute(
            incidents.insert(),
            [{**r, "id": int(i), "import_id": import_id} for r, i in zip(inserts, ids, strict=True)],
        )
    for row in updates:
        values = {k: row[k] for k in IMPORTED_COLUMNS}
        conn.execute(
            update(incidents).where(incidents.c.id == row["id"]).values(**values, import_id=import_id)
        )
    updated_ids = np.array([r["id"] for r in updates], dtype=np.int64)
    if len(updated_ids):
        delete_incident_regions(conn, updated_ids)
    written = [*inserts, *updates]
    all_ids = np.concatenate([ids, updated_ids])
    lon = np.array([np.nan if r["longitude"] is None else r["longitude"] for r in written], dtype=float)
    lat = np.array([np.nan if r["latitude"] is None else r["latitude"] for r in written], dtype=float)
    for index in RegionIndex.for_layers(conn):
        write_region_positions(conn, index.layer_id, all_ids, index.positions(lon, lat), index.names)
