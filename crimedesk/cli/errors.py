"""One clear sentence and a non-zero exit for what goes wrong around the data, not a traceback.

Disk full, read-only file systems, permissions, a locked store, a dead process or connection:
each command is wrapped by :func:`guard_commands`, which turns those errors into a sentence
naming the problem. Anything else is a bug: one line too, naming the error, and
``CRIMEDESK_TRACEBACK=1`` shows where it happened. (Full tracebacks also held the values of
local variables, database URLs among them.)
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable
from typing import Any

import click
import typer
from sqlalchemy.exc import DBAPIError

from crimedesk.cli.common import fail
from crimedesk.domain.errors import CrimedeskError

UNCHANGED = "nothing was changed"
SQLITE_MESSAGES = {  # sqlite3 error text -> what it means for the analyst
    "database is locked": "the store is locked by another program writing to it; try again once it is done",
    "attempt to write a readonly database": f"the store is read-only (file or disk); {UNCHANGED}",
    "database or disk is full": f"the disk holding the store is full; {UNCHANGED}",
    "unable to open database file": "the store's file cannot be opened (missing folder, or no permission)",
}
OS_MESSAGES = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "a folder, not a file",
}


def explain(exc: BaseException) -> str:
    """The sentence shown for ``exc``."""
    if isinstance(exc, CrimedeskError):
        return str(exc)
    if isinstance(exc, DBAPIError):
        return _database(exc)
    if isinstance(exc, OSError):
        return _os(exc)
    return f"unexpected {type(exc).__name__}: {_first_line(exc)} (CRIMEDESK_TRACEBACK=1 shows where)"


def _database(exc: DBAPIError) -> str:
    cause = _first_line(exc.orig if exc.orig is not None else exc)
    for text, message in SQLITE_MESSAGES.items():
        if text in cause:
            return message
    if exc.connection_invalidated or "end of file" in cause or "server closed" in cause:
        return f"the connection to the database broke ({cause}); {UNCHANGED}"
    return f"the database refused: {cause}"


def _os(exc: OSError) -> str:
    what = OS_MESSAGES.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = f": {exc.filename}" if exc.filename else ""
    return f"{what}{where}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with every error but an exit (and Ctrl-C) told in one sentence."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get("CRIMEDESK_TRACEBACK"):
                raise
            raise fail(explain(exc)) from None

    return run


def guard_commands(app: typer.Typer) -> None:
    """Wrap every command of ``app`` and of its sub-apps with :func:`guarded`."""
    for info in app.registered_commands:
        if info.callback is not None:
            info.callback = guarded(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            guard_commands(group.typer_instance)
