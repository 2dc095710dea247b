import threading
import time

from PySide6.QtCore import QThread

from crimedesk.domain.errors import ImportCancelled
from crimedesk.ui.runtime.workers import LatestQuery, submit


def test_job_reports_progress_and_result_on_the_ui_thread(qtbot):
    seen: list[tuple[float, str, bool]] = []

    def task(progress, _cancel):
        progress(0.5, "half")
        return threading.current_thread().name

    results: list[str] = []
    submit(
        task,
        progress=lambda f, m: seen.append((f, m, QThread.currentThread().isMainThread())),
        finished=results.append,
    )
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0] != threading.current_thread().name
    assert seen == [(0.5, "half", True)]


def test_cancel_and_errors_become_signals(qtbot):
    started = threading.Event()

    def slow(_progress, cancel):
        started.set()
        while not cancel():
            time.sleep(0.01)
        raise ImportCancelled("stop")

    events: list[object] = []
    job = submit(slow, cancelled=lambda: events.append("cancelled"))
    started.wait(5)
    job.cancel()
    submit(lambda _p, _c: 1 / 0, failed=events.append)
    qtbot.waitUntil(lambda: len(events) == 2, timeout=5000)
    assert sorted(e if e == "cancelled" else type(e).__name__ for e in events) == [
        "ZeroDivisionError",
        "cancelled",
    ]


def test_latest_query_drops_stale_results(qtbot):
    results: list[str] = []
    runner = LatestQuery(results.append, lambda exc: results.append(f"error {exc}"))
    release = threading.Event()

    def old() -> str:
        release.wait(5)
        return "old"

    stale = runner.run(old)
    runner.run(lambda: "new")
    qtbot.waitUntil(lambda: results == ["new"], timeout=5000)
    with qtbot.waitSignal(stale.finished, timeout=5000):  # the runner has seen (and dropped) it then
        release.set()
    assert results == ["new"]
