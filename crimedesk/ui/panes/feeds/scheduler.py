"""Runs the feeds in the background while the app is open, never on the GUI thread.

A QTimer on the GUI thread decides; the runs go to worker threads (crimedesk.ui.runtime.workers).
Portal feeds run when ``schedule_minutes`` have passed since their last attempt; topic feeds
(Kafka, MQTT) are followed continuously and restarted on the next tick when they stop. A failure is
said once per feed and message (no storm on every tick); a network error pauses the feed and says so
(a laptop without network), until the analyst resumes it. :meth:`stop` cancels every run at close.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import Engine

from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.feeds.adapters import all_adapters
from crimedesk.feeds.catalog import list_feeds, load_feed, pause_feed
from crimedesk.feeds.elsewhere import run_elsewhere
from crimedesk.feeds.errors import FeedNetworkError
from crimedesk.feeds.feed import PAUSED, Feed
from crimedesk.ingest.history import Counts
from crimedesk.ui.runtime.workers import Job, LatestQuery, submit

TICK_MS = 15_000
# While a feed stores a batch on a worker, every call from Qt back into Python on the GUI thread (a
# table model's data(), a chart's paint) waits for the GIL up to the switch interval, 5 ms by
# default: a table resized to its contents stalled the window 0.8 s. 1 ms keeps such waits short.
SWITCH_INTERVAL_S = 0.001


class FeedScheduler(QObject):
    batch = Signal(str, str, int, int)  # feed kind, feed name, records new and changed in a committed batch
    message = Signal(str)  # a plain sentence for the status bar
    changed = Signal()  # a run started or ended, or a feed was paused: the Feeds pane re-reads
    progress = Signal(str, str)  # feed name, the run's progress line
    recovered = Signal()  # every feed that had failed ran well since

    def __init__(
        self, engine: Engine, user: User, parent: QObject | None = None, tick_ms: int = TICK_MS
    ) -> None:
        super().__init__(parent)
        self.engine, self.user = engine, user
        self.jobs: dict[str, Job] = {}
        self.attempted: dict[str, datetime] = {}
        self._said: dict[str, str] = {}
        self._listing = LatestQuery(self._decide, lambda exc: self._say("feeds", f"Feeds: {exc}"), self)
        self.timer = QTimer(self, interval=tick_ms)
        self.timer.timeout.connect(self.tick)
        self.stopped = False
        self.continuous: set[str] = set()  # the kinds followed continuously (topics)

    def start(self) -> None:
        """Schedule from now on (only for a role that may run feeds)."""
        if self.user.can(Action.RUN_FEED):
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
            self.timer.start()
            self.tick()

    def tick(self) -> None:
        if not self.stopped:
            engine = self.engine
            self._listing.run(lambda: _listing(engine))

    def _decide(self, found: tuple[list[Feed], set[str], set[str]]) -> None:
        feeds, elsewhere, self.continuous = found
        now = datetime.now()
        for feed in feeds:
            mine = feed.name not in self.jobs and feed.name not in elsewhere
            if not self.stopped and mine and self.due(feed, now):
                self.run_now(feed.name)

    def due(self, feed: Feed, now: datetime) -> bool:
        if feed.status == PAUSED:
            return False
        if feed.kind in self.continuous:
            return True
        last = max(filter(None, (self.attempted.get(feed.name), feed.last_success)), default=None)
        return last is None or now - last >= timedelta(minutes=feed.schedule_minutes)

    def running(self, name: str) -> bool:
        return name in self.jobs

    def run_now(self, name: str) -> Job | None:
        """Run the feed on a worker (None: it runs already)."""
        from crimedesk.feeds.runner import run_feed

        engine, user = self.engine, self.user

        def task(progress: Any, cancel: Any) -> Any:
            on_batch = self._on_batch(load_feed(engine, name).kind, name)
            return run_feed(engine, name, user=user, progress=progress, cancel=cancel, on_batch=on_batch)

        return self._start(name, task)

    def backfill(self, name: str, start: date, end: date) -> Job | None:
        from crimedesk.feeds.backfill import backfill_feed

        engine, user = self.engine, self.user

        def task(progress: Any, cancel: Any) -> Any:
            return backfill_feed(engine, name, start, end, user=user, progress=progress, cancel=cancel)

        return self._start(name, task)

    def _on_batch(self, kind: str, name: str) -> Callable[[Counts], None]:
        """Called on the worker: the signal is queued to the GUI thread."""

        def told(counts: Counts) -> None:
            self.batch.emit(kind, name, counts.inserted, counts.updated)

        return told

    def _start(self, name: str, task: Any) -> Job | None:
        if name in self.jobs or self.stopped:
            return None
        self.attempted[name] = datetime.now()
        job = submit(
            task,
            finished=lambda result: self._ended(name, result),
            failed=lambda exc: self._failed(name, exc),
            cancelled=lambda: self._ended(name, None),
            progress=lambda _f, text: self.progress.emit(name, text),
        )
        self.jobs[name] = job
        self.changed.emit()
        return job

    def _ended(self, name: str, result: Any) -> None:
        self.jobs.pop(name, None)
        if self._said.pop(name, None) is not None and not self._said:
            self.recovered.emit()
        if result is not None and result.note:
            self.message.emit(f"Feed {name}: {result.note}")
        self.changed.emit()

    def _failed(self, name: str, exc: Exception) -> None:
        self.jobs.pop(name, None)
        if isinstance(exc, FeedNetworkError) and not self.stopped:
            engine, user = self.engine, self.user
            submit(lambda _p, _c: pause_feed(engine, name, user=user), finished=self._paused)
            self._say(name, f"Feed {name} is paused: {exc} Resume it in the Feeds pane once online.")
        else:
            self._say(name, f"Feed {name} failed: {exc}")
        self.changed.emit()

    def _paused(self, _result: object) -> None:
        self.changed.emit()

    def _say(self, name: str, text: str) -> None:
        """Tell the status bar, once per feed and message."""
        if self._said.get(name) != text:
            self._said[name] = text
            self.message.emit(text)

    def cancel(self, name: str) -> None:
        """Stop the feed's run (paused or edited: a topic restarts on the next tick if still active)."""
        job = self.jobs.get(name)
        if job is not None:
            job.cancel()

    def stop(self) -> None:
        """At close: no new runs; every run is cancelled (its committed batches stay)."""
        self.stopped = True
        self.timer.stop()
        for job in self.jobs.values():
            job.cancel()


def _listing(engine: Engine) -> tuple[list[Feed], set[str], set[str]]:
    """On a worker: the feeds, those another process runs, and the continuous kinds (the adapters'
    modules import their client libraries: not on the GUI thread)."""
    continuous = {kind for kind, adapter in all_adapters().items() if adapter.continuous}
    return list_feeds(engine), run_elsewhere(engine), continuous
