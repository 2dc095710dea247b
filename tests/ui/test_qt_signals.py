"""PySide6 6.12.0 dropped a reference to True or False each time one passed through a signal; the
process then died in the collector or at exit. The background jobs send results (often bools)
through signals, so the pinned Qt must keep them."""

import sys

from PySide6.QtCore import QObject, Signal


class _Carrier(QObject):
    any_value = Signal(object)
    flag = Signal(bool)


def test_bools_through_signals_keep_their_references(qtbot):
    carrier = _Carrier()
    received: list[object] = []
    carrier.any_value.connect(received.append)
    carrier.flag.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(100):
        carrier.any_value.emit(True)
        carrier.any_value.emit((False, True))
        carrier.flag.emit(False)
    received.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
