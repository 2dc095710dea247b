"""Import a file: detect its profile, stream it in batches through the stages, store it atomically.

Rows read = inserted + updated + unchanged + duplicates + conflicts + rejected, for every
import; the whole import is one transaction, so an error or a cancel leaves the store as it was
(the attempt itself is recorded in ``imports`` with its status and error).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import AlreadyImported, ImportCancelled, ImportFileError
from crimedesk.domain.explain import explain
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.ingest import conflicts, history, ucr_writer
from crimedesk.ingest.dedupe import KeyTracker
from crimedesk.ingest.detect import detect_profile
from crimedesk.ingest.history import Counts, ImportResult
from crimedesk.ingest.mappings import check_source, saved_profiles
from crimedesk.ingest.prepare import Encoder, Prepared, Preparer, encoder_for
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.profiles.base import UCR, Profile, normalize_header
from crimedesk.ingest.reader_process import batches_read_in_process
from crimedesk.ingest.source import FileFacts, inspect_file
from crimedesk.ingest.writer import IncidentWriter
from crimedesk.storage import bulk, pg_binary, reject_blocks, write_ahead
from crimedesk.storage.import_lock import holding_import_lock

log = logging.getLogger(__name__)
READ_IN_PROCESS_ROWS = 150_000  # below this, starting a process (half a second) costs more than it saves


def available_profiles(conn: Connection) -> dict[str, Profile]:
    return {**all_profiles(), **saved_profiles(conn)}


def choose_profile(engine: Engine, facts: FileFacts, profile: str | Profile | None) -> Profile:
    if isinstance(profile, Profile):
        return profile
    with engine.connect() as conn:
        profiles = available_profiles(conn)
    if profile is None:
        return detect_profile(facts.header, profiles)
    if profile not in profiles:
        raise ImportFileError(f"unknown profile {profile!r}; known: {', '.join(sorted(profiles))}")
    chosen = profiles[profile]
    missing = chosen.missing_columns({normalize_header(h) for h in facts.header})
    if missing:
        raise ImportFileError(
            f"{facts.path.name} lacks columns the {chosen.name} profile needs: {', '.join(missing)}"
        )
    return chosen


@requires(Action.IMPORT)
def import_file(
    engine: Engine,
    path: str | Path,
    *,
    profile: str | Profile | None = None,
    user: User | None = None,
    wait: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    again: bool = False,
) -> ImportResult:
    """Import ``path`` into the store; raises ImportFileError / ImportCancelled with the store unchanged.

    One import runs at a time per store: while another runs this raises ImportBusy naming it, or
    with ``wait`` waits for it (``cancel`` still stops the wait). ``delimiter`` and ``encoding``
    are sniffed from the file when not given (source.text_format); ``sheet`` is the sheet of an
    Excel workbook (the first when not given). A file already imported with the same profile
    (same bytes) raises AlreadyImported and stores nothing, unless ``again`` asks to read it again.
    ``user`` is who imports (None: the user the store is opened as); an analyst or admin. The
    import and its audit row commit together.
    """
    facts = inspect_file(Path(path), delimiter, encoding, sheet)
    chosen = choose_profile(engine, facts, profile)
    sniffed = facts.text_format
    wanted = (
        delimiter or chosen.delimiter or sniffed.delimiter,
        encoding or chosen.encoding or sniffed.encoding,
    )
    if facts.sheet is None and wanted != (sniffed.delimiter, sniffed.encoding):
        facts = inspect_file(Path(path), *wanted)  # a column mapping's format, not the sniffed one
    with engine.connect() as conn:
        check_source(conn, chosen)
        earlier = None if again else history.identical_import(conn, facts, chosen)
    if earlier is not None:
        raise AlreadyImported(
            f"{facts.path.name} was imported already, unchanged (import {earlier[0]},"
            f" {earlier[1]:%Y-%m-%d %H:%M}); nothing was stored again."
            " To read it anyway: crimedesk import --again."
        )
    with holding_import_lock(engine, wait=wait, progress=progress, cancel=cancel):
        return _import_locked(engine, facts, chosen, resolved(user), progress, cancel)


def _import_locked(
    engine: Engine, facts: FileFacts, chosen: Profile, user: User, progress: ProgressFn, cancel: CancelFn
) -> ImportResult:
    import_id = history.start(engine, facts, chosen, user.name)
    try:
        with engine.begin() as conn:
            history.claim_write_lock(conn, import_id)
            counts = _run(conn, facts, chosen, import_id, progress, cancel)
            status = history.finish(conn, import_id, counts)
            details = {"file": facts.path.name, "profile": chosen.name, "status": status, **vars(counts)}
            audit.record(conn, user, Action.IMPORT, "import", import_id, details)
    except ImportCancelled as exc:
        _record_end(engine, import_id, "cancelled", str(exc))
        raise
    except Exception as exc:
        _record_end(engine, import_id, "failed", explain(exc))
        raise
    progress(1.0, "done")
    return ImportResult(import_id, chosen.name, status, counts)


def _record_end(engine: Engine, import_id: int, status: str, error: str) -> None:
    """Record why the attempt ended, unless the store cannot take even that (a full disk).

    The error that ended the import is the one to raise; an attempt left ``running`` is marked
    abandoned when the store next opens.
    """
    try:
        history.fail(engine, import_id, status, error)
    except Exception as exc:
        log.warning("import %s: could not record its end (%s): %s", import_id, status, exc)


class _Store:
    """The consumer side: writes prepared batches and keeps the counts."""

    def __init__(self, conn: Connection, profile: Profile, import_id: int) -> None:
        self.conn, self.import_id = conn, import_id
        self.counts = Counts()
        self.conflicts: list[tuple[int, str]] = []  # (line number, reason)
        self.batch_ends: list[int] = []  # each batch's last line number, in file order
        if profile.kind == UCR:
            self.ucr_writer = ucr_writer.UcrWriter(conn, import_id)
        else:
            self.source_had_rows = history.source_imported_before(conn, profile.source)
            self.writer = IncidentWriter(conn, import_id, KeyTracker(profile.source, self.source_had_rows))

    def write(self, prepared: Prepared) -> None:
        if prepared.table is None:
            written = self.ucr_writer.write(prepared.records)
        else:
            written = self.writer.write(prepared.table, prepared.key_hashes, prepared.encoded)
        c = self.counts
        c.rows_read += prepared.rows_read
        c.inserted += written.inserted
        c.updated += written.updated
        c.unchanged += written.unchanged
        c.rejected += len(prepared.rejected)
        c.unmappable += prepared.unmappable
        c.corrected += prepared.corrected
        c.duplicates += prepared.duplicates
        c.far_off += prepared.far_off
        c.conflicts += len(written.conflicts) + prepared.conflicts
        self.conflicts += [(int(prepared.lines[row]), reason) for row, reason in written.conflicts]
        listed = prepared.rejected + prepared.listed
        last = max([*self.batch_ends[-1:], int(prepared.lines.max(initial=0)), *(r[0] or 0 for r in listed)])
        self.batch_ends.append(last)
        reject_blocks.write(self.conn, self.import_id, listed)

    def write_conflicts(self, facts: FileFacts) -> None:
        """List the conflicts with the rejected rows (the file is read again), a block per batch
        they came from: blocks whose lines interleave are read back together (reject_blocks)."""
        if not self.conflicts:
            return
        listed = sorted(self.conflicts)
        records = conflicts.with_raw_text(facts, listed)
        batches = np.searchsorted(self.batch_ends, [line for line, _ in listed])
        for start, end in _runs(batches):
            reject_blocks.write(self.conn, self.import_id, records[start:end])


def _runs(values: np.ndarray) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of equal ``values``."""
    edges = [0, *(np.flatnonzero(np.diff(values)) + 1).tolist(), len(values)]
    return itertools.pairwise(edges)


def _run(
    conn: Connection,
    facts: FileFacts,
    profile: Profile,
    import_id: int,
    progress: ProgressFn,
    cancel: CancelFn,
) -> Counts:
    estimate = _estimated_rows(facts)
    with _batches(conn, facts, profile, estimate) as batches:
        store = _Store(conn, profile, import_id)
        dropped = (
            bulk.drop_indexes_for_bulk_load(
                conn, _new_rows(estimate, store), keep_key_index=store.source_had_rows
            )
            if profile.kind != UCR
            else []
        )
        if dropped:
            store.writer.defer_regions()
        first_load = bool(dropped) and not store.source_had_rows  # no index is updated row by row
        with write_ahead.spilling(conn) if first_load else nullcontext():
            _write_all(store, batches, estimate, progress, cancel)
            store.write_conflicts(facts)
            if dropped:
                progress(0.99, "indexing")
                store.writer.write_deferred_regions()
                bulk.create_indexes(conn, dropped)
    if store.counts.rows_read == 0:
        raise ImportFileError(f"{facts.path.name}: the file has a header but no data rows")
    if not store.counts.reconciles():
        raise RuntimeError(f"reconciliation failed: {store.counts}")
    return store.counts


def _write_all(
    store: _Store, batches: Iterator[Prepared], estimate: float, progress: ProgressFn, cancel: CancelFn
) -> None:
    for prepared in batches:
        check_cancel(cancel)
        store.write(prepared)
        progress(min(store.counts.rows_read / estimate, 0.99), f"{store.counts.rows_read:,} rows read")
    check_cancel(cancel)


def _batches(
    conn: Connection, facts: FileFacts, profile: Profile, estimated_rows: float
) -> ContextManager[Iterator[Prepared]]:
    """Large files are read in a child process (see reader_process), which also encodes the rows
    for the store's bulk insert; small ones here, in turn."""
    if estimated_rows >= READ_IN_PROCESS_ROWS:
        return batches_read_in_process(facts, profile, _encoder(conn, profile))
    return nullcontext(Preparer(facts, profile).batches())


def _encoder(conn: Connection, profile: Profile) -> Encoder | None:
    if profile.kind == UCR:
        return None
    if conn.dialect.name == "postgresql":
        return encoder_for("postgresql", pg_binary.column_types(conn, "incidents"))
    return encoder_for(conn.dialect.name)


def _new_rows(estimate: float, store: _Store) -> int:
    """The rows an import may add, for the choice to drop the indexes: all of the file's on a first
    import of its source; otherwise half, as an export imported again repeats many stored rows
    (the estimate can be well above the true count: the indexes must not go on a re-import)."""
    return int(estimate) // (2 if store.source_had_rows else 1)


def _estimated_rows(facts: FileFacts) -> float:
    """Rough row count for progress: size over the average line length of the first MB."""
    size = facts.size_bytes * (4 if facts.compressed else 1)
    return max(size / max(facts.mean_line_bytes, 1.0), 1.0)
