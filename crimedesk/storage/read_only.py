"""A SQLite store that cannot be written (read-only disk or file, full disk) is opened to be read.

Such a store's history and incidents stay readable; anything that would write fails with
SQLite's "attempt to write a readonly database", which the CLI turns into one sentence. A store
whose write-ahead log is empty is opened ``immutable`` (nothing can change it while the disk
refuses writes); one with a log to read needs the log's index file, so only ``mode=ro``.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
FULL_BYTES = 1 << 16  # less free space than this: the disk is full for SQLite's purposes
CANNOT_WRITE = ("readonly database", "disk is full", "disk I/O error", "unable to open database file")


def store_path(url: URL) -> Path | None:
    """The store's file, or None for an in-memory store or a URI the caller spelled out."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def why_not_writable(path: Path) -> str | None:
    """Why an existing store at ``path`` cannot be written, or None (access() knows read-only mounts)."""
    for target in (path, path.parent):
        if not os.access(target, os.W_OK):
            return f"{target} is not writable"
    return None


def why_not_opening(engine: Engine, path: Path) -> str | None:
    """None when a connection opens (its set-up writes the store's shared-memory index)."""
    try:
        with engine.connect():
            return None
    except OperationalError as exc:
        message = str(exc.orig)
        if not any(text in message for text in CANNOT_WRITE):
            raise
        return "the disk is full" if shutil.disk_usage(path.parent).free < FULL_BYTES else message


def read_only_engine(path: Path, reason: str) -> Engine:
    log.warning("the store %s is opened read-only (%s): it can be read, not changed", path, reason)
    wal = Path(f"{path}-wal")
    immutable = "&immutable=1" if not wal.exists() or wal.stat().st_size == 0 else ""
    uri = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro{immutable}&uri=true"
    return create_engine(uri, connect_args={"check_same_thread": False})


def is_read_only(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"
