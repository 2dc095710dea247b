"""Live refresh from the feeds: coalesced to one refresh a second, and a count badge on tabs."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

REFRESH_MS = 1_000
IDLE_MS = 30  # after a quiet second: just long enough to take the batches of other feeds along


class LiveRefresh(QObject):
    """At most one ``refresh(changed)`` a second: a batch after a quiet second is refreshed at once
    (``IDLE_MS``), later ones a second after the previous refresh, all of them in one call.
    ``changed``: some batch updated incidents already stored (not only new ones)."""

    def __init__(self, refresh: Callable[[bool], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._refresh = refresh
        self.timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)  # never early
        self.timer.timeout.connect(self._fire)
        self.pending = 0
        self.changed = False
        self.refreshes = 0
        self._last = -float("inf")  # time.monotonic() of the last refresh

    def note(self, inserted: int, updated: int = 0) -> None:
        if inserted + updated <= 0:
            return
        self.pending += inserted + updated
        self.changed = self.changed or updated > 0
        if not self.timer.isActive():
            since_ms = (time.monotonic() - self._last) * 1000
            self.timer.start(round(max(IDLE_MS, REFRESH_MS - since_ms)))

    def _fire(self) -> None:
        changed, self.pending, self.changed = self.changed, 0, False
        self.refreshes += 1
        self._last = time.monotonic()
        self._refresh(changed)

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


class InView(QObject):
    """A tab's pane refreshed only while it is in view: asked while hidden, its ``refresh`` runs
    when its tab next comes to the front (a live refresh redraws no hidden pane)."""

    def __init__(self, tabs: QTabWidget, pane: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(tabs)
        self.tabs, self.pane, self._refresh = tabs, pane, refresh
        self.stale = False
        tabs.currentChanged.connect(self._shown)

    def request(self, now: Callable[[], None] | None = None) -> None:
        """Refresh at once (with ``now`` if given) when the pane is in view, else when it is shown."""
        self.stale = not self.pane.isVisible()
        if not self.stale:
            (now or self._refresh)()

    def _shown(self, _index: int) -> None:
        if self.stale and self.tabs.currentWidget() is self.pane:
            self.stale = False
            self._refresh()
