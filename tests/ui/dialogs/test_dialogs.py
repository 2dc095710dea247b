from PySide6.QtCore import QSettings

from crimedesk.config.secrets import get_secret
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import layer_names
from crimedesk.storage.schema import boundaries, incident_regions
from crimedesk.ui.dialogs.boundary_dialog import BoundaryDialog
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.dialogs.settings_dialog import URL_KEY, SettingsDialog
from tests.ingest.helpers import count


def test_import_dialog_detects_imports_and_reports_counts(qtbot, sqlite_store, bad_chicago, artifacts):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(bad_chicago)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    assert "Chicago" in dialog.detected.text()
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as blocker:
        dialog.start.click()
    counts = blocker.args[0].counts
    assert (counts.rows_read, counts.inserted, counts.rejected) == (30, 28, 2)
    assert count(sqlite_store) == 28
    text = dialog.message.text()
    assert "30 rows read = 28 inserted" in text and "line 3:" in text and "line 5:" in text
    assert dialog.progress.value() == 1000 and dialog.cancel.text() == "Close"
    dialog.grab().save(str(artifacts / "import_dialog.png"))


def test_import_dialog_names_a_bad_file(qtbot, sqlite_store, tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("")
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(bad)
    qtbot.waitUntil(lambda: "⚠" in dialog.detected.text(), timeout=10_000)
    assert "empty" in dialog.detected.text()
    assert not dialog.start.isEnabled()


def test_cancel_leaves_the_store_unchanged(qtbot, sqlite_store, chicago_full):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(chicago_full)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=20_000)
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=20_000)
    dialog.cancel.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert dialog.message.text() == "Cancelled; the store is unchanged."
    assert count(sqlite_store) == 0


def test_settings_save_url_and_password_in_keyring(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = SettingsDialog(settings, f"sqlite:///{tmp_path / 'a.sqlite'}")
    qtbot.addWidget(dialog)
    assert dialog.sqlite.isChecked() and dialog.sqlite_path.text().endswith("a.sqlite")
    dialog.run_test()
    qtbot.waitUntil(lambda: dialog.result.text().startswith("✔ Connected: SQLite"), timeout=10_000)

    dialog.postgres.setChecked(True)
    dialog.pg_url.setText("postgresql+psycopg://analyst@db.example:5433/crimes")
    dialog.password.setText("s3cret")
    dialog.save()
    assert settings.value(URL_KEY) == "postgresql+psycopg://analyst@db.example:5433/crimes"
    assert get_secret("analyst@db.example:5433/crimes") == "s3cret"


def _boundary_dialog(qtbot, store, data_dir, id_field):
    dialog = BoundaryDialog(store)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(data_dir / "chicago_police_districts_2012.geojson"))
    dialog.layer_name.setText("districts")
    dialog.id_field.setText(id_field)
    dialog.name_field.setText("DIST_LABEL")
    dialog.incident_field.setCurrentIndex(dialog.incident_field.findData("district"))
    return dialog


def test_boundary_dialog_loads_a_layer_in_a_child_process(qtbot, sqlite_store, chicago_sample, data_dir):
    import_file(sqlite_store, chicago_sample)
    dialog = _boundary_dialog(qtbot, sqlite_store, data_dir, "DIST_NUM")
    with qtbot.waitSignal(dialog.loaded, timeout=60_000) as blocker:
        dialog.start.click()
    assert blocker.args[0].regions == 23 and dialog.cancel.text() == "Close"
    with sqlite_store.connect() as conn:
        assert [name for _id, name in layer_names(conn)] == ["districts"]
    assert count(sqlite_store, incident_regions) > 2000


def test_boundary_dialog_names_a_missing_field(qtbot, sqlite_store, data_dir):
    dialog = _boundary_dialog(qtbot, sqlite_store, data_dir, "NOPE")
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert dialog.message.text().startswith("⚠") and "NOPE" in dialog.message.text()
    assert count(sqlite_store, boundaries) == 0
