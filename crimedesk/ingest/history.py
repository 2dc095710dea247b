"""The ``imports`` table: one row per attempt, with its reconciliation counts."""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, exists, func, select, text, update

from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import FileFacts
from crimedesk.storage.schema import imports, incidents

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
    conflicts: int = 0  # a key seen again in the file with other values, or no updated-on vs one
    duplicates: int = 0  # exact repeats, within the file, of a row already read (not stored again)
    far_off: int = 0  # suspect geocodes far outside the data's area (kept, counted as unmappable too)

    def reconciles(self) -> bool:
        written = self.inserted + self.updated + self.unchanged
        return self.rows_read == written + self.duplicates + self.conflicts + self.rejected

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
            f" + {c.duplicates:,} duplicates + {c.conflicts:,} conflicts;"
            f" {c.unmappable:,} kept as unmappable ({c.far_off:,} far off), {c.corrected:,} corrected"
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


def identical_import(conn: Connection, facts: FileFacts, profile: Profile) -> tuple[int, datetime] | None:
    """The last completed import of the same bytes (sha256) with the same profile: its id and
    when it finished, or None. A workbook's sheets share its hash, so workbooks are never matched."""
    if facts.sheet is not None:
        return None
    query = (
        select(imports.c.id, imports.c.finished_at)
        .where(
            imports.c.sha256 == facts.sha256,
            imports.c.profile == profile.name,
            imports.c.status.in_((OK, REJECTED_ALL)),
        )
        .order_by(imports.c.id.desc())
        .limit(1)
    )
    found = conn.execute(query).first()
    return None if found is None else (found.id, found.finished_at)


def claim_write_lock(conn: Connection, import_id: int) -> None:
    """Write first so SQLite takes its lock now, not half-way through the import; record where
    the incidents this import inserts will begin (see crimedesk.ingest.deletion)."""
    floor = incident_id_floor(conn)
    conn.execute(
        update(imports).where(imports.c.id == import_id).values(status="running", incident_id_floor=floor)
    )


def incident_id_floor(conn: Connection) -> int:
    """The highest incident id stored or reserved so far: every id handed out later is above it
    (PostgreSQL's sequence only grows; SQLite numbers new rows max(id) + 1 in the write lock)."""
    highest = conn.execute(select(func.coalesce(func.max(incidents.c.id), 0))).scalar_one()
    if conn.dialect.name != "postgresql":
        return int(highest)
    sequence = conn.execute(text("SELECT pg_get_serial_sequence('incidents', 'id')")).scalar_one()
    reserved = conn.execute(
        text(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
    ).scalar_one()
    return max(int(highest), int(reserved))
