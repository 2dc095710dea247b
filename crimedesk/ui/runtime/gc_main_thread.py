"""Run Python's cyclic garbage collector on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, often a worker. A Qt
object it frees there is destroyed off the GUI thread: PySide then waits for the GIL inside Qt's
locks while the GUI thread, holding the GIL, waits for the same locks (a hang seen once in the map
tests: a worker's SQLAlchemy rows set off a collection that freed a finished test's menus). With
automatic collection off, a timer on the GUI thread collects a generation whenever its count has
passed the usual threshold.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


class MainThreadCollector(QObject):
    """Collects on the GUI thread while it lives; automatic collection is off meanwhile."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    def collect(self) -> int:
        """Collect the oldest generation whose count has passed its threshold; returns what it found."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
