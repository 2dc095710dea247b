"""Let a large SQLite transaction reach the disk while it runs, so its commit has less to flush.

With a page cache larger than the transaction, SQLite writes nothing until COMMIT. Then it writes
every page to the write-ahead log and, checkpointing, flushes the log to disk, copies it into the
database file and flushes that. While a bulk load runs, :func:`spilling` shrinks the page cache so
pages spill into the log as they fill, and a thread flushes the log file meanwhile (``fdatasync``
lets other threads run): the checkpoint's first flush then finds little left to write. On the
Chicago 2016-17 import this took the commit from 0.64 s to 0.34 s.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection

from crimedesk.storage.engine import CACHE_SIZE_KIB

SPILL_CACHE_KIB = 32 << 10  # while spilling: the B-tree pages being appended to stay in memory
FLUSH_EVERY_S = 0.3
_flush = getattr(os, "fdatasync", os.fsync)  # Windows has only fsync

log = logging.getLogger(__name__)


@contextmanager
def spilling(conn: Connection) -> Iterator[None]:
    """Within ``conn``'s transaction on a SQLite file: spill pages early and flush them meanwhile."""
    database = conn.engine.url.database
    if conn.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    stop = threading.Event()
    flusher = threading.Thread(
        target=_flush_until, args=(Path(f"{database}-wal"), stop), name="wal-flusher", daemon=True
    )
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SPILL_CACHE_KIB}")
    flusher.start()
    try:
        yield
    finally:
        stop.set()
        flusher.join()
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")


def _flush_until(wal: Path, stop: threading.Event) -> None:
    """Flush ``wal`` to disk every FLUSH_EVERY_S until ``stop``; a failure only ends the flushing."""
    try:
        descriptor = os.open(wal, os.O_RDONLY)
    except OSError as exc:
        log.warning("not flushing %s ahead of the commit: %s", wal, exc)
        return
    try:
        while not stop.wait(FLUSH_EVERY_S):
            _flush(descriptor)
    except OSError as exc:
        log.warning("stopped flushing %s ahead of the commit: %s", wal, exc)
    finally:
        os.close(descriptor)
