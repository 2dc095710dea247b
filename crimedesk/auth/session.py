"""The user a store is opened as.

SQLite: the OS account that owns the file (single-user; see :func:`crimedesk.auth.user.os_user`).
PostgreSQL: the login role of the connection, in the highest crimedesk group it belongs to. A
superuser, or the owner of a database not set up for crimedesk, is its admin; a login in no
crimedesk group may only read.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User, os_user, this_host

GROUP_ROLES: dict[Role, str] = {
    Role.ADMIN: "crimedesk_admin",
    Role.ANALYST: "crimedesk_analyst",
    Role.VIEWER: "crimedesk_viewer",
}


def acting_user(engine: Engine) -> User:
    if engine.dialect.name == "sqlite":
        return os_user()
    with engine.connect() as conn:
        name = conn.execute(text("SELECT current_user")).scalar_one()
        return User(name=name, role=server_role(conn), host=this_host())


def server_role(conn: Connection) -> Role:
    """The crimedesk role of the connection's login on a PostgreSQL server."""
    owner = conn.execute(
        text(
            "SELECT r.rolsuper OR d.datdba = r.oid FROM pg_roles r, pg_database d"
            " WHERE r.rolname = current_user AND d.datname = current_database()"
        )
    ).scalar_one()
    existing = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": list(GROUP_ROLES.values())},
        ).scalars()
    )
    if owner and GROUP_ROLES[Role.ADMIN] not in existing:
        return Role.ADMIN
    for role, group in GROUP_ROLES.items():  # highest first
        member = "SELECT pg_has_role(current_user, :group, 'MEMBER')"
        if group in existing and conn.execute(text(member), {"group": group}).scalar_one():
            return role
    return Role.ADMIN if owner else Role.VIEWER
