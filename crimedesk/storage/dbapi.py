"""The driver's own cursor under a SQLAlchemy Connection, for the bulk paths SQLAlchemy would slow down.

SQLAlchemy is imported for type checking only: the import reader process (via sqlite_rows) loads
this module without paying for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine.interfaces import DBAPICursor


def dbapi_cursor(conn: Connection) -> DBAPICursor:
    """A new cursor (sqlite3 or psycopg) in ``conn``'s transaction; the caller closes it.

    SQLAlchemy types the driver connection as optional: a pooled connection detached from its
    pool record has none.
    """
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("The database connection was detached from its pool; no cursor can be opened.")
    cursor: DBAPICursor = driver.cursor()
    return cursor
