"""The main window's first paint: report it (for the start-up benchmark), run work after it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaintReporter(QObject):
    """Prints ``first paint`` on stdout at the window's first paint event, then closes it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            print("first paint", flush=True)
            QTimer.singleShot(0, self.window.close)
        return False


class AfterFirstPaint(QObject):
    """Runs ``callback`` once, right after the window's first paint, so that work queued at start
    (reading the store, the analytics mirror) does not delay that paint. A ``QTimer.singleShot(0)``
    at ``show()`` runs before it. ``fallback_ms`` later it runs anyway (a window never painted,
    e.g. started minimised)."""

    def __init__(self, window: QWidget, callback: Callable[[], None], fallback_ms: int = 3000) -> None:
        super().__init__(window)
        self.window, self.callback, self.done = window, callback, False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        if not self.done:
            self.done = True
            self.callback()


class CompleteDashboardReporter(QObject):
    """Prints ``dashboard complete`` once every part of the dashboard shows the store's current
    filters (for the cold-start benchmark), then closes the window."""

    def __init__(self, window: QWidget, complete: Callable[[], bool], poll_ms: int = 20) -> None:
        super().__init__(window)
        self.window, self.complete = window, complete
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._check)
        self.timer.start(poll_ms)

    def _check(self) -> None:
        if self.complete():
            self.timer.stop()
            print("dashboard complete", flush=True)
            QTimer.singleShot(0, self.window.close)
