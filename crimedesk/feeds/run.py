"""One run of a feed: batches written like a file import's, each with the feed's resume point.

A run owns one ``imports`` row (the incidents' ``import_id``, and where its rejected rows are
listed) and one ``feed_runs`` row. Each :meth:`FeedRun.write` is one transaction under the store's
import lock: the batch's incidents, region joins, rejected rows, the counts and the new watermark
commit together or not at all, so a process killed anywhere resumes from the last batch written.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, Engine, func, select, text, update

from crimedesk.auth.user import User
from crimedesk.feeds.feed import ACTIVE, FAILED, FAILING, INTERRUPTED, OK, PAUSED, RUNNING, Feed
from crimedesk.feeds.records import raw_batch
from crimedesk.ingest.dedupe import KeyTracker
from crimedesk.ingest.history import Counts
from crimedesk.ingest.pipeline import available_profiles
from crimedesk.ingest.prepare import Prepared, Preparer
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import BadRow, FileFacts
from crimedesk.ingest.textformat import TextFormat
from crimedesk.ingest.writer import IncidentWriter
from crimedesk.regions.join import delete_incident_regions
from crimedesk.storage import bulk
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import feed_runs, feeds, imports, incidents

COUNTED = ("inserted", "updated", "unchanged", "rejected", "conflicts")


def feed_profile(engine: Engine, feed: Feed) -> Profile:
    from crimedesk.feeds.errors import FeedError

    with engine.connect() as conn:
        profiles = available_profiles(conn)
    if feed.profile not in profiles:
        raise FeedError(f"Feed {feed.name!r} names the profile {feed.profile!r}, which is not known.")
    return profiles[feed.profile]


class FeedRun:
    """The run in progress; :attr:`counts` reconcile (received = written + rejected + conflicts)."""

    def __init__(self, engine: Engine, feed: Feed, user: User, profile: Profile | None = None) -> None:
        self.engine, self.feed, self.user = engine, feed, user
        self.profile = profile or feed_profile(engine, feed)
        self.counts = Counts()
        self.deleted = 0
        facts = FileFacts(Path(f"feed {feed.name}"), 0, "", (), False, 1.0, 0, TextFormat("utf-8", ","))
        self._preparer = Preparer(facts, self.profile, repeats_per_batch=True)
        self._writer: IncidentWriter | None = None
        self.on_batch: Callable[[Counts], None] | None = None  # told each committed batch's counts
        self.import_id, self.run_id = self._start()

    def _start(self) -> tuple[int, int]:
        now = datetime.now()
        with self.engine.begin() as conn:
            conn.execute(  # runs of this feed left running belong to a process that died
                update(feed_runs)
                .where(feed_runs.c.feed_id == self.feed.id, feed_runs.c.status == RUNNING)
                .values(status=INTERRUPTED, finished_at=now, error="the process running it ended")
            )
            import_id = conn.execute(
                imports.insert()
                .values(
                    file_name=f"feed {self.feed.name}",
                    sha256="",
                    size_bytes=0,
                    profile=self.profile.name,
                    source=self.profile.source,
                    username=self.user.name,
                    started_at=now,
                    status=OK,  # each batch is complete when committed: nothing to abandon
                    pid=os.getpid(),
                    host=socket.gethostname(),
                )
                .returning(imports.c.id)
            ).scalar_one()
            run_id = conn.execute(
                feed_runs.insert()
                .values(
                    feed_id=self.feed.id,
                    import_id=import_id,
                    started_at=now,
                    status=RUNNING,
                    **dict.fromkeys(("received", *COUNTED, "deleted"), 0),
                )
                .returning(feed_runs.c.id)
            ).scalar_one()
        return import_id, run_id

    def write(
        self,
        records: Sequence[Mapping[str, Any]],
        lines: Sequence[int],
        watermark: dict[str, Any],
        bad: Sequence[BadRow] = (),
    ) -> Counts:
        """Store one batch (``lines``: each record's number in the run, or its offset) and the
        watermark that follows it, in one transaction; returns the batch's counts."""
        raw = raw_batch(records, self.profile)
        prepared = self._preparer.prepare(raw, np.asarray(lines, dtype=np.int64), list(bad))
        texts = {int(line): json.dumps(r, sort_keys=True) for line, r in zip(lines, records, strict=True)}
        with holding_import_lock(self.engine, wait=True), self.engine.begin() as conn:
            batch = self._write_prepared(conn, prepared, texts)
            self._record(conn, batch, watermark)
        self._add(batch)
        self.feed.watermark = watermark
        return batch

    def write_rows(self, write: Callable[[Connection], Counts], watermark: dict[str, Any]) -> Counts:
        """Like :meth:`write` for rows that are not incidents: ``write(conn)`` stores them and
        returns their counts, in the transaction that records the counts and the watermark."""
        with self.engine.begin() as conn:
            batch = write(conn)
            self._record(conn, batch, watermark)
        self._add(batch)
        return batch

    def _add(self, batch: Counts) -> None:
        for name in ("rows_read", *COUNTED, "duplicates", "unmappable", "far_off", "corrected"):
            setattr(self.counts, name, getattr(self.counts, name) + getattr(batch, name))
        if self.on_batch is not None:
            self.on_batch(batch)

    def _write_prepared(self, conn: Connection, prepared: Prepared, texts: dict[int, str]) -> Counts:
        batch = Counts(rows_read=prepared.rows_read, rejected=len(prepared.rejected))
        batch.unmappable, batch.corrected = prepared.unmappable, prepared.corrected
        batch.duplicates, batch.far_off, batch.conflicts = (
            prepared.duplicates,
            prepared.far_off,
            prepared.conflicts,
        )
        rejected = list(prepared.rejected) + list(prepared.listed)  # duplicates, conflicts, far off: listed
        if prepared.table is not None and prepared.table.num_rows:
            if self._writer is None:
                self._writer = IncidentWriter(conn, self.import_id, KeyTracker(self.profile.source, True))
            self._writer.conn = conn  # the region index is kept; the connection is this batch's
            written = self._writer.write(prepared.table, prepared.key_hashes)
            batch.inserted, batch.updated, batch.unchanged = (
                written.inserted,
                written.updated,
                written.unchanged,
            )
            batch.conflicts += len(written.conflicts)
            for row, reason in written.conflicts:
                line = int(prepared.lines[row])
                rejected.append((line, texts.get(line, ""), reason))
        insert_rejected(conn, self.import_id, rejected)
        return batch

    def _record(self, conn: Connection, batch: Counts, watermark: dict[str, Any]) -> None:
        total = {name: getattr(self.counts, name) + getattr(batch, name) for name in COUNTED}
        received = self.counts.rows_read + batch.rows_read
        conn.execute(
            update(imports)
            .where(imports.c.id == self.import_id)
            .values(
                rows_read=received,
                unmappable=self.counts.unmappable + batch.unmappable,
                duplicates=self.counts.duplicates + batch.duplicates,
                far_off=self.counts.far_off + batch.far_off,
                **total,
            )
        )
        conn.execute(
            update(feed_runs).where(feed_runs.c.id == self.run_id).values(received=received, **total)
        )
        conn.execute(
            update(feeds)
            .where(feeds.c.id == self.feed.id)
            .values(
                watermark_json=json.dumps(watermark),
                received=feeds.c.received + batch.rows_read,
                **{n: getattr(feeds.c, n) + getattr(batch, n) for n in COUNTED if n != "conflicts"},
            )
        )

    def stored_keys_count(self) -> int:
        """Incidents last written by this feed (any of its runs)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).where(*self._mine())).scalar_one()

    def delete_missing(self, keys_on_server: set[str]) -> int:
        """Delete this feed's incidents whose key the server no longer has (upstream deletions)."""
        with holding_import_lock(self.engine, wait=True), self.engine.begin() as conn:
            stored = conn.execute(select(incidents.c.id, incidents.c.source_key).where(*self._mine())).all()
            gone = np.array([r.id for r in stored if r.source_key not in keys_on_server], dtype=np.int64)
            if len(gone):
                self._delete(conn, gone)
                conn.execute(update(feed_runs).where(feed_runs.c.id == self.run_id).values(deleted=len(gone)))
        self.deleted = len(gone)
        return self.deleted

    def _delete(self, conn: Connection, ids: np.ndarray) -> None:
        """Delete these incidents of the feed; on a server through the function that lets analysts
        delete a feed's own rows and nothing else (crimedesk.auth.server)."""
        if conn.dialect.name == "postgresql" and _has_delete_function(conn):
            statement = text("SELECT crimedesk_delete_feed_rows(:feed, :ids)")
            conn.execute(statement, {"feed": self.feed.id, "ids": ids.tolist()})
            return
        delete_incident_regions(conn, ids)
        among, bound = bulk.any_of(conn, ids.tolist())
        conn.exec_driver_sql(f"DELETE FROM incidents WHERE id {among}", (bound,))

    def _mine(self) -> tuple[Any, ...]:
        runs = select(feed_runs.c.import_id).where(feed_runs.c.feed_id == self.feed.id)
        return (incidents.c.source == self.profile.source, incidents.c.import_id.in_(runs))

    def finish(
        self, status: str, error: str | None = None, note: str | None = None, server_count: int | None = None
    ) -> None:
        now = datetime.now()
        with self.engine.begin() as conn:
            conn.execute(
                update(feed_runs)
                .where(feed_runs.c.id == self.run_id)
                .values(status=status, finished_at=now, error=error, note=note, server_count=server_count)
            )
            conn.execute(update(imports).where(imports.c.id == self.import_id).values(finished_at=now))
            paused = conn.execute(select(feeds.c.status).where(feeds.c.id == self.feed.id)).scalar() == PAUSED
            values: dict[str, Any] = {"last_error": error}
            if status == OK:
                values["last_success"] = now
            if not paused:
                values["status"] = FAILING if status == FAILED else ACTIVE
            conn.execute(update(feeds).where(feeds.c.id == self.feed.id).values(**values))


def insert_rejected(conn: Connection, import_id: int, records: list[tuple[int | None, str, str]]) -> None:
    if not records:
        return
    table = pa.table(
        {
            "import_id": pa.array(np.full(len(records), import_id, dtype=np.int64)),
            "line_number": pa.array([r[0] for r in records], type=pa.int64()),
            "raw_text": pa.array([r[1] for r in records], type=pa.string()),
            "reasons": pa.array([r[2] for r in records], type=pa.string()),
        }
    )
    bulk.insert_arrow(conn, "rejected_rows", table)


def _has_delete_function(conn: Connection) -> bool:
    """Whether the server enforces the roles (a store migrated by a non-superuser has no functions)."""
    found = "SELECT to_regprocedure('crimedesk_delete_feed_rows(integer, bigint[])') IS NOT NULL"
    return bool(conn.execute(text(found)).scalar())
