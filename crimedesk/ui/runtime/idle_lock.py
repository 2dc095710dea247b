"""Lock the window after a time without keyboard or mouse input (PostgreSQL stores).

Locked, the window hides its data and asks for the password of the user logged in; cancelling
closes the window. A SQLite store has no password to ask for: it relies on the OS session lock.

Input is watched on the main window's native window (every key and mouse event reaches it before
any widget), never with an application-wide filter: PySide wraps every watched object in Python,
and wrapping objects that QtWebEngine is destroying crashes the process.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleLock(QObject):
    """Calls ``lock()`` after ``minutes`` without input to ``window``; 0 minutes: never."""

    def __init__(
        self, minutes: float, lock: Callable[[], object], window: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._expired)
        self._lock = lock
        self._window = window
        self._watching = False
        self.locked = False
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.interval_ms = int(minutes * 60_000)
        self.timer.stop()
        if self.interval_ms > 0:
            self._watch()
            self.timer.start(self.interval_ms)

    def _watch(self) -> None:
        if not self._watching:
            self._window.winId()  # creates the native window before the first show
            handle = self._window.windowHandle()
            assert handle is not None  # winId() made it
            handle.installEventFilter(self)
            self._watching = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and not self.locked and self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        return False

    def _expired(self) -> None:
        self.locked = True
        try:
            self._lock()
        finally:
            self.locked = False
            if self.interval_ms > 0:
                self.timer.start(self.interval_ms)
