"""Run by check_fresh_debian.sh inside the fresh root, with no network, in the installed venv.

Times the app's start to first paint, imports the NYPD sample with the CLI (it must reconcile),
then opens the window on that store, shows the map page and saves a screenshot; the map's
request guard must have blocked nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path.home() / ".local" / "bin"
STORE = f"sqlite:///{HERE / 'store.sqlite'}"


def first_paint_seconds() -> float:
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN / "crimedesk-app"), "--db", STORE, "--report-first-paint"], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    painted = time.perf_counter() - started
    child.wait(timeout=120)
    if not line.startswith("first paint"):
        sys.exit("the app never painted its window")
    return painted


def import_sample() -> None:
    sample = HERE / "nypd_complaints_historic_sample_10k.csv.gz"
    done = subprocess.run(
        [str(BIN / "crimedesk"), "import", str(sample), "--db", STORE], capture_output=True, text=True
    )
    print(done.stdout.strip())
    if done.returncode != 0 or "10,000 rows read" not in done.stdout:
        sys.exit(f"the import failed: {done.stderr}")


def map_screenshot() -> None:
    os.environ["CRIMEDESK_WEB_ASSETS"] = str(HERE / "app" / "web")
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtWidgets import QApplication

    from crimedesk.storage.engine import make_engine
    from crimedesk.ui.panes.map.map_pane import register_map_schemes
    from crimedesk.ui.workspace import Workspace

    register_map_schemes()
    app = QApplication([])
    workspace = Workspace(make_engine(STORE), HERE / "settings.json")
    workspace.window.show()
    workspace.reload()
    workspace.window.tabs.setCurrentWidget(workspace.map)
    deadline = time.monotonic() + 120
    while not workspace.map.page_ready and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    for _ in range(60):  # the points arrive after the page
        app.processEvents()
        time.sleep(0.05)
    workspace.window.grab().save(str(HERE / "first_window.png"))
    blocked = workspace.map.guard.blocked
    print(f"map page ready: {workspace.map.page_ready}; requests leaving the machine: {len(blocked)}")
    if not workspace.map.page_ready or blocked:
        sys.exit(f"the map did not render offline: {blocked}")
    workspace.window.close()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # in order with stderr
    import_sample()
    print(f"first paint: {first_paint_seconds():.2f} s")
    map_screenshot()
