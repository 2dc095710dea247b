"""Watching the running app while events arrive: when each incident is in the store and when the
map page (QtWebEngine) draws it, and how long the GUI thread ever stalled. Used by the Kafka UI
test and by bench/feeds.py's latency figure."""

from __future__ import annotations

import json
import time
from itertools import pairwise

from PySide6.QtCore import QObject, QTimer
from sqlalchemy import Engine, select

from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.map.map_pane import MapPane

# The ids among ``ids`` that the page's points layer holds a marker for.
ON_PAGE = """JSON.stringify((function (ids) {
  const wanted = new Set(ids), found = [];
  crimedesk.layers.points.eachLayer((m) => {
    if (wanted.has(m.options.incidentId)) found.push(m.options.incidentId);
  });
  return found;
})(%s))"""


class MapWatch(QObject):
    """Times incidents (by source key) from :meth:`sent` until the store holds them and until the
    map page holds their point; polls both every ``interval_ms`` on the GUI thread."""

    def __init__(self, engine: Engine, pane: MapPane, interval_ms: int = 25) -> None:
        super().__init__(pane)
        self.engine, self.pane = engine, pane
        self.sent_at: dict[str, float] = {}
        self.ids: dict[str, int] = {}
        self.stored: dict[str, float] = {}  # key: seconds from sent to committed
        self.shown: dict[str, float] = {}  # key: seconds from sent to on the map
        self._asking = False
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def sent(self, key: str) -> None:
        self.sent_at[key] = time.perf_counter()

    def done(self) -> bool:
        return len(self.shown) == len(self.sent_at)

    def stop(self) -> None:
        self.timer.stop()

    def _poll(self) -> None:
        waiting = [k for k in self.sent_at if k not in self.ids]
        if waiting:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(incidents.c.source_key, incidents.c.id).where(incidents.c.source_key.in_(waiting))
                ).all()
            now = time.perf_counter()
            for key, incident_id in found:
                self.ids[key] = incident_id
                self.stored[key] = now - self.sent_at[key]
        unseen = {i: k for k, i in self.ids.items() if k not in self.shown}
        if unseen and not self._asking and self.pane.page_ready:
            self._asking = True
            self.pane.view.page().runJavaScript(ON_PAGE % json.dumps(list(unseen)), 0, self._answer)

    def _answer(self, found: str | None) -> None:
        self._asking = False
        now = time.perf_counter()
        keys = {i: k for k, i in self.ids.items()}
        for incident_id in json.loads(found or "[]"):
            key = keys[incident_id]
            self.shown.setdefault(key, now - self.sent_at[key])


class Heartbeat(QObject):
    """A 10 ms timer on the GUI thread: the longest gap between its ticks is the longest stall."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ticks: list[float] = []
        self.timer = QTimer(self, interval=10)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def longest_stall_ms(self) -> float:
        self.timer.stop()
        return 1000 * max(b - a for a, b in pairwise(self.ticks))
