"""The progress / cancel callables that every long operation takes."""

from __future__ import annotations

from collections.abc import Callable

from crimedesk.domain.errors import ImportCancelled

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


def no_progress(_fraction: float, _message: str) -> None:
    """Default progress sink."""


def never_cancel() -> bool:
    return False


def check_cancel(cancel: CancelFn) -> None:
    if cancel():
        raise ImportCancelled("cancelled by the user; nothing was changed")
