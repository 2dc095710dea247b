"""The Settings dialog's other settings (basemap, distance units, idle lock) both ways: saved
settings shown in the form, the form's choices saved; and the map follows the saved units."""

from PySide6.QtWidgets import QFileDialog

from crimedesk.config.settings import MapPreferences, Settings, load_settings, save_settings
from crimedesk.ui.dialogs.settings_dialog import SettingsDialog
from crimedesk.ui.workspace import Workspace
from tests.mbtiles import make_mbtiles
from tests.ui.panes.map.mapjs import js, wait_js


def _dialog(qtbot, settings_file, tmp_path) -> SettingsDialog:
    dialog = SettingsDialog(settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_saved_preferences_are_shown(qtbot, settings_file, tmp_path):
    tiles = make_mbtiles(tmp_path / "city.mbtiles", {(0, 0, 0): b"png"})
    prefs = MapPreferences(basemap="mbtiles", mbtiles=str(tiles), units="ft")
    save_settings(Settings(map=prefs, idle_lock_minutes=30), settings_file)
    dialog = _dialog(qtbot, settings_file, tmp_path)
    form = dialog.preferences
    assert (form.basemap.currentData(), form.mbtiles.text(), form.units.currentData()) == (
        "mbtiles",
        str(tiles),
        "ft",
    )
    assert form.idle_minutes.value() == 30 and form.mbtiles.isEnabled()
    form.basemap.setCurrentIndex(form.basemap.findData("none"))
    assert not form.mbtiles.isEnabled() and not form.browse_mbtiles.isEnabled()


def test_chosen_preferences_are_saved(qtbot, settings_file, tmp_path, monkeypatch):
    dialog = _dialog(qtbot, settings_file, tmp_path)
    form = dialog.preferences
    assert (form.basemap.currentData(), form.units.currentData(), form.idle_minutes.text()) == (
        "none",
        "m",
        "15 min",
    )
    form.basemap.setCurrentIndex(form.basemap.findData("mbtiles"))
    dialog.save()  # no file chosen: said in a sentence, nothing saved
    assert dialog.message.text().startswith("⚠ choose an existing MBTiles file") and dialog.isVisible()
    assert load_settings(settings_file).map.basemap == "none"
    tiles = make_mbtiles(tmp_path / "city.mbtiles", {(0, 0, 0): b"png"})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tiles), ""))
    form.browse_mbtiles.click()
    form.units.setCurrentIndex(form.units.findData("ft"))
    form.idle_minutes.setValue(0)
    assert form.idle_minutes.text() == "never"
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    stored = load_settings(settings_file)
    assert (stored.map.basemap, stored.map.mbtiles, stored.map.units) == ("mbtiles", str(tiles), "ft")
    assert stored.idle_lock_minutes == 0 and saved.args[0].map.units == "ft"
    assert stored.store_url == f"sqlite:///{tmp_path / 'a.sqlite'}" and not dialog.isVisible()


def test_the_map_takes_the_saved_units(qtbot, chicago_sample_store, settings_file, tmp_path):
    workspace = Workspace(chicago_sample_store, settings_file)
    qtbot.addWidget(workspace.window)
    workspace.window.resize(1366, 768)
    workspace.window.show()
    workspace.window.tabs.setCurrentWidget(workspace.map)
    qtbot.waitUntil(lambda: workspace.map.page_ready, timeout=20_000)
    scale = "document.querySelector('.leaflet-control-scale').textContent"
    assert js(qtbot, workspace.map, scale).endswith("m") and "mi" not in js(qtbot, workspace.map, scale)
    dialog = workspace.open_settings()
    dialog.resize(640, dialog.sizeHint().height())
    dialog.grab().save("/tmp/settings_dialog.png")
    dialog.preferences.units.setCurrentIndex(dialog.preferences.units.findData("ft"))
    dialog.save()
    qtbot.waitUntil(lambda: workspace.map.page_ready, timeout=20_000)
    line = "document.querySelector('.leaflet-control-scale-line').textContent"
    wait_js(qtbot, workspace.map, f"{line}.endsWith('mi') || {line}.endsWith('ft')")
    assert js(qtbot, workspace.map, "document.querySelectorAll('.leaflet-control-scale-line').length") == 1
    workspace.window.grab().save("/tmp/map_units_ft.png")
