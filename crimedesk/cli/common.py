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

from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.domain.progress import CancelFn, ProgressFn

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="CRIMEDESK_DB", help="Database URL (default: the local SQLite store)."),
]
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
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
