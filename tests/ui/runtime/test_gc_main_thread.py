"""Cyclic garbage is collected on the GUI thread, never in a worker."""

import gc
import threading
import weakref

from crimedesk.ui.runtime.gc_main_thread import MainThreadCollector

FREED_IN: list[int] = []  # the thread that freed each _Cycle


class _Cycle:
    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        FREED_IN.append(threading.get_ident())


def test_cycles_made_in_a_worker_are_freed_on_the_gui_thread(qtbot):
    enabled_before = gc.isenabled()  # off already when the session's collector runs
    collector = MainThreadCollector()
    try:
        assert not gc.isenabled()
        made: list[weakref.ref] = []

        def worker() -> None:  # enough garbage to pass every threshold, were collection automatic
            for _ in range(50_000):
                made.append(weakref.ref(_Cycle()))

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert FREED_IN == []  # nothing collected in the worker
        qtbot.waitUntil(lambda: all(ref() is None for ref in made), timeout=10_000)
        assert set(FREED_IN) == {threading.get_ident()}
    finally:
        collector.stop()
    assert gc.isenabled() == enabled_before
