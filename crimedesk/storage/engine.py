"""Open a crimedesk store: SQLite file (default) or PostgreSQL, migrated to the current schema.

There is no global engine: every storage function takes an Engine or a Connection.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from crimedesk.config.paths import default_database_path
from crimedesk.config.private_files import create_private_file
from crimedesk.config.secrets import get_secret, remember_for_session, secret_account, shown_url
from crimedesk.domain.errors import StorageError
from crimedesk.storage.dead_runs import abandon_dead_experiments
from crimedesk.storage.import_lock import abandon_dead_imports
from crimedesk.storage.migrate import upgrade_to_head
from crimedesk.storage.read_only import (
    is_read_only,
    read_only_engine,
    store_path,
    why_not_opening,
    why_not_writable,
)

AskPassword = Callable[[str, str], str | None]
"""``ask(store, reason)``: the password for ``store`` (a URL without password), None to give up."""
PASSWORD_TRIES = 3


class StoreAccessError(StorageError):
    """The store asks for a password and none that works was given."""


def default_url() -> str:
    return f"sqlite:///{default_database_path()}"


def resolve_url(url: str | URL | None) -> URL:
    """Parse ``url``; a PostgreSQL URL without password gets it from the keyring (if stored) or
    from earlier in this session."""
    parsed = make_url(url or default_url())
    if parsed.get_backend_name() == "postgresql":
        if "+" not in parsed.drivername or parsed.get_driver_name() == "psycopg2":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.password is None:
            password = get_secret(secret_account(parsed))
            if password:
                parsed = parsed.set(password=password)
    return parsed


CACHE_SIZE_KIB = 256 << 10  # page cache: bulk index updates stay in RAM
LIGHT_CACHE_SIZE_KIB = 8 << 10  # a short command's: a count over millions of rows needs no more


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    _set_pragmas(dbapi_connection, CACHE_SIZE_KIB, "MEMORY", sort_threads=2)


def _light_sqlite_pragmas(dbapi_connection, _record) -> None:
    """A short command's: a small page cache, and sorts spilled to temporary files rather than
    held in memory, and no sorting helper threads (each takes memory of its own: ``crimedesk stats``
    on 2 M rows peaked at 175 MB with two, 114 MB of which was loading the modules)."""
    _set_pragmas(dbapi_connection, LIGHT_CACHE_SIZE_KIB, "FILE", sort_threads=0)


def _set_pragmas(dbapi_connection, cache_kib: int, temp_store: str, sort_threads: int) -> None:
    cursor = dbapi_connection.cursor()
    # 64 KB pages (only takes effect on a new file): bulk loads and scans do far less page work.
    cursor.execute("PRAGMA page_size=65536")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
    cursor.execute(f"PRAGMA temp_store={temp_store}")
    cursor.execute(f"PRAGMA threads={sort_threads}")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# The server drops the session of a workstation that died or left the network within about two
# minutes (not the system's two hours), rolling back its transaction and releasing its import
# lock: only then is its import marked abandoned (see storage.import_lock).
SERVER_KEEPALIVE = {"tcp_keepalives_idle": 60, "tcp_keepalives_interval": 10, "tcp_keepalives_count": 6}


def _server_keepalive(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for name, seconds in SERVER_KEEPALIVE.items():
        cursor.execute(f"SET {name} = {seconds}")
    cursor.close()
    dbapi_connection.commit()  # a rolled-back SET would be undone


WRITES = "crimedesk_writes"
"""A connection's execution option: its transactions write (SQLite: BEGIN IMMEDIATE)."""


class _SQLiteStore(Engine):
    """A writable SQLite store: ``begin()`` takes the write lock at BEGIN; ``connect()`` does not.

    A deferred transaction that reads and then writes fails at once, without waiting, with
    SQLITE_BUSY_SNAPSHOT ("database is locked") when another connection committed in between:
    a followed feed commits many times a second, and pausing it failed so. Taking the lock at
    BEGIN waits (``busy_timeout``) for the other writer instead. Readers stay deferred, so they
    never wait for a writer (WAL).
    """

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.connect() as conn:
            conn.execution_options(**{WRITES: True})
            with conn.begin():
                yield conn


def _sqlite_begin(conn: Connection) -> None:
    writes = conn.get_execution_options().get(WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def with_password(url: URL, ask_password: AskPassword, refused: Callable[[], None] | None = None) -> URL:
    """``url``, with a password asked for when the server wants one that ``url`` lacks (no keyring
    entry). The password given is kept for this session only. ``refused()`` is called each time
    the server refuses a password that was typed (a failed login)."""
    if url.get_backend_name() != "postgresql" or url.password is not None:
        return url
    reason = _password_problem(url)
    shown = shown_url(url)
    for _try in range(PASSWORD_TRIES):
        if reason is None:
            return url
        password = ask_password(shown, reason)
        if not password:
            raise StoreAccessError(f"{shown} asks for a password and none was given")
        candidate = url.set(password=password)
        reason = _password_problem(candidate)
        if reason is None:
            remember_for_session(secret_account(url), password)
            return candidate
        if refused is not None:
            refused()
    raise StoreAccessError(f"{shown} refused the password {PASSWORD_TRIES} times")


def _password_problem(url: URL) -> str | None:
    """Why the server refuses ``url`` for want of a (right) password; None when it accepts it or
    fails for another reason (which the caller meets when it opens the store)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect():
            return None
    except OperationalError as exc:
        text = str(exc.orig)
        if "no password supplied" in text:
            return "the server asks for a password"
        if "password authentication failed" in text:
            return "the server refused the password"
        return None
    finally:
        engine.dispose()


def make_engine(
    url: str | URL | None = None,
    *,
    migrate: bool = True,
    ask_password: AskPassword | None = None,
    light: bool = False,
) -> Engine:
    """Engine for ``url`` (default: the SQLite file in the user data directory), migrated to head.

    A SQLite store that cannot be written is opened read-only (see storage.read_only).
    Opening a store also marks ``abandoned`` the imports and training runs left running by
    processes that died.
    The password of a PostgreSQL URL is looked up in the OS keyring when the URL has none, else
    asked for through ``ask_password`` if the server wants one; it is never logged (SQLAlchemy
    masks it in ``repr``). ``light``: a SQLite store opened with a small page cache, for short
    commands that read a little (listing imports, counting).
    """
    resolved = resolve_url(url)
    if ask_password is not None:
        resolved = with_password(resolved, ask_password)
    if resolved.get_backend_name() == "sqlite":
        engine = _sqlite_engine(resolved, _light_sqlite_pragmas if light else _sqlite_pragmas)
    else:
        engine = create_engine(resolved, pool_pre_ping=True)
        event.listen(engine, "connect", _server_keepalive)
    if migrate:
        _migrated(engine)
        abandon_dead_imports(engine)
        abandon_dead_experiments(engine)
    return engine


def _sqlite_engine(url: URL, pragmas: Callable[..., None]) -> Engine:
    """The store, or when its disk or file refuses writes, the store opened read-only."""
    path = store_path(url)
    if path is None or not path.exists():
        if path is not None:
            create_private_file(path)  # its WAL and SHM files take its mode
        return _writable_sqlite_engine(url, pragmas)
    if not os.access(path, os.R_OK):
        raise StorageError(f"permission denied: the store {path} cannot be read")
    reason = why_not_writable(path)
    if reason is None:
        engine = _writable_sqlite_engine(url, pragmas)
        reason = why_not_opening(engine, path)
        if reason is None:
            return engine
        engine.dispose()
    return _begin_by_sqlalchemy(read_only_engine(path, reason))


def _writable_sqlite_engine(url: URL, pragmas: Callable[..., None]) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False})
    engine.__class__ = _SQLiteStore  # SQLAlchemy takes no engine class; it adds one method
    event.listen(engine, "connect", pragmas)
    return _begin_by_sqlalchemy(engine)


def _begin_by_sqlalchemy(engine: Engine) -> Engine:
    # pysqlite's own transaction handling is disabled so SQLAlchemy's BEGIN is the real one.
    event.listen(engine, "connect", lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _migrated(engine: Engine) -> None:
    try:
        upgrade_to_head(engine)
    except OperationalError as exc:
        if not is_read_only(engine):
            raise
        raise StorageError(
            f"the store {engine.url.database} is read-only and older than this version of crimedesk;"
            " open it once where it can be written, to upgrade it"
        ) from exc
