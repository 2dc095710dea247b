"""Run plain ``f(progress, cancel)`` functions on worker threads and report back as Qt signals.

The workers are Python threads (a ``ThreadPoolExecutor``), not ``QThreadPool`` threads: on a Qt
pool thread every task gets a new Python thread state, so thread-local state of native libraries
(pyproj's PROJ context, our per-thread transformers) is torn down after each task, and creating a
CRS there crashed the process. A Python thread keeps its thread state, and so its locals, for life.

The signal carrier (:class:`Job`) is created on the UI thread, so its signals are delivered there
(queued) even though they are emitted from a worker. :class:`LatestQuery` runs one query at a
time per pane: results of an older request that finish late are dropped.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from crimedesk.domain.errors import ImportCancelled

log = logging.getLogger(__name__)

Task = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]


class Job(QObject):
    """One submitted task: ``progress(fraction, message)``, then ``finished(result)`` or ``failed(exc)``."""

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        """Runs on a worker thread."""
        try:
            result = self._task(self.progress.emit, self._cancel.is_set)
        except ImportCancelled:
            self.cancelled.emit()
        except Exception as exc:
            log.exception("background task failed")
            self.failed.emit(exc)
        else:
            self.finished.emit(result)


_EXECUTOR = concurrent.futures.ThreadPoolExecutor(
    max_workers=max(4, os.cpu_count() or 1), thread_name_prefix="crimedesk-worker"
)
_running: set[Job] = set()
_futures: set[concurrent.futures.Future[None]] = set()


def submit(
    task: Task,
    *,
    finished: Callable[[Any], None] | None = None,
    failed: Callable[[Exception], None] | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], None] | None = None,
) -> Job:
    """Start ``task`` on a worker thread.

    Handlers are connected BEFORE the task starts: a signal emitted before a connection exists is
    lost, so connect others to the returned Job only for signals that come later (progress).
    """
    job = Job(task)
    for signal, handler in (
        (job.finished, finished),
        (job.failed, failed),
        (job.progress, progress),
        (job.cancelled, cancelled),
    ):
        if handler is not None:
            signal.connect(handler)
    _running.add(job)

    def release(*_args: object) -> None:
        _running.discard(job)

    job.finished.connect(release)
    job.failed.connect(release)
    job.cancelled.connect(release)
    future = _EXECUTOR.submit(job.run)
    _futures.add(future)
    future.add_done_callback(_futures.discard)
    return job


def wait_for_workers(timeout: float | None = None) -> None:
    """Block until every submitted task has returned (at shutdown, before the store closes)."""
    concurrent.futures.wait(list(_futures), timeout=timeout)


def pending_jobs() -> int:
    """Jobs started and not yet reported back (for tests and a clean shutdown)."""
    return len(_running)


class LatestQuery(QObject):
    """Runs a pane's queries; only the newest request's result reaches ``on_result``.

    Results arrive through this object's own slots, so once the pane (its parent) is deleted,
    answers still on their way are dropped by Qt instead of reaching a deleted widget.
    """

    def __init__(
        self,
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_result, self._on_error = on_result, on_error
        self._latest: Job | None = None

    def run(self, query: Callable[[], Any]) -> Job:
        """Start ``query()`` on a worker; the answer to an older request still running is ignored."""
        self._latest = submit(
            lambda _progress, _cancel: query(), finished=self._finished, failed=self._failed
        )
        return self._latest

    @Slot(object)
    def _finished(self, result: Any) -> None:
        if self.sender() is self._latest:  # not a stale answer to older filters
            self._on_result(result)

    @Slot(object)
    def _failed(self, error: Exception) -> None:
        if self.sender() is self._latest:
            self._on_error(error)
