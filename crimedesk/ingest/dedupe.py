"""Classify accepted rows as insert / update / unchanged / conflict against the store and earlier rows.

A key already stored is updated only when the source's updated-on is newer; sources without an
updated-on update a row only when its content differs. A row without updated-on never replaces
one that has it: when their contents differ it is a conflict (kept out, listed with the reason).
Keys seen earlier in the same file are found through a compact set of key hashes, so a fresh
import never has to ask the database.

When a batch repeats no key and every stored row it meets has an updated-on, as when a portal
export is imported again, the batch is classified with arrays: only keys, ids and updated-on
times are fetched. Otherwise its rows are walked one by one, comparing whole rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection

from crimedesk.domain.columns import IMPORTED_COLUMNS
from crimedesk.domain.timecodec import from_seconds
from crimedesk.storage import bulk
from crimedesk.storage.dbapi import dbapi_cursor

COMPARED = tuple(c for c in IMPORTED_COLUMNS if c not in ("source", "source_key"))
UPDATED = COMPARED.index("source_updated_at")


@dataclass
class Plan:
    insert: np.ndarray  # row positions to insert
    update: np.ndarray  # row positions to update
    update_ids: np.ndarray  # stored ids of those rows
    unchanged: int
    folded_updates: int = 0  # updates of rows written by this same batch (counted, not re-written)
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # (row position, reason)

    @property
    def updated(self) -> int:
        return len(self.update) + self.folded_updates


@dataclass
class KeyTracker:
    """Remembers which keys this import has written, as sorted runs of 64-bit hashes.

    A run is merged with the last one only while that one is no larger (as a binary counter
    carries), so a hash is copied O(log n) times over the import and a batch is looked up in
    O(log n) runs: the cost per row stays flat at millions of rows, where re-sorting one array
    of every hash per batch grew with the rows written.
    """

    source: str
    source_had_rows: bool
    runs: list[np.ndarray] = field(default_factory=list)

    def record(self, hashes: np.ndarray) -> np.ndarray:
        """Remember a batch's key hashes; returns which rows may share their key with a row already
        written (by the store or an earlier batch) or with another row of this batch."""
        if self.source_had_rows:  # any key may be stored: every row is looked up, nothing to remember
            return np.ones(len(hashes), dtype=bool)
        if not len(hashes):  # a batch whose rows were all rejected: nothing to remember
            return np.zeros(0, dtype=bool)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        suspect = np.zeros(len(hashes), dtype=bool)
        same = ordered[1:] == ordered[:-1]
        suspect[1:] |= same
        suspect[:-1] |= same
        for run in self.runs:
            found = np.minimum(np.searchsorted(run, ordered), len(run) - 1)
            suspect |= run[found] == ordered
        self._add(ordered)
        in_file_order = np.empty_like(suspect)
        in_file_order[order] = suspect
        return in_file_order

    def _add(self, run: np.ndarray) -> None:
        while self.runs and len(self.runs[-1]) <= len(run):
            run = np.sort(np.concatenate([self.runs.pop(), run]), kind="stable")  # merges two sorted runs
        self.runs.append(run)


def _stored(conn: Connection, source: str, keys: list[str]) -> dict[str, tuple]:
    """key -> (id, *COMPARED values) for stored rows among ``keys`` (times as stored seconds)."""
    return {row[0]: row[1:] for row in _stored_rows(conn, source, keys, ("source_key", "id", *COMPARED))}


UPDATE, UNCHANGED, CONFLICT = "update", "unchanged", "conflict"


def decide_version(new: tuple, old: tuple) -> str:
    """What a row does to the stored (or earlier) version of its key."""
    new_time, old_time = new[UPDATED], old[UPDATED]
    if new_time is None and old_time is not None:
        return UNCHANGED if not _differences(new, old) else CONFLICT
    if new_time is not None and old_time is not None:
        return UPDATE if new_time > old_time else UNCHANGED
    return UPDATE if new != old else UNCHANGED


def _differences(new: tuple, old: tuple) -> list[str]:
    """The compared columns, but the updated-on, in which ``new`` differs from ``old``."""
    return [
        name for name, a, b in zip(COMPARED, new, old, strict=True) if a != b and name != COMPARED[UPDATED]
    ]


def _conflict_reason(new: tuple, old: tuple) -> str:
    updated = f"{from_seconds(old[UPDATED]):%Y-%m-%d %H:%M:%S}"
    return (
        f"conflict: no updated-on, so it does not replace the stored record (updated on {updated});"
        f" they differ in {', '.join(_differences(new, old))}"
    )


def plan(conn: Connection, table: pa.Table, tracker: KeyTracker, hashes: np.ndarray) -> Plan:
    suspects = tracker.record(hashes)
    if not suspects.any():
        return Plan(np.arange(len(hashes)), np.empty(0, np.int64), np.empty(0, np.int64), 0)
    positions = np.flatnonzero(suspects)
    if len(np.unique(hashes[positions])) == len(positions):  # no key twice among them
        by_time = _by_updated_on(conn, table, positions, tracker.source)
        if by_time is not None:
            return by_time
    keys = table.column("source_key").to_numpy(zero_copy_only=False)
    return _resolve(conn, table, keys, suspects, tracker.source)


def _by_updated_on(conn: Connection, table: pa.Table, positions: np.ndarray, source: str) -> Plan | None:
    """The plan for distinct ``positions``, decided on updated-on times alone; None when a stored
    row met, or its new version, has no updated-on (their contents must then be compared)."""
    wanted = table.column("source_key").take(pa.array(positions)).combine_chunks()
    stored_keys, stored_ids, stored_times = _stored_times(conn, source, wanted.to_pylist())
    at = pc.index_in(wanted, value_set=stored_keys).fill_null(-1).to_numpy(zero_copy_only=False)
    found = at >= 0
    new_times = table.column("source_updated_at").take(pa.array(positions[found])).combine_chunks()
    old_times = stored_times.take(pa.array(at[found]))
    if new_times.null_count or old_times.null_count:
        return None
    newer = new_times.to_numpy() > old_times.to_numpy()
    kept = np.ones(table.num_rows, dtype=bool)
    kept[positions[found]] = False  # stored keys: updated or unchanged, never inserted
    return Plan(
        insert=np.flatnonzero(kept),
        update=positions[found][newer],
        update_ids=stored_ids[at[found][newer]],
        unchanged=int((~newer).sum()),
    )


def _stored_times(conn: Connection, source: str, keys: list[str]) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """Key, id and updated-on seconds of the stored rows among ``keys``."""
    rows = _stored_rows(conn, source, keys, ("source_key", "id", "source_updated_at"))
    found_keys, ids, times = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.array(found_keys, pa.string()), np.array(ids, dtype=np.int64), pa.array(times, pa.int64())


def _stored_rows(conn: Connection, source: str, keys: list[str], columns: tuple[str, ...]) -> Sequence[tuple]:
    """``columns`` of the stored incidents of ``source`` among ``keys``, as the driver returns them,
    in one query (the keys bound as one parameter, see ``bulk.any_of``): no result rows are built
    but the driver's tuples."""
    among, bound = bulk.any_of(conn, keys)
    where = f"source = {bulk.placeholder(conn)} AND source_key {among}"
    sql = f"SELECT {', '.join(columns)} FROM incidents WHERE {where}"
    with closing(dbapi_cursor(conn)) as cursor:
        cursor.execute(sql, (source, bound))
        return cursor.fetchall()


def _resolve(conn: Connection, table: pa.Table, keys: np.ndarray, suspects: np.ndarray, source: str) -> Plan:
    """Walk the suspect rows in file order, as if they were written one by one."""
    positions = np.flatnonzero(suspects)
    stored = _stored(conn, source, sorted(set(keys[positions].tolist())))
    taken = pa.array(positions)
    rows = list(zip(*(table.column(c).take(taken).to_pylist() for c in COMPARED), strict=True))
    insert = {int(p): int(p) for p in np.flatnonzero(~suspects)}  # first position -> row written
    pending: dict[str, int] = {}  # key -> first position, for keys inserted by this batch
    update: dict[int, int] = {}  # stored id -> row written
    plan = Plan(np.empty(0), np.empty(0), np.empty(0), 0)
    for pos, row in zip(positions.tolist(), rows, strict=True):
        key, new = keys[pos], row
        old = stored.get(key)
        decision = UPDATE if old is None else decide_version(new, old[1:])
        if decision == UNCHANGED:
            plan.unchanged += 1
            continue
        if decision == CONFLICT:
            plan.conflicts.append((pos, _conflict_reason(new, stored[key][1:])))
            continue
        if old is None:
            insert[pos] = pos
            pending[key] = pos
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
