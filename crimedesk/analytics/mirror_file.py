"""Where a store's DuckDB mirror is kept between runs, and opening it without ever failing the app.

One file per store in the user cache directory, named from a hash of the store's URL without its
password. A file another running crimedesk holds (DuckDB allows one writing process) gives way to
a temporary mirror for this run; an unreadable one is replaced by a new, empty file.

Every mirror is a copy of the store's incidents, so all of them are owner-only (0700 directories,
0600 files). A mirror that lasts only the run (a PostgreSQL store's, or one giving way) lives in
``run-mirrors`` under the user cache directory, in a directory named after the owning process (pid
and start time), never in the shared temporary directory: if the process is killed before it can
delete it, the next start of crimedesk deletes it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import psutil
from sqlalchemy import URL

from crimedesk.config.paths import cache_dir
from crimedesk.config.private_files import make_private, make_private_dirs, private_dir

log = logging.getLogger(__name__)
STALE_DAYS = 30


@dataclass(frozen=True)
class MirrorFile:
    db: duckdb.DuckDBPyConnection
    path: Path
    temporary: tempfile.TemporaryDirectory | None  # set when the mirror lasts only this run


def mirror_name(url: URL) -> str | None:
    """The file name for the store at ``url``; None for a store that lasts only this run."""
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        url = url.set(database=str(Path(url.database).resolve()))
    query = {key: value for key, value in url.query.items() if "pass" not in key.lower()}
    safe = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, query)
    digest = hashlib.sha256(safe.render_as_string(hide_password=False).encode()).hexdigest()[:24]
    return f"{url.get_backend_name()}-{digest}.duckdb"


def open_mirror_file(url: URL, directory: Path | None = None) -> MirrorFile:
    """The lasting mirror file of the store at ``url`` (in ``directory``, default the user cache
    directory) if it can be used, else a temporary one.

    By default only a SQLite store's mirror lasts: a shared server's incidents are not left behind
    on this machine's disk unless a ``directory`` is given for them.
    """
    _clear_dead_run_mirrors()
    name = mirror_name(url)
    if name is None or (directory is None and url.get_backend_name() != "sqlite"):
        return temporary_mirror_file()
    try:
        parent = private_dir(cache_dir() / "mirrors") if directory is None else make_private_dirs(directory)
        path = parent / name
    except OSError as exc:
        log.warning("no directory for the analytics mirror (%s); using a temporary mirror", exc)
        return temporary_mirror_file()
    _forget_stale_mirrors(path)
    return _connect(path)


def _forget_stale_mirrors(used: Path) -> None:
    """Delete the mirrors of stores not opened for ``STALE_DAYS``: each is a copy of a store's
    incidents (over 100 MB at millions of rows). Opening a mirror marks its file as used."""
    now = time.time()
    try:
        if used.exists():
            os.utime(used, (now, now))
        for other in used.parent.glob("*.duckdb"):
            if other != used and other.stat().st_mtime < now - STALE_DAYS * 86_400:
                for part in (other, other.with_name(other.name + ".wal")):
                    part.unlink(missing_ok=True)
                log.info("deleted the analytics mirror %s, unused for %d days", other.name, STALE_DAYS)
    except OSError as exc:
        log.warning("could not clear old analytics mirrors in %s (%s)", used.parent, exc)


def temporary_mirror_file() -> MirrorFile:
    """A mirror for this run only, deleted when closed (or, after a crash, at the next start); in
    memory if the cache directory cannot hold it."""
    try:
        root = run_mirrors_dir()
        directory = tempfile.TemporaryDirectory(prefix=f"{_owner_tag(psutil.Process())}-", dir=root)
    except OSError as exc:
        log.warning("no directory for a temporary analytics mirror (%s); keeping it in memory", exc)
        return MirrorFile(duckdb.connect(":memory:"), Path(":memory:"), None)
    return replace(_private_file(Path(directory.name) / "mirror.duckdb"), temporary=directory)


def run_mirrors_dir() -> Path:
    return private_dir(cache_dir() / "run-mirrors")


def _owner_tag(process: psutil.Process) -> str:
    """``pid-start``: a process's pid with its start time, so a later process reusing the pid is
    not taken for the owner."""
    return f"{process.pid}-{int(process.create_time())}"


def _owner_alive(name: str) -> bool:
    """Whether the process that made the run mirror directory ``name`` still runs."""
    try:
        pid, started = name.split("-")[:2]
        return _owner_tag(psutil.Process(int(pid))) == f"{pid}-{started}"
    except (ValueError, psutil.NoSuchProcess):
        return False
    except psutil.Error:  # exists, but is not ours to inspect: keep its files
        return True


def _clear_dead_run_mirrors() -> None:
    """Delete the run mirrors whose process is gone (killed before it could delete its own)."""
    try:
        for leftover in run_mirrors_dir().iterdir():
            if not _owner_alive(leftover.name):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
                log.info("deleted the analytics mirror %s of a process that has ended", leftover.name)
    except OSError as exc:
        log.warning("could not clear the analytics mirrors of ended processes (%s)", exc)


def _connect(path: Path) -> MirrorFile:
    try:
        return _private_file(path)
    except (duckdb.Error, OSError) as exc:
        # DuckDB raises the same IOException for a lock held elsewhere and for a damaged file.
        if "Could not set lock" in str(exc):
            log.warning("the analytics mirror %s is in use by another crimedesk; using a temporary one", path)
            return temporary_mirror_file()
        log.warning("the analytics mirror %s is unreadable (%s); building a new one", path, exc)
    try:
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
        return _private_file(path)
    except (OSError, duckdb.Error) as exc:
        log.warning("the analytics mirror %s cannot be replaced (%s); using a temporary one", path, exc)
        return temporary_mirror_file()


def _private_file(path: Path) -> MirrorFile:
    db = duckdb.connect(str(path))
    try:
        make_private(path)  # DuckDB creates it with the umask's mode
    except OSError:
        db.close()
        raise
    return MirrorFile(db, path, None)
