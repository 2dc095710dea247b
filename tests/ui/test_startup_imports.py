"""Issue 18: nothing heavy is imported before the main window first paints, and the store is read
only after that paint."""

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from crimedesk.ui.runtime.first_paint import AfterFirstPaint

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "pandas",
    "pyqtgraph",
    "sklearn",
    "folium",
    "tensorflow",
    "statsmodels",
    "reportlab",
    "geopandas",
    "pyogrio",
    "numba",
)
# The app as started, but at its first paint it prints which heavy modules are loaded.
SCRIPT = f"""
import sys
from PySide6.QtCore import QEvent
from crimedesk.ui import app
from crimedesk.ui.runtime import first_paint

report = first_paint.FirstPaintReporter.eventFilter

def at_paint(self, watched, event):
    if watched is self.window and event.type() == QEvent.Type.Paint:
        loaded = sorted(name for name in {HEAVY!r} if name in sys.modules)
        print("loaded at first paint:", ",".join(loaded), flush=True)
    return report(self, watched, event)

first_paint.FirstPaintReporter.eventFilter = at_paint
sys.exit(app.main(sys.argv[1:]))
"""


def test_nothing_heavy_is_imported_before_the_first_paint(tmp_path):
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "--db", db, "--report-first-paint"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["loaded at first paint: ", "first paint"], result.stdout


class PaintSeen(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.painted = self.painted or event.type() == QEvent.Type.Paint
        return False


def test_work_after_the_first_paint_runs_once_after_it(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    seen = PaintSeen(widget)
    runs: list[bool] = []
    AfterFirstPaint(widget, lambda: runs.append(seen.painted), fallback_ms=300)
    widget.show()
    qtbot.waitUntil(lambda: len(runs) > 0, timeout=5_000)
    widget.update()
    qtbot.wait(500)  # a second paint and the fallback timer add no second run
    assert runs == [True]


def test_work_runs_after_the_fallback_when_the_window_never_paints(qtbot):
    widget = QWidget()  # never shown
    qtbot.addWidget(widget)
    runs: list[int] = []
    AfterFirstPaint(widget, lambda: runs.append(1), fallback_ms=100)
    qtbot.waitUntil(lambda: runs == [1], timeout=2_000)
