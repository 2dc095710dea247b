"""SIGTERM (a logout, a shutdown, ``kill``) closes the window as the Quit action does, so the
settings are saved and the store is closed cleanly instead of the process dying mid-write.

Python runs a signal handler only when the interpreter next gets control, which Qt's event loop
does not give it while idle; a short timer hands it control a few times a second.
"""

from __future__ import annotations

import signal
from types import FrameType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

WAKE_MS = 250


def close_on_sigterm(window: QWidget) -> QTimer:
    """Close ``window`` on SIGTERM; the returned timer (owned by the window) keeps Python awake."""

    def closing(_signal: int, _frame: FrameType | None) -> None:
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGTERM, closing)
    timer = QTimer(window)
    timer.setInterval(WAKE_MS)
    timer.timeout.connect(_python_runs)
    timer.start()
    return timer


def _python_runs() -> None:
    """Nothing: the call alone lets Python run a pending signal handler."""
