"""Options and helpers shared by the commands."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from crimedesk.domain.errors import CrimedeskError, ImportCancelled

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="CRIMEDESK_DB", help="Database URL (default: the local SQLite store)."),
]
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def run_with_progress(label: str, work: Callable[..., T]) -> T:
    """Run ``work(progress=..., cancel=...)`` on a thread with a progress bar; Ctrl-C cancels it."""
    cancelled = threading.Event()
    outcome: dict[str, object] = {}
    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}% {task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=1.0)

        def target() -> None:
            try:
                outcome["value"] = work(
                    progress=lambda f, m: bar.update(task, completed=f, description=m),
                    cancel=cancelled.is_set,
                )
            except BaseException as exc:  # handed to the main thread, re-raised there
                outcome["error"] = exc

        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        while worker.is_alive():
            try:
                worker.join(0.1)
            except KeyboardInterrupt:
                cancelled.set()
                err_console.print("cancelling...")
    if "error" in outcome:
        _raise_for_cli(outcome["error"])
    return outcome["value"]  # type: ignore[return-value]


def _raise_for_cli(error: object) -> None:
    if isinstance(error, ImportCancelled):
        raise fail("cancelled; nothing was changed", 130)
    if isinstance(error, CrimedeskError):
        raise fail(str(error))
    raise error  # type: ignore[misc]
