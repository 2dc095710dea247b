"""`crimedesk settings store`: the store's own settings, for every workstation (admins change them)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Column, Table

from crimedesk.auth.session import acting_user
from crimedesk.auth.store_settings import change_store_setting, parsed, read_store_settings
from crimedesk.cli.common import DbOption, console, fail, opened_store

settings_app = typer.Typer(help="Settings of the store itself, for every workstation.", no_args_is_help=True)


@settings_app.command("store")
def store_command(
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help="name=value: change a store-wide setting (admins); repeatable."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show the store-wide settings, or (admins) change them with --set name=value."""
    changes = [_assignment(text) for text in assignments or []]
    with opened_store(db) as engine:
        user = acting_user(engine)
        for name, text in changes:
            value = change_store_setting(engine, name, parsed(name, text), user=user)
            console.print(f"{name} = {_shown(value)}", highlight=False, markup=False)
        shown = read_store_settings(engine)
    whole = [Column(h, no_wrap=True) for h in ("setting", "value", "default", "changed (UTC)", "by")]
    table = Table(*whole, "what it is")  # only the description wraps on a narrow terminal
    for s in shown:
        at = f"{s.changed_at_utc:%Y-%m-%d %H:%M}" if s.changed_at_utc else "never"
        table.add_row(s.name, _shown(s.value), _shown(s.default), at, s.changed_by, s.description)
    console.print(table)


def _assignment(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise fail(f"--set {text!r}: write it as name=value, e.g. --set idle_lock_max_minutes=10")
    return name.strip(), value


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
