"""Live refresh from the feeds: coalesced to one refresh a second, and a count badge on tabs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

REFRESH_MS = 1_000


class LiveRefresh(QObject):
    """Batches noted within a second cause one ``refresh()`` at the end of that second."""

    def __init__(self, refresh: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._refresh = refresh
        self.timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self.timer.timeout.connect(self._fire)
        self.pending = 0
        self.refreshes = 0

    def note(self, arrived: int) -> None:
        if arrived <= 0:
            return
        self.pending += arrived
        if not self.timer.isActive():
            self.timer.start()

    def _fire(self) -> None:
        self.pending = 0
        self.refreshes += 1
        self._refresh()

    def stop(self) -> None:
        self.timer.stop()


class TabBadge(QObject):
    """``Title (n)`` on a tab while ``n`` records arrived since the user last looked at it."""

    def __init__(self, tabs: QTabWidget, pane: QWidget, title: str) -> None:
        super().__init__(tabs)
        self.tabs, self.pane, self.title = tabs, pane, title
        self.count = 0
        tabs.currentChanged.connect(self._shown)

    def add(self, arrived: int) -> None:
        if arrived <= 0 or (self.tabs.currentWidget() is self.pane and self.pane.isVisible()):
            return
        self.count += arrived
        self._show()

    def _shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.pane:
            self.count = 0
            self._show()

    def _show(self) -> None:
        index = self.tabs.indexOf(self.pane)
        if index >= 0:
            self.tabs.setTabText(index, f"{self.title} ({self.count:,} new)" if self.count else self.title)
