"""`crimedesk users ...`, `crimedesk audit` and `crimedesk server setup`: people, the trail, the server.

Every command runs as the login the store is opened as: the server (and the core) refuse what
that login's role may not do.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Column, Table

from crimedesk.auth import accounts, audit
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.setup import setup_server
from crimedesk.cli.common import DbOption, console, fail, opened_store, store_url

users_app = typer.Typer(help="Users of a PostgreSQL store: add, list, change role, suspend, passwords.")
server_app = typer.Typer(help="Set up a PostgreSQL server for crimedesk.", no_args_is_help=True)

RoleOption = Annotated[str, typer.Option("--role", help="viewer, analyst or admin.")]


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _new_password(name: str) -> str:
    return typer.prompt(f"New password for {name}", hide_input=True, confirmation_prompt=True, err=True)


@users_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: RoleOption = "viewer",
    full_name: Annotated[str, typer.Option("--full-name")] = "",
    department: Annotated[str, typer.Option("--department")] = "",
    db: DbOption = None,
) -> None:
    """Create a login in a role; its password is typed here (twice), never on the command line."""
    chosen = _role(role)
    with opened_store(db) as engine:
        user = acting_user(engine)
        password = _new_password(name)
        accounts.add_user(
            engine, name, password, chosen, user=user, full_name=full_name, department=department
        )
    console.print(f"added {name} as {chosen.label}", highlight=False, markup=False)


@users_app.command("list")
def list_command(db: DbOption = None) -> None:
    """Every user with role, status and last login."""
    with opened_store(db) as engine:
        rows = accounts.list_users(engine, user=acting_user(engine))
    whole = [Column(h, no_wrap=True) for h in ("user", "role", "status", "last login (UTC)")]
    table = Table(*whole, "full name", "department")  # only the free text wraps
    for a in rows:
        last = f"{a.last_login_utc:%Y-%m-%d %H:%M}" if a.last_login_utc else "never"
        table.add_row(a.username, a.role.label if a.role else "-", a.status, last, a.full_name, a.department)
    console.print(table)


@users_app.command("role")
def role_command(
    name: str, role: Annotated[str, typer.Argument(help="viewer, analyst or admin.")], db: DbOption = None
) -> None:
    """Change a user's role."""
    chosen = _role(role)
    with opened_store(db) as engine:
        accounts.set_role(engine, name, chosen, user=acting_user(engine))
    console.print(f"{name} is now {chosen.label}", highlight=False, markup=False)


@users_app.command("suspend")
def suspend_command(
    name: str,
    reactivate: Annotated[bool, typer.Option("--reactivate", help="Let the user log in again.")] = False,
    db: DbOption = None,
) -> None:
    """Suspend a user (the server refuses their logins), or reactivate them."""
    with opened_store(db) as engine:
        accounts.set_active(engine, name, reactivate, user=acting_user(engine))
    console.print(f"{name} {'reactivated' if reactivate else 'suspended'}", highlight=False, markup=False)


@users_app.command("passwd")
def passwd_command(
    name: Annotated[str | None, typer.Argument(help="User (default: yourself).")] = None, db: DbOption = None
) -> None:
    """Set your own password, or (admins) anyone's."""
    with opened_store(db) as engine:
        user = acting_user(engine)
        target = name or user.name
        accounts.set_password(engine, target, _new_password(target), user=user)
    console.print(f"password of {target} changed", highlight=False, markup=False)


def audit_command(
    user_name: Annotated[str | None, typer.Option("--user", help="Only this user's actions.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this UTC date or time (ISO).")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Write the rows to this CSV file.")] = None,
    db: DbOption = None,
) -> None:
    """The audit trail, oldest first (admins)."""
    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise fail(f"--since {since!r} is not a date or time like 2026-01-31 or 2026-01-31T08:00") from None
    with opened_store(db) as engine:
        user = acting_user(engine)
        if export is not None:
            rows = audit.export_csv(engine, export, user=user, username=user_name, since_utc=start)
            console.print(f"{rows:,} rows written to {export}", highlight=False, markup=False)
            return
        user.check(Action.MANAGE_USERS)
        entries = audit.read(engine, username=user_name, since_utc=start)
    table = Table("time (UTC)", Column("user", no_wrap=True), "host", "action", "object", "details")
    for e in entries:
        table.add_row(
            f"{e.at_utc:%Y-%m-%d %H:%M:%S}",
            e.username,
            e.host,
            e.action,
            f"{e.object_type} {e.object_id}".strip(),
            str(e.details or ""),
        )
    console.print(table)


@server_app.command("setup")
def setup_command(
    superuser_url: Annotated[
        str,
        typer.Argument(help="The database as a superuser, without password: postgresql://postgres@host/db"),
    ],
    admin: Annotated[str | None, typer.Option("--admin", help="Create this first admin.")] = None,
    full_name: Annotated[str, typer.Option("--full-name")] = "",
) -> None:
    """Create the group roles, grants and user functions, and the first admin (once, as a superuser)."""
    url = store_url(superuser_url)  # a password the server wants is asked for, never given here
    password = _new_password(admin) if admin else None
    result = setup_server(url, admin, password, full_name=full_name)
    made = f"; first admin {admin} created" if result.admin_created else ""
    console.print(f"{result.database} is set up for crimedesk{made}", highlight=False, markup=False)
