"""`crimedesk store`: which store the app and the CLI open, and its password in the keyring."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from keyring.errors import KeyringError
from sqlalchemy.engine import make_url

from crimedesk.cli.common import console, fail
from crimedesk.config.secrets import keyring_available, secret_account, set_secret, shown_url
from crimedesk.config.settings import (
    ENV_STORE_URL,
    Settings,
    configured_store_url,
    open_settings,
    refuse_password,
    settings_path,
    update_settings,
)
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.engine import default_url, resolve_url

store_app = typer.Typer(help="The store the app and every command open, and its password.")
UrlArgument = Annotated[str, typer.Argument(metavar="URL", help="Store URL, without password.")]
PlainDbOption = Annotated[
    str | None, typer.Option("--db", metavar="URL", help="Store URL (default: the configured store).")
]


@store_app.command("show")
def show_command() -> None:
    """The settings file and the store it names (never a password)."""
    settings, problem = open_settings()
    if problem:
        console.print(f"warning: {problem}", markup=False, highlight=False)
    url = configured_store_url(settings)
    origin = f"${ENV_STORE_URL}" if url and url != settings.store_url else "settings"
    console.print(f"settings file: {settings_path()}", markup=False, highlight=False)
    console.print(f"store: {shown_url(url or default_url())} ({origin if url else 'default'})", markup=False)


@store_app.command("use")
def use_command(url: UrlArgument) -> None:
    """Open this store from now on, in the app and in every command."""
    try:
        parsed = make_url(refuse_password(url))
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            url = str(parsed.set(database=str(Path(parsed.database).expanduser().resolve())))

        def set_store(settings: Settings) -> None:
            settings.store_url = url

        update_settings(set_store)
    except CrimedeskError as exc:
        raise fail(str(exc)) from None
    console.print(f"store: {shown_url(url)}", markup=False, highlight=False)


@store_app.command("password")
def password_command(db: PlainDbOption = None) -> None:
    """Ask for the store's password (hidden) and keep it in the OS keyring."""
    try:
        url = resolve_url(refuse_password(db) if db else configured_store_url(open_settings()[0]))
    except CrimedeskError as exc:
        raise fail(str(exc)) from None
    if url.get_backend_name() != "postgresql":
        raise fail(f"{shown_url(url)} is not a PostgreSQL store; it has no password")
    if not keyring_available():
        raise fail("no keyring on this system; crimedesk asks for the password when it opens the store")
    password = typer.prompt(f"Password for {shown_url(url)}", hide_input=True, confirmation_prompt=True)
    try:
        set_secret(secret_account(url), password)
    except KeyringError as exc:
        raise fail(f"the keyring refused the password: {exc}") from None
    console.print(f"password for {shown_url(url)} kept in the keyring", markup=False, highlight=False)
