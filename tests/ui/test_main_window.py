import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import text

from crimedesk.ui.app import prepare_webengine_env
from crimedesk.ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "crimedesk.ini"), QSettings.Format.IniFormat)


def open_workspace(qtbot, engine, settings) -> Workspace:
    workspace = Workspace(engine, settings)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    qtbot.waitExposed(workspace.window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def test_empty_store_shows_welcome_with_actions(qtbot, sqlite_store, settings, artifacts):
    workspace = open_workspace(qtbot, sqlite_store, settings)
    window = workspace.window
    assert window.stack.currentWidget() is workspace.welcome
    assert workspace.welcome.import_button.text() == "Import incidents…"
    assert workspace.welcome.boundaries_button.isVisible()
    assert "SQLite" in window.store_label.text()
    qtbot.wait(50)
    assert window.grab().save(str(artifacts / "welcome.png"))


def test_workspace_on_chicago_data(qtbot, chicago_sample_store, settings):
    workspace = open_workspace(qtbot, chicago_sample_store, settings)
    window, state = workspace.window, workspace.state
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        *("Dashboard", "UCR", "Map", "Data", "Models", "Reports")
    ]
    assert window.stack.currentWidget() is window.tabs
    # the default preset is anchored to the newest incident day, not to today
    assert (state.preset, state.date_from, state.date_to) == ("last_28", date(2016, 12, 7), date(2017, 1, 3))
    qtbot.waitUntil(workspace.dashboard.is_current, timeout=15_000)
    qtbot.waitUntil(lambda: "match" in window.counts_label.text(), timeout=10_000)
    assert window.counts_label.text() == "2,426 of 2,426 incidents match the filters"
    assert window.dataset_label.text() == "Dataset: chicago · 2,426 incidents"

    refreshes = workspace.dashboard.refreshes
    workspace.filter_panel.categories["drug"].click()
    assert workspace.dashboard.refreshes == refreshes + 1  # one refresh per change
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("78 of"), timeout=10_000)


def test_an_incident_clicked_on_the_map_shows_in_the_data_pane(qtbot, chicago_sample_store, settings):
    workspace = open_workspace(qtbot, chicago_sample_store, settings)
    with chicago_sample_store.connect() as conn:
        incident_id, key = conn.execute(
            text("select id, source_key from incidents order by id desc limit 1")
        ).one()
    workspace.map.bridge.incidentClicked(incident_id)  # what the page calls on a click
    assert workspace.selection.ids == (incident_id,)
    details = workspace.data.details
    qtbot.waitUntil(lambda: f"Incident {incident_id}" in details.toPlainText(), timeout=10_000)
    assert f"source_key\n{key}\n" in details.toPlainText()


def test_filters_and_layout_persist(qtbot, chicago_sample_store, settings):
    first = open_workspace(qtbot, chicago_sample_store, settings)
    first.state.update(categories={"violent"}, text="STATE")
    first.window.close()
    assert settings.value("window/geometry") is not None

    second = open_workspace(qtbot, chicago_sample_store, settings)
    assert second.state.categories == {"violent"} and second.state.text == "STATE"
    assert second.filter_panel.categories["violent"].isChecked()
    assert second.state.preset == "last_28"


def test_unreadable_saved_filters_are_reported(qtbot, sqlite_store, settings):
    settings.setValue("filters", '{"colour": "red"}')
    workspace = Workspace(sqlite_store, settings)
    qtbot.addWidget(workspace.window)
    assert "could not be read" in workspace.window.message_label.text()


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
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("QTWEBENGINE_CHROMIUM_FLAGS", None)
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = subprocess.run(
        [sys.executable, "main.py", "--db", db, "--quit-after-ms", "1500"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.sqlite").is_file()
    assert "Traceback" not in result.stderr


def test_first_paint_is_reported_and_the_app_closes(tmp_path):
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    result = subprocess.run(
        [sys.executable, "main.py", "--db", db, "--report-first-paint"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "first paint"
