"""Report when the main window first paints (for the start-up benchmark)."""

from __future__ import annotations

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
