"""One import at a time per store, and the attempts left ``running`` by processes that died.

An import holds its store's import lock from before its attempt is recorded until the attempt is
finished: on SQLite an exclusive ``flock`` on ``<store file>.import-lock``, on PostgreSQL a
session advisory lock (advisory locks are per database). The operating system or the server
releases either when the holding process dies, however it dies, and its open transaction rolls
back with it. So whoever holds the lock knows that no import is running anywhere, on any host:
an attempt still marked ``running`` then belongs to a dead process and is marked ``abandoned``.
A workstation that hangs keeps its session, its lock and its attempt ``running`` until the
server drops it; until then its transaction could still commit, so it is not judged.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from crimedesk.domain.errors import ImportBusy
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.storage.schema import imports

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x63726D6469  # "crmdi": the import lock's key among the database's advisory locks
WAIT_POLL_SECONDS = 0.5
ABANDONED = "the importing process (pid {pid} on {host}) ended before finishing; nothing of it was stored"


class _FileLock:
    """An exclusive lock on a file beside the SQLite store (per open file: it excludes this process too)."""

    def __init__(self, path: str) -> None:
        self.path, self.descriptor = path, -1

    def try_acquire(self) -> bool:
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _lock_file(descriptor)
        except OSError:
            os.close(descriptor)
            return False
        self.descriptor = descriptor
        return True

    def release(self) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)  # closing drops the lock
            self.descriptor = -1


def _lock_file(descriptor: int) -> None:
    """Lock without waiting; raises OSError when another holder has it."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


class _AdvisoryLock:
    """A PostgreSQL session lock, held on a connection of its own for as long as the import runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def try_acquire(self) -> bool:
        conn = self.engine.connect()
        acquired = conn.execute(text("select pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        conn.commit()
        if not acquired:
            conn.close()
            return False
        self.conn = conn
        return True

    def release(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.execute(text("select pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            conn.commit()
        except Exception:  # a broken session: dropping it releases the lock on the server
            conn.invalidate()
        finally:
            conn.close()


class _NoLock:
    """A SQLite store in memory, or opened read-only through a URI, has no import to exclude."""

    def try_acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


def _lock_for(engine: Engine) -> _FileLock | _AdvisoryLock | _NoLock:
    if engine.dialect.name != "sqlite":
        return _AdvisoryLock(engine)
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return _NoLock()
    return _FileLock(f"{os.path.realpath(database)}.import-lock")  # one file, however it is named


@contextmanager
def holding_import_lock(
    engine: Engine, *, wait: bool = False, progress: ProgressFn = no_progress, cancel: CancelFn = never_cancel
) -> Iterator[None]:
    """Hold the store's import lock; raises ImportBusy naming the running import (or waits for it)."""
    lock = _lock_for(engine)
    while not lock.try_acquire():
        busy = describe_running_import(engine)
        if not wait:
            raise ImportBusy(busy)
        progress(0.0, f"waiting: {busy}")
        check_cancel(cancel)
        time.sleep(WAIT_POLL_SECONDS)
    try:
        yield
    finally:
        lock.release()


def describe_running_import(engine: Engine) -> str:
    """'another import is running (…)', from the newest attempt marked running."""
    with engine.connect() as conn:
        row = conn.execute(
            select(imports).where(imports.c.status == "running").order_by(imports.c.id.desc()).limit(1)
        ).first()
    if row is None:
        return "another import is running"
    where = f" on {row.host}" if row.host else ""
    process = f", pid {row.pid}" if row.pid is not None else ""
    return (
        f"another import is running (import {row.id} of {row.file_name}, started by {row.username}"
        f"{where} at {row.started_at:%Y-%m-%d %H:%M:%S}{process})"
    )


def abandon_dead_imports(engine: Engine) -> int:
    """Mark ``abandoned`` the attempts left ``running`` by dead processes; returns how many.

    Nothing is judged while an import runs (the lock is taken), nor when the lock or the store
    cannot be written (a read-only store keeps its history as it is).
    """
    try:
        with engine.connect() as conn:
            if not _any_running(conn):
                return 0
        lock = _lock_for(engine)
        if not lock.try_acquire():
            return 0
    except OSError as exc:
        log.info("import history not checked for abandoned attempts: %s", exc)
        return 0
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # a row still locked by a lingering session: next time
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            return _abandon(conn)
    except (OperationalError, ProgrammingError) as exc:  # locked, read-only, or a viewer's login: next time
        log.info("import history not checked for abandoned attempts: %s", exc.orig)
        return 0
    finally:
        lock.release()


def _any_running(conn: Connection) -> bool:
    query = select(imports.c.id).where(imports.c.status == "running").limit(1)
    return conn.execute(query).first() is not None


def _abandon(conn: Connection) -> int:
    running = imports.c.status == "running"
    rows = conn.execute(select(imports.c.id, imports.c.pid, imports.c.host).where(running))
    now = datetime.now()
    count = 0
    for row in rows.all():
        error = ABANDONED.format(pid=row.pid if row.pid is not None else "?", host=row.host or "?")
        conn.execute(
            update(imports)
            .where(imports.c.id == row.id, imports.c.status == "running")
            .values(status="abandoned", finished_at=now, error=error)
        )
        count += 1
    return count
