"""Classify accepted rows as insert / update / unchanged against the store and earlier rows.

A key already stored is updated only when the source's updated-on is newer; sources without an
updated-on update a row only when its content differs. Keys seen earlier in the same file are
found through a compact set of key hashes, so a fresh import never has to ask the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from sqlalchemy import BigInteger, Connection, select, type_coerce

from crimedesk.ingest.rows import INCIDENT_COLUMNS, TIME_COLUMNS
from crimedesk.storage.schema import incidents

COMPARED = tuple(c for c in INCIDENT_COLUMNS if c not in ("source", "source_key"))
UPDATED = COMPARED.index("source_updated_at")
LOOKUP_CHUNK = 20_000


@dataclass
class Plan:
    insert: np.ndarray  # row positions to insert
    update: np.ndarray  # row positions to update
    update_ids: np.ndarray  # stored ids of those rows
    unchanged: int
    folded_updates: int = 0  # updates of rows written by this same batch (counted, not re-written)

    @property
    def updated(self) -> int:
        return len(self.update) + self.folded_updates


@dataclass
class KeyTracker:
    """Remembers which keys this import has written, as sorted 64-bit hashes."""

    source: str
    source_had_rows: bool
    seen: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def record(self, hashes: np.ndarray) -> np.ndarray:
        """Remember a batch's key hashes; returns which rows may share their key with a row already
        written (by the store or an earlier batch) or with another row of this batch."""
        if self.source_had_rows:  # any key may be stored: every row is looked up, nothing to remember
            return np.ones(len(hashes), dtype=bool)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        suspect = np.zeros(len(hashes), dtype=bool)
        same = ordered[1:] == ordered[:-1]
        suspect[1:] |= same
        suspect[:-1] |= same
        if len(self.seen):
            found = np.minimum(np.searchsorted(self.seen, ordered), len(self.seen) - 1)
            suspect |= self.seen[found] == ordered
        self.seen = np.sort(np.concatenate([self.seen, ordered]), kind="stable")  # merges two sorted runs
        in_file_order = np.empty_like(suspect)
        in_file_order[order] = suspect
        return in_file_order


def _stored(conn: Connection, source: str, keys: list[str]) -> dict[str, tuple]:
    """key -> (id, *COMPARED values) for stored rows among ``keys``."""
    # Times as the stored integer seconds, exactly as the new rows carry them (no datetime round trip).
    stored = [
        type_coerce(incidents.c[c], BigInteger) if c in TIME_COLUMNS else incidents.c[c] for c in COMPARED
    ]
    cols = [incidents.c.source_key, incidents.c.id, *stored]
    found: dict[str, tuple] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        query = select(*cols).where(incidents.c.source == source, incidents.c.source_key.in_(chunk))
        for row in conn.execute(query.execution_options(yield_per=LOOKUP_CHUNK)):
            found[row[0]] = tuple(row[1:])
    return found


def _is_newer(new: tuple, old: tuple) -> bool:
    new_time, old_time = new[UPDATED], old[UPDATED]
    if new_time is not None and old_time is not None:
        return new_time > old_time
    return new != old


def plan(conn: Connection, table: pa.Table, tracker: KeyTracker, hashes: np.ndarray) -> Plan:
    suspects = tracker.record(hashes)
    if not suspects.any():
        return Plan(np.arange(len(hashes)), np.empty(0, np.int64), np.empty(0, np.int64), 0)
    keys = table.column("source_key").to_numpy(zero_copy_only=False)
    return _resolve(conn, table, keys, suspects, tracker.source)


def _resolve(conn: Connection, table: pa.Table, keys: np.ndarray, suspects: np.ndarray, source: str) -> Plan:
    """Walk the suspect rows in file order, as if they were written one by one."""
    positions = np.flatnonzero(suspects)
    stored = _stored(conn, source, sorted(set(keys[positions].tolist())))
    rows = table.select(list(COMPARED)).take(pa.array(positions)).to_pylist()
    insert = {int(p): int(p) for p in np.flatnonzero(~suspects)}  # first position -> row written
    pending: dict[str, int] = {}  # key -> first position, for keys inserted by this batch
    update: dict[int, int] = {}  # stored id -> row written
    plan = Plan(np.empty(0), np.empty(0), np.empty(0), 0)
    for pos, row in zip(positions.tolist(), rows, strict=True):
        key, new = keys[pos], tuple(row[c] for c in COMPARED)
        old = stored.get(key)
        if old is None:
            insert[pos] = pos
            pending[key] = pos
        elif not _is_newer(new, old[1:]):
            plan.unchanged += 1
            continue
        elif key in pending:
            insert[pending[key]] = pos
            plan.folded_updates += 1
        else:
            plan.folded_updates += 1 if old[0] in update else 0
            update[old[0]] = pos
        stored[key] = (old[0] if old else None, *new)
    plan.insert = np.array(sorted(insert.values()), dtype=np.int64)
    plan.update_ids = np.array(list(update), dtype=np.int64)
    plan.update = np.array(list(update.values()), dtype=np.int64)
    return plan
