"""Run Python's cyclic garbage collector on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, often a worker. A Qt
object it frees there is destroyed off the GUI thread: PySide then waits for the GIL inside Qt's
locks while the GUI thread, holding the GIL, waits for the same locks (a hang seen once in the map
tests: a worker's SQLAlchemy rows set off a collection that freed a finished test's menus). With
automatic collection off, a timer on the GUI thread collects a generation whenever its count has
passed the usual threshold.

A full collection walks every tracked object, so it stalls the GUI thread for as long as the heap
is big (about 0.1 s per 150,000 objects; over a second in a long-lived process). CPython's own
collector therefore runs one only when the objects promoted to the oldest generation since the last
full collection exceed a quarter of those that survived it; this collector keeps that rule, which
CPython applies internally but does not expose, by counting the survivors itself.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250
FULL_COLLECTION_GROWTH = 0.25  # CPython's long_lived_pending > long_lived_total / 4


class MainThreadCollector(QObject):
    """Collects on the GUI thread while it lives; automatic collection is off meanwhile."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.long_lived = len(gc.get_objects(generation=2))  # as if a full collection had just run
        self.promoted = 0  # objects moved into the oldest generation since then
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    def collect(self) -> int:
        """Collect the oldest generation that is due; returns the unreachable objects it found."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[2] > thresholds[2] and self.promoted > FULL_COLLECTION_GROWTH * self.long_lived:
            return self.collect_all()
        if counts[1] > thresholds[1]:
            young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
            found = gc.collect(1)
            self.promoted += max(young - found, 0)  # the survivors move to the oldest generation
            return found
        if counts[0] > thresholds[0]:
            return gc.collect(0)
        return 0

    def collect_all(self) -> int:
        """A full collection now; it settles any debt the timer would otherwise pay at a random time."""
        found = gc.collect(2)
        self.long_lived, self.promoted = len(gc.get_objects(generation=2)), 0
        return found

    def freeze(self) -> None:
        """Take every object alive now out of all later collections (``gc.freeze``).

        Meant for the heap built at start-up: modules, classes and the window live as long as the
        app, and walking them is most of what a full collection costs.
        """
        gc.freeze()
        self.long_lived, self.promoted = 0, 0

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
