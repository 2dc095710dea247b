"""Options and helpers shared by the commands."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from crimedesk.auth.login import WRONG_PASSWORD, kept_attempts, log_in
from crimedesk.config.settings import configured_store_url, open_settings, refuse_password
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.domain.progress import CancelFn, ProgressFn
from crimedesk.storage.engine import make_engine, resolve_url, with_password

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def ask_password(store: str, reason: str) -> str | None:
    """Hidden input on the terminal; the password lasts for this command only."""
    err_console.print(f"{reason}: {store}", highlight=False, markup=False)
    return typer.prompt("Password", hide_input=True, err=True) or None


def store_url(given: str | None) -> URL:
    """The store a command opens: ``--db`` (never with a password), else ``$CRIMEDESK_DB``, else the
    one saved in the settings (the app's), else the local SQLite file; a password the server wants
    comes from the keyring or is asked for."""
    try:
        if given is None:
            settings, problem = open_settings()
            if problem:
                err_console.print(f"warning: {problem}", highlight=False, markup=False)
            given = configured_store_url(settings)
        else:
            refuse_password(given)
        url = resolve_url(given)
        return with_password(url, ask_password, lambda: _failed_login(url))
    except CrimedeskError as exc:
        raise fail(str(exc)) from None


def _failed_login(url: URL) -> None:
    """A typed password the server refused: kept until the next login writes it to the trail."""
    kept_attempts(url).refused(url.username or "", WRONG_PASSWORD)


STORE_HELP = (
    "Store URL without password (default: $CRIMEDESK_DB, the store set in the app's Settings, "
    "or the local SQLite file)."
)
DbOption = Annotated[
    URL | None,
    typer.Option(
        "--db",
        metavar="URL",
        parser=str,
        callback=store_url,
        help=STORE_HELP,
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print("[red]error:[/red] ", end="", highlight=False)
    err_console.print(message, highlight=False, markup=False)
    return typer.Exit(code)


def run_cancellable(
    label: str, work: Callable[[ProgressFn, CancelFn], T], cancelled: str = "cancelled, nothing changed"
) -> T:
    """Run ``work(progress, cancel)`` with a progress bar; Ctrl-C cancels (exit 130, saying
    ``cancelled``), errors print."""
    try:
        with _ctrl_c_cancels() as pressed, _progress_bar(label) as progress:
            return work(progress, pressed.is_set)
    except (ImportCancelled, KeyboardInterrupt):
        raise fail(cancelled, 130) from None
    except CrimedeskError as exc:
        raise fail(str(exc)) from exc


@contextmanager
def _ctrl_c_cancels() -> Iterator[threading.Event]:
    """First Ctrl-C: ask the work to cancel (it rolls back at its next step); second: interrupt."""
    pressed = threading.Event()

    def on_sigint(_signum: int, _frame: object) -> None:
        if pressed.is_set():
            raise KeyboardInterrupt
        pressed.set()
        err_console.print("cancelling...")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress_bar(label: str) -> Iterator[ProgressFn]:
    columns = (TextColumn(label), BarColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("", total=1.0)
        yield lambda fraction, message: bar.update(task, completed=fraction, description=message)


@contextmanager
def opened_store(url: URL | str | None, light: bool = False) -> Iterator[Engine]:
    """The store for one command, its connections closed when the command is done; ``light`` for
    short commands that read little (a small SQLite page cache: see storage.engine).

    A PostgreSQL store is opened as its user: a login, audited like the app's, with the refused
    attempts kept since (:func:`~crimedesk.auth.login.log_in`); a refusal fails the command and is
    kept for the next login. A SQLite store has no login to audit: nothing authenticates there
    (the OS account that owns the file is the user, as in the app, which records no login either),
    and a row per command would make the read-only short commands (`stats`, `imports`) write."""
    resolved = resolve_url(url)
    if resolved.get_backend_name() == "postgresql":
        engine = log_in(resolved, kept_attempts(resolved))
    else:
        engine = make_engine(resolved, light=light)
    try:
        yield engine
    finally:
        engine.dispose()
