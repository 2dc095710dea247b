import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crimedesk.storage.summary import store_label
from crimedesk.ui.app import prepare_webengine_env
from crimedesk.ui.main_window import MainWindow
from crimedesk.ui.store_pane import StorePane
from tests.fill import add_import, add_incident

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"


@pytest.fixture
def filled_store(sqlite_store):
    with sqlite_store.begin() as conn:
        chicago = add_import(conn, "chicago_2017.csv", rows_read=1203, inserted=1200, rejected=3)
        nypd = add_import(conn, "nypd.csv.gz", profile="nypd", source="nypd", started_at=datetime(2024, 2, 1))
        for i in range(1200):
            add_incident(conn, chicago, f"c{i}", datetime(2017, 1, 1 + i % 28, i % 24), mappable=i % 10 != 0)
        add_incident(conn, nypd, "n1", datetime(2016, 12, 31, 23, 0), source="nypd")
    return sqlite_store


def show_window(qtbot, engine) -> MainWindow:
    window = MainWindow(StorePane(engine), store_label(engine))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.store_pane.summary_loaded, timeout=5000):
        window.store_pane.refresh()
    qtbot.wait(50)  # let the layouts settle before screenshots
    return window


def test_window_shows_store_counts(qtbot, filled_store):
    window = show_window(qtbot, filled_store)
    pane = window.store_pane

    assert window.tabs.tabText(0) == "Store"
    assert "1,201" in pane.headline.text()
    assert pane.span.text() == "2016-12-31 23:00 – 2017-01-28 23:00"
    assert pane.mappable.text() == "90.0%"
    assert pane.layers.text() == "none loaded"
    assert [pane.sources.item(r, 0).text() for r in range(2)] == ["chicago", "nypd"]
    assert pane.sources.item(0, 1).text() == "1,200"
    assert pane.imports.rowCount() == 2
    assert [pane.imports.item(1, c).text() for c in (0, 1, 2, 4, 5, 8)] == [
        *("chicago_2017.csv", "chicago", "ok"),
        *("1,203", "1,200", "3"),
    ]
    assert "SQLite" in window.store_label.text()
    assert window.counts_label.text() == "1,201 incidents from 2 sources"

    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "main_window.png"))


def test_empty_store_says_how_to_import(qtbot, sqlite_store):
    window = show_window(qtbot, sqlite_store)
    assert "No incidents yet" in window.store_pane.headline.text()
    assert "crimedesk import FILE" in window.store_pane.headline.text()
    assert window.store_pane.details.isHidden()
    window.grab().save(str(ARTIFACTS / "main_window_empty.png"))


@pytest.mark.parametrize(
    ("flags", "is_root", "expected"),
    [
        ("", True, "--no-sandbox"),
        ("--disable-gpu", True, "--disable-gpu --no-sandbox"),
        ("--no-sandbox --disable-gpu", True, "--no-sandbox --disable-gpu"),
        ("", False, None),
    ],
)
def test_webengine_sandbox_flag_only_as_root(flags, is_root, expected):
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": flags} if flags else {}
    prepare_webengine_env(environ, is_root=is_root)
    assert environ.get("QTWEBENGINE_CHROMIUM_FLAGS") == expected


def test_main_starts_and_quits_offscreen(tmp_path):
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    env.pop("QTWEBENGINE_CHROMIUM_FLAGS", None)
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = subprocess.run(
        [sys.executable, "main.py", "--db", db, "--quit-after-ms", "500"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.sqlite").is_file()
