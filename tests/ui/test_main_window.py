import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import text

from crimedesk.config.secrets import get_secret
from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.ui.app import prepare_webengine_env
from crimedesk.ui.runtime.legacy_settings import migrate_legacy_settings
from crimedesk.ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path) -> Path:
    return tmp_path / "config" / "settings.json"


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
        *("Dashboard", "UCR", "Map", "Data", "Models", "Reports", "Feeds")
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
        incident_id, case = conn.execute(
            text("select id, case_number from incidents order by id desc limit 1")
        ).one()
    workspace.map.bridge.incidentClicked(incident_id)  # what the page calls on a click
    assert workspace.selection.ids == (incident_id,)
    details = workspace.data.details
    qtbot.waitUntil(lambda: details.toPlainText().startswith(f"Case {case}"), timeout=10_000)
    assert f"Case number\n{case}\n" in details.toPlainText()


def test_filters_and_layout_persist(qtbot, chicago_sample_store, settings):
    first = open_workspace(qtbot, chicago_sample_store, settings)
    first.state.update(categories={"violent"}, text="STATE")
    first.window.close()
    saved = load_settings(settings)
    assert saved.window.geometry and saved.window.state
    assert saved.filters is not None and saved.filters["categories"] == ["violent"]

    second = open_workspace(qtbot, chicago_sample_store, settings)
    assert second.state.categories == {"violent"} and second.state.text == "STATE"
    assert second.filter_panel.categories["violent"].isChecked()
    assert second.state.preset == "last_28"


def test_unreadable_saved_filters_are_reported(qtbot, sqlite_store, settings):
    save_settings(Settings(filters={"colour": "red"}), settings)
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


def test_settings_chosen_in_the_workspace_survive_its_close_and_reach_the_cli(
    qtbot, sqlite_store, settings, tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from crimedesk.cli import app

    workspace = open_workspace(qtbot, sqlite_store, settings)
    dialog = workspace.open_settings()
    assert dialog.sqlite.isChecked() and dialog.sqlite_path.text() == sqlite_store.url.database
    dialog.sqlite_path.setText(str(tmp_path / "next.sqlite"))
    dialog.save()
    workspace.window.close()  # saves the layout and filters: the store chosen must stay
    assert load_settings(settings).store_url == f"sqlite:///{tmp_path / 'next.sqlite'}"
    assert load_settings(settings).window.geometry
    monkeypatch.setenv("CRIMEDESK_SETTINGS", str(settings))
    monkeypatch.delenv("CRIMEDESK_DB", raising=False)
    assert "(settings)" in CliRunner().invoke(app, ["store", "show"]).output
    assert CliRunner().invoke(app, ["stats"]).exit_code == 0
    assert (tmp_path / "next.sqlite").is_file()  # the CLI opened the store the dialog chose


def test_the_old_qsettings_move_into_the_settings_file_once(tmp_path, settings):
    legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
    legacy.setValue("store/url", "postgresql+psycopg://analyst:Old-Pw-3@db.example/crimes")
    legacy.setValue("window/geometry", b"\x01\x02\x03")
    legacy.setValue("filters", '{"categories": ["drug"]}')
    legacy.setValue("map/zoom", 14)
    legacy.sync()
    assert migrate_legacy_settings(settings, legacy) is None
    saved = load_settings(settings)
    assert saved.store_url == "postgresql+psycopg://analyst@db.example/crimes"
    assert (saved.filters, saved.map.zoom) == ({"categories": ["drug"]}, 14)
    assert get_secret("analyst@db.example:5432/crimes") == "Old-Pw-3"
    assert legacy.allKeys() == []  # QSettings no longer used, the old plain-text password gone
    assert "Old-Pw-3" not in (tmp_path / "legacy.ini").read_text() + settings.read_text()
    legacy.setValue("map/zoom", 3)
    assert migrate_legacy_settings(settings, legacy) is None
    assert load_settings(settings).map.zoom == 14  # once: the file, once written, wins


def test_unreadable_old_qsettings_are_reported_and_kept(tmp_path, settings):
    legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
    legacy.setValue("filters", "{broken")
    message = migrate_legacy_settings(settings, legacy)
    assert message is not None and "previous version cannot be read" in message
    assert load_settings(settings) == Settings() and legacy.value("filters") == "{broken"


def test_main_refuses_a_password_in_db(tmp_path):
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run(
        [sys.executable, "main.py", "--db", "postgresql://analyst:Pw-on-cmdline@db.example/crimes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "process list" in result.stderr and "Pw-on-cmdline" not in result.stderr


def test_main_opens_the_store_saved_in_the_settings(tmp_path):
    saved = tmp_path / "saved.sqlite"
    config = tmp_path / "config"
    save_settings(Settings(store_url=f"sqlite:///{saved}"), config / "crimedesk" / "settings.json")
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config)}
    env.pop("CRIMEDESK_DB", None)
    env.pop("CRIMEDESK_SETTINGS", None)
    result = subprocess.run(
        [sys.executable, "main.py", "--quit-after-ms", "1000"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert saved.is_file()  # created and migrated: the app opened it
    assert load_settings(config / "crimedesk" / "settings.json").window.geometry  # and saved its layout


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
