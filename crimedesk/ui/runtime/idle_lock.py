"""Lock the window after a time without keyboard or mouse input (PostgreSQL stores).

Locked, the window hides its data and asks for the password of the user logged in; cancelling
closes the window. A SQLite store has no password to ask for: it relies on the OS session lock.

Input is watched on native windows (every key and mouse event reaches a top-level window's native
window before any of its widgets): the main window's, and each other window's (a modeless dialog
such as the user guide or the import dialog) as it gets the keyboard focus — input goes to the
window that has it — told by QGuiApplication's focusWindowChanged signal. Never with an
application-wide filter: PySide wraps every watched object in Python, and wrapping objects that
QtWebEngine is destroying crashes the process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.auth.store_settings import (
    IDLE_LOCK_MAX,
    SETTINGS,
    effective_idle_minutes,
    idle_lock_minutes,
)
from crimedesk.ui.runtime.workers import LatestQuery

log = logging.getLogger(__name__)

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
        window.destroyed.connect(self.timer.stop)  # a window gone (not only closed) never locks
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
            self._watch_window(self._window.windowHandle())
            app = QGuiApplication.instance()
            assert isinstance(app, QGuiApplication)
            app.focusWindowChanged.connect(self._watch_window)
            self._watching = True

    def _watch_window(self, window: QWindow | None) -> None:
        """Watch ``window`` too (installing the filter again on a window keeps one)."""
        if window is not None:
            window.installEventFilter(self)

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


class StoreIdleLock(IdleLock):
    """The idle lock of a window on ``engine``: the workstation's time within the store's limit
    (crimedesk.auth.store_settings.idle_lock_minutes; none on SQLite).

    The store's limit is read on a worker, never on the GUI thread (a slow server would freeze the
    window as it opens); until it arrives, or if it cannot be read, the default limit holds."""

    def __init__(
        self,
        engine: Engine,
        workstation_minutes: float,
        lock: Callable[[], object],
        window: QWidget,
        parent: QObject | None = None,
    ) -> None:
        self.engine, self.workstation_minutes = engine, workstation_minutes
        super().__init__(self._until_read(), lock, window, parent)
        self._query = LatestQuery(self.set_minutes, self._not_read, self)
        self.follow_settings()

    def follow_settings(self, workstation_minutes: float | None = None) -> None:
        """Take the time again: the workstation's own changed (given here) or the store's limit."""
        if workstation_minutes is not None:
            self.workstation_minutes = workstation_minutes
        if self.engine.dialect.name == "postgresql":
            engine, minutes = self.engine, self.workstation_minutes
            self._query.run(lambda: idle_lock_minutes(engine, minutes))
        else:
            self.set_minutes(0.0)

    def _until_read(self) -> float:
        if self.engine.dialect.name != "postgresql":
            return 0.0
        return effective_idle_minutes(self.workstation_minutes, SETTINGS[IDLE_LOCK_MAX].default)

    def _not_read(self, error: Exception) -> None:
        log.warning("the store's idle-lock limit could not be read (%s); the default holds", error)
        self.set_minutes(self._until_read())
