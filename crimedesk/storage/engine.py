"""Open a crimedesk store: SQLite file (default) or PostgreSQL, migrated to the current schema.

There is no global engine: every storage function takes an Engine or a Connection.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from crimedesk.config.paths import default_database_path
from crimedesk.config.private_files import create_private_file
from crimedesk.config.secrets import get_secret, remember_for_session, secret_account, shown_url
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.migrate import upgrade_to_head

AskPassword = Callable[[str, str], str | None]
"""``ask(store, reason)``: the password for ``store`` (a URL without password), None to give up."""
PASSWORD_TRIES = 3


class StoreAccessError(CrimedeskError):
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # 64 KB pages (only takes effect on a new file): bulk loads and scans do far less page work.
    cursor.execute("PRAGMA page_size=65536")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA threads=2")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Take the write lock at BEGIN so a long import cannot fail half-way on a lock upgrade.
    conn.exec_driver_sql("BEGIN")


def with_password(url: URL, ask_password: AskPassword) -> URL:
    """``url``, with a password asked for when the server wants one that ``url`` lacks (no keyring
    entry). The password given is kept for this session only."""
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
    url: str | URL | None = None, *, migrate: bool = True, ask_password: AskPassword | None = None
) -> Engine:
    """Engine for ``url`` (default: the SQLite file in the user data directory), migrated to head.

    The password of a PostgreSQL URL is looked up in the OS keyring when the URL has none, else
    asked for through ``ask_password`` if the server wants one; it is never logged (SQLAlchemy
    masks it in ``repr``).
    """
    resolved = resolve_url(url)
    if ask_password is not None:
        resolved = with_password(resolved, ask_password)
    if resolved.get_backend_name() == "sqlite":
        engine = _sqlite_engine(resolved)
    else:
        engine = create_engine(resolved, pool_pre_ping=True)
    if migrate:
        upgrade_to_head(engine)
    return engine


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        create_private_file(Path(url.database))  # its WAL and SHM files take its mode
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    # pysqlite's own transaction handling is disabled so SQLAlchemy's BEGIN is the real one.
    event.listen(engine, "connect", lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None))
    event.listen(engine, "begin", _sqlite_begin)
    return engine
