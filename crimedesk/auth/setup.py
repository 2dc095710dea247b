"""``crimedesk server setup``: make a PostgreSQL database a crimedesk store with enforced roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import URL

from crimedesk.auth import accounts, server
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.storage.engine import make_engine


class SetupError(accounts.AccountError):
    """The server could not be set up; what was done before the failure is kept (it is idempotent)."""


@dataclass(frozen=True)
class SetupResult:
    database: str
    admin_created: bool


def setup_server(
    superuser_url: str | URL, admin: str | None = None, password: str | None = None, **profile: str
) -> SetupResult:
    """Migrate the store as a superuser, create the groups, grants and functions, and (when
    ``admin`` is given and new) the first admin. The superuser's URL is used for this only."""
    engine = make_engine(superuser_url)
    try:
        if engine.dialect.name != "postgresql":
            raise SetupError("server setup is for PostgreSQL stores; a SQLite file needs none")
        with engine.begin() as conn:
            if not server.is_superuser(conn):
                raise SetupError("server setup needs a superuser connection, given once")
            server.prepare_database(conn)
            exists = admin is not None and bool(
                conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": admin}).scalar()
            )
        created = False
        if admin is not None and not exists:
            if not password:
                raise SetupError(f"a password is needed for the first admin {admin}")
            by = acting_user(engine)
            accounts.add_user(engine, admin, password, Role.ADMIN, user=by, **profile)
            created = True
        return SetupResult(database=str(engine.url.database), admin_created=created)
    finally:
        engine.dispose()
