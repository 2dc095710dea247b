"""The ``imports`` table: one row per attempt, with its reconciliation counts."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, exists, select, update

from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import FileFacts
from crimedesk.storage.schema import imports

OK = "ok"
REJECTED_ALL = "rejected_all"  # the file was read, but every row was rejected: nothing stored


@dataclass
class Counts:
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unmappable: int = 0
    corrected: int = 0
    conflicts: int = 0  # rows without updated-on that would have replaced a record with one

    def reconciles(self) -> bool:
        written = self.inserted + self.updated + self.unchanged
        return self.rows_read == written + self.rejected + self.conflicts

    def status(self) -> str:
        """OK, or REJECTED_ALL when rows were read and every one of them was rejected."""
        return REJECTED_ALL if self.rows_read and self.rejected == self.rows_read else OK


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    profile: str
    status: str
    counts: Counts

    def summary(self) -> str:
        c = self.counts
        return (
            f"import {self.import_id} ({self.profile}): {c.rows_read:,} rows read = {c.inserted:,} inserted"
            f" + {c.updated:,} updated + {c.unchanged:,} unchanged + {c.rejected:,} rejected"
            f" + {c.conflicts:,} conflicts;"
            f" {c.unmappable:,} kept as unmappable, {c.corrected:,} corrected"
        )


def start(engine: Engine, facts: FileFacts, profile: Profile, user: str) -> int:
    with engine.begin() as conn:
        return conn.execute(
            imports.insert()
            .values(
                file_name=facts.path.name,
                sha256=facts.sha256,
                size_bytes=facts.size_bytes,
                profile=profile.name,
                source=profile.source,
                username=user,
                started_at=datetime.now(),
                status="running",
                pid=os.getpid(),
                host=socket.gethostname(),
            )
            .returning(imports.c.id)
        ).scalar_one()


def finish(conn: Connection, import_id: int, counts: Counts) -> str:
    """Record the counts and the final status (returned)."""
    status = counts.status()
    conn.execute(
        update(imports)
        .where(imports.c.id == import_id)
        .values(status=status, finished_at=datetime.now(), **asdict(counts))
    )
    return status


def fail(engine: Engine, import_id: int, status: str, error: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(imports)
            .where(imports.c.id == import_id)
            .values(status=status, finished_at=datetime.now(), error=error)
        )


def source_imported_before(conn: Connection, source: str) -> bool:
    """Whether an import of ``source`` has succeeded, so that its keys may already be stored.

    Every incident is written by an import that is marked "ok" in the same transaction, so no
    source has stored rows without one (the converse need not hold: that only costs look-ups).
    The incidents' key index leads with source_key and could not answer this without a scan.
    """
    query = select(exists().where(imports.c.source == source, imports.c.status == OK))
    return bool(conn.execute(query).scalar())


def claim_write_lock(conn: Connection, import_id: int) -> None:
    """Write first so SQLite takes its lock now, not half-way through the import."""
    conn.execute(update(imports).where(imports.c.id == import_id).values(status="running"))
