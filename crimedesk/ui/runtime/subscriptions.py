"""Subscriptions to the Qt-free state that last exactly as long as the widget that made them.

``FilterState`` and ``SelectionState`` outlive the panes; a listener left behind by a deleted pane
would keep its Python wrapper alive and call into a destroyed Qt object on the next change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject

Listener = TypeVar("Listener", bound=Callable[..., None])


def subscribe_while_alive(
    owner: QObject, subscribe: Callable[[Listener], Callable[[], None]], listener: Listener
) -> None:
    """``subscribe(listener)`` now; unsubscribe when ``owner`` is destroyed."""
    unsubscribe = subscribe(listener)
    owner.destroyed.connect(lambda *_args: unsubscribe())
