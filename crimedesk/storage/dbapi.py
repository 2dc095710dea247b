"""The driver's own cursor under a SQLAlchemy Connection, for the bulk paths SQLAlchemy would slow down.

SQLAlchemy is imported for type checking only: the import reader process (via sqlite_rows) loads
this module without paying for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select
    from sqlalchemy.engine.interfaces import DBAPICursor

#: The name of the PostgreSQL server-side cursor :func:`streaming_cursor` opens.
STREAM_CURSOR = "crimedesk_stream"


def dbapi_cursor(conn: Connection) -> DBAPICursor:
    """A new cursor (sqlite3 or psycopg) in ``conn``'s transaction; the caller closes it.

    SQLAlchemy types the driver connection as optional: a pooled connection detached from its
    pool record has none.
    """
    cursor: DBAPICursor = _driver(conn).cursor()
    return cursor


def streaming_cursor(conn: Connection) -> DBAPICursor:
    """A cursor whose ``fetchmany`` brings rows as they are asked for: on PostgreSQL a server-side
    (named) cursor, on SQLite a plain one (SQLite steps through a result on demand anyway)."""
    if conn.dialect.name != "postgresql":
        return dbapi_cursor(conn)
    cursor: DBAPICursor = _driver(conn).cursor(name=STREAM_CURSOR)
    return cursor


def driver_statement(conn: Connection, query: Select) -> tuple[str, Sequence[Any] | Mapping[str, Any]]:
    """``query`` as the SQL text and parameters ``conn``'s driver takes (``IN`` lists expanded)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        return str(compiled), tuple(params[name] for name in compiled.positiontup or ())
    return str(compiled), params


def _driver(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("The database connection was detached from its pool; no cursor can be opened.")
    return driver
