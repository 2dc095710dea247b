"""App start to first painted window, cold and warm, beside a bare PySide6 window in the same run.

``python bench/startup.py [--runs N]``. Each start is a new process, timed from launch to the
window's first paint event (offscreen). Cold: every file under the Python prefix and the
repository is first dropped from the page cache (``posix_fadvise(DONTNEED)``, per file, not the
whole machine's cache), as after a reboot; warm: the median of N starts right after. The store is
an empty SQLite file in a temporary folder. Issue 18's target: 2 s to first paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = """
import sys
from PySide6 import QtWebEngineWidgets  # as the app: WebEngine before the QApplication
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Paint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("first paint", flush=True)
            QTimer.singleShot(0, window.close)
        return False

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1500, 950)
window.installEventFilter(Paint(window))
window.show()
app.exec()
"""


def evict(folder: Path) -> None:
    for path in folder.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink():
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)
        except OSError:
            continue


def seconds_to_paint(command: list[str], home: str) -> float:
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "XDG_CONFIG_HOME": f"{home}/config",
    }
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("first paint"):
                painted = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"{command[1]} never painted its window")
        child.wait()
    return painted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        app = [sys.executable, "main.py", "--db", f"sqlite:///{home}/store.sqlite", "--report-first-paint"]
        bare = [sys.executable, "-c", BARE]
        seconds_to_paint(app, home)  # creates and migrates the store: not part of a start
        figures = {}
        for name, command in (("bare PySide6 window", bare), ("crimedesk", app)):
            evict(Path(sys.prefix).resolve())
            evict(Path(sys.base_prefix).resolve())
            evict(ROOT / "crimedesk")
            cold = seconds_to_paint(command, home)
            warm = statistics.median(seconds_to_paint(command, home) for _ in range(runs))
            figures[name] = (cold, warm)
            print(f"{name}: cold {cold:.2f} s, warm {warm:.2f} s (median of {runs})")
    (app_cold, app_warm), (bare_cold, bare_warm) = figures["crimedesk"], figures["bare PySide6 window"]
    print(
        f"crimedesk / bare: cold {app_cold / bare_cold:.2f}×, warm {app_warm / bare_warm:.2f}×;"
        f" target warm ≤ 2 s: {'met' if app_warm <= 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
