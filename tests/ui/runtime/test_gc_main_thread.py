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


def _make_cycles(count: int) -> None:
    for _ in range(count):
        cycle: list = []
        cycle.append(cycle)


def test_a_full_collection_waits_until_the_old_generation_grew_by_a_quarter(qtbot):
    """CPython's rule: without it, every tenth older collection walked the whole heap (a 1.3 s stall)."""
    collector = MainThreadCollector()
    full_collections: list[int] = []

    def count_full(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections.append(1)

    kept: list[list] = []
    try:
        collector.collect_all()
        gc.callbacks.append(count_full)
        per_step = max(collector.long_lived // 3000, 1)  # 300 steps keep a tenth of the heap
        oldest_count_passed = False
        for _ in range(300):
            _make_cycles(1000)
            kept.extend([] for _ in range(per_step))
            collector.collect()
            oldest_count_passed |= gc.get_count()[2] > gc.get_threshold()[2]
        assert oldest_count_passed  # the count alone would have collected everything
        assert full_collections == []
        assert collector.promoted >= 300 * per_step
        while not full_collections:  # keep survivors until the old generation grows by a quarter
            _make_cycles(1000)
            kept.extend([] for _ in range(per_step))
            collector.collect()
        assert len(kept) > 0.25 * collector.long_lived / 1.25  # it came at the quarter, not before
        assert collector.promoted == 0
    finally:
        if count_full in gc.callbacks:
            gc.callbacks.remove(count_full)
        collector.stop()
