"""One clear sentence and a non-zero exit for what goes wrong around the data, not a traceback.

Disk full, read-only file systems, permissions, a locked store, a dead process or connection:
each command is wrapped by :func:`guard_commands`, which turns those errors into a sentence
naming the problem. Anything else is a bug: one line too, its message, and
``CRIMEDESK_TRACEBACK=1`` shows where it happened. (Full tracebacks also held the values of
local variables, database URLs among them.)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import click
import typer

from crimedesk.cli.common import fail
from crimedesk.domain.explain import EXPLAINED, first_line
from crimedesk.domain.explain import explain as core_explain


def explain(exc: BaseException) -> str:
    """The sentence shown for ``exc``; an error the app does not expect is told as one."""
    if isinstance(exc, EXPLAINED):
        return core_explain(exc)
    return f"unexpected error: {first_line(exc)} (CRIMEDESK_TRACEBACK=1 shows where)"


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
