"""User management on a PostgreSQL store, through the server's SECURITY DEFINER functions.

The functions (crimedesk.auth.server) check again that the caller is an admin and write the
audit row themselves, in the same transaction as the change. Passwords travel as SCRAM verifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.scram import scram_verifier
from crimedesk.auth.server import crimedesk_user_sql
from crimedesk.auth.session import GROUP_ROLES
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.config.secrets import get_secret, keep_password, secret_account
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.timecodec import from_seconds


class AccountError(CrimedeskError):
    """A user-management request the store refused; nothing was changed."""


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    department: str
    role: Role | None
    active: bool
    last_login_utc: datetime | None

    @property
    def status(self) -> str:
        return "active" if self.active else "suspended"


def _server_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise AccountError(
            "a SQLite store has one user, the OS account that owns its file: user accounts need a"
            " PostgreSQL store"
        )


def _call(engine: Engine, user: User, sql: str, params: dict[str, Any]) -> None:
    _server_only(engine)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('crimedesk.host', :host, true)"), {"host": user.host})
            conn.execute(text(sql), params)
    except DBAPIError as exc:
        diag = getattr(exc.orig, "diag", None)
        message = str((diag and diag.message_primary) or exc.orig)
        if getattr(exc.orig, "sqlstate", "") == "42501":
            raise PermissionDenied(f"the server refused: {message}") from None
        raise AccountError(f"the server refused: {message}") from None


@requires(Action.MANAGE_USERS)
def add_user(
    engine: Engine,
    name: str,
    password: str,
    role: Role,
    *,
    user: User,
    full_name: str = "",
    department: str = "",
) -> None:
    """Create login role ``name`` in ``role``'s group, with its profile."""
    _check_name(name)
    sql = "SELECT crimedesk_add_user(:name, :verifier, :role, :full_name, :department)"
    params = {"name": name, "verifier": scram_verifier(password), "role": role.label}
    _call(engine, user, sql, {**params, "full_name": full_name, "department": department})


@requires(Action.MANAGE_USERS)
def set_role(engine: Engine, name: str, role: Role, *, user: User) -> None:
    _call(engine, user, "SELECT crimedesk_set_user_role(:name, :role)", {"name": name, "role": role.label})


@requires(Action.MANAGE_USERS)
def set_active(engine: Engine, name: str, active: bool, *, user: User) -> None:
    """Suspend (NOLOGIN: the server refuses its logins) or reactivate ``name``."""
    _call(engine, user, "SELECT crimedesk_set_user_login(:name, :on)", {"name": name, "on": active})


def set_password(engine: Engine, name: str, password: str, *, user: User) -> None:
    """Set ``name``'s password: one's own, or anyone's for an admin."""
    if name != user.name:
        user.check(Action.MANAGE_USERS)
    sql = "SELECT crimedesk_set_user_password(:name, :verifier)"
    _call(engine, user, sql, {"name": name, "verifier": scram_verifier(password)})


def set_own_password(engine: Engine, password: str, *, user: User) -> None:
    """Set the acting user's own password and go on with it: ``engine``'s later connections (its
    pool opens new ones) log in with the new password, and a password kept for this store (keyring
    or session) is replaced, so the next start does not offer the old one."""
    set_password(engine, user.name, password, user=user)
    event.listen(
        engine, "do_connect", lambda _dialect, _record, _args, params: params.update(password=password)
    )
    account = secret_account(engine.url.set(username=user.name))
    if get_secret(account) is not None:
        keep_password(account, password)


@requires(Action.MANAGE_USERS)
def list_users(engine: Engine, *, user: User) -> list[Account]:
    """Every crimedesk user of the store, by name, with role, status and last login."""
    _server_only(engine)
    with engine.connect() as conn:
        rows = conn.execute(text(_LIST_SQL), _group_params()).mappings().all()
    return [_account(row) for row in rows]


def _group_params() -> dict[str, str]:
    return {role.label: group for role, group in GROUP_ROLES.items()}


# Profiled users (made through crimedesk) and login roles made with psql in a crimedesk group
# (blank full name and department): crimedesk.auth.server.crimedesk_user_sql says who is a user.
_LIST_SQL = f"""
SELECT n.username, coalesce(p.full_name, '') AS full_name, coalesce(p.department, '') AS department,
       coalesce(r.rolcanlogin, false) AS active,
       CASE WHEN r.oid IS NULL THEN NULL
            WHEN pg_has_role(r.oid, :admin, 'MEMBER') THEN 'admin'
            WHEN pg_has_role(r.oid, :analyst, 'MEMBER') THEN 'analyst'
            WHEN pg_has_role(r.oid, :viewer, 'MEMBER') THEN 'viewer' END AS role,
       (SELECT max(a.at_utc) FROM audit a WHERE a.username = n.username AND a.action = 'login') AS last_login
FROM (SELECT username FROM user_profiles
      UNION SELECT o.rolname FROM pg_roles o WHERE {crimedesk_user_sql("o.rolname")}) n
LEFT JOIN user_profiles p ON p.username = n.username
LEFT JOIN pg_roles r ON r.rolname = n.username
ORDER BY n.username
"""


def _account(row: Any) -> Account:
    last = row["last_login"]
    return Account(
        username=row["username"],
        full_name=row["full_name"],
        department=row["department"],
        role=Role.parse(row["role"]) if row["role"] else None,
        active=bool(row["active"]),
        last_login_utc=None if last is None else from_seconds(last),
    )


def _check_name(name: str) -> None:
    if not name or len(name) > 63 or not (name[0].isalpha() and all(c.isalnum() or c in "._-" for c in name)):
        raise AccountError(
            f"{name!r} is not a user name crimedesk accepts: up to 63 letters, digits, '.', '_' or '-',"
            " starting with a letter"
        )
