"""The app's analytics mirror: made at the first reload (after the window paints), synced on
workers, and the engine the aggregates run on.

Aggregates run on the mirror only while it holds the store as it is: before its first copy, and
from a live arrival until a sync that began after it ends, they run on the store, so every figure
stays exact while the mirror catches up behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from crimedesk.ui.runtime.workers import Job, submit

if TYPE_CHECKING:
    from crimedesk.analytics.mirror import AnalyticsMirror


class MirrorKeeper:
    def __init__(self, store: Engine, failed: Callable[[object], None]) -> None:
        self.store, self._failed = store, failed
        self.mirror: AnalyticsMirror | None = None
        self.arrivals = 0  # live batches noted so far
        self._current_at: int | None = None  # ``arrivals`` when the last finished sync began
        self._job: Job | None = None

    def fell_behind(self) -> None:
        """Incidents were stored: the store answers until a sync that begins after this ends."""
        self.arrivals += 1

    def sync(self, synced: Callable[[bool], None]) -> None:
        """Bring the mirror up to date on a worker; then ``synced(changed)``."""
        if self.mirror is None:
            from crimedesk.analytics.mirror import AnalyticsMirror  # DuckDB loads after first paint

            self.mirror = AnalyticsMirror(self.store)
        mirror, began = self.mirror, self.arrivals

        def finished(changed: bool) -> None:
            self._current_at = began
            synced(changed)

        self._job = submit(
            lambda progress, cancel: mirror.sync(progress, cancel), finished=finished, failed=self._failed
        )

    def query_engine(self) -> Engine:
        """The mirror's engine while it holds the store as it is, else the store's."""
        mirror = self.mirror
        if mirror is not None and mirror.ready and self._current_at == self.arrivals:
            return mirror.engine
        return self.store

    def stop(self) -> None:
        """Cancel a running copy (it can take a minute on millions of rows); wait for workers then
        :meth:`close`."""
        if self._job is not None:
            self._job.cancel()

    def close(self) -> None:
        if self.mirror is not None:
            self.mirror.close()
