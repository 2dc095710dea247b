import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.config.secrets import get_secret
from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.dialogs.settings_dialog import NO_KEYRING_NOTE, SettingsDialog, ask_password
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
    assert dialog.import_result is blocker.args[0]
    counts = blocker.args[0].counts
    assert (counts.rows_read, counts.inserted, counts.rejected) == (30, 28, 2)
    assert count(sqlite_store) == 28
    text = dialog.message.text()
    assert "30 rows read = 28 inserted" in text and "line 3:" in text and "line 5:" in text
    assert dialog.progress.value() == 1000 and dialog.cancel.text() == "Close"
    dialog.grab().save(str(artifacts / "import_dialog.png"))


def test_import_dialog_keeps_the_dialog_result_code(qtbot, sqlite_store):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.cancel.click()  # no import running: closes the dialog
    assert dialog.result() == QDialog.DialogCode.Rejected


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


PG = "postgresql+psycopg://analyst@db.example:5433/crimes"
PASSWORD = "Dlg-s3cret-71"


def settings_dialog(qtbot, settings_file, current_url: str) -> SettingsDialog:
    dialog = SettingsDialog(settings_file, current_url)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_dialog_shows_the_saved_store(qtbot, settings_file, tmp_path):
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert dialog.sqlite.isChecked() and dialog.sqlite_path.text().endswith("a.sqlite")
    assert dialog.browse.isEnabled() and not dialog.password.isVisible()  # no password for a file
    dialog.run_test()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("✔ Connected: SQLite"), timeout=10_000)

    save_settings(Settings(store_url=PG), settings_file)
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert dialog.postgres.isChecked() and dialog.pg_url.text() == PG
    assert dialog.password.isVisible() and not dialog.browse.isEnabled()
    dialog.sqlite.click()
    assert not dialog.password.isVisible() and dialog.sqlite_path.isEnabled()


def test_browse_picks_the_sqlite_file_and_an_empty_one_is_refused(
    qtbot, settings_file, tmp_path, monkeypatch
):
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    chosen = str(tmp_path / "picked.sqlite")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (chosen, ""))
    dialog.browse.click()
    assert dialog.sqlite_path.text() == chosen
    dialog.save()
    assert load_settings(settings_file).store_url == f"sqlite:///{chosen}"
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    dialog.sqlite_path.setText("  ")
    dialog.save()
    assert dialog.message.text() == "⚠ choose the SQLite file (Browse…)" and dialog.isVisible()
    assert load_settings(settings_file).store_url == f"sqlite:///{chosen}"


def test_settings_dialog_saves_the_url_and_the_password_in_the_keyring(qtbot, settings_file, tmp_path):
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    dialog.postgres.click()
    dialog.pg_url.setText(PG)
    dialog.password.setText(PASSWORD)
    dialog.save()
    assert load_settings(settings_file).store_url == PG
    assert get_secret("analyst@db.example:5433/crimes") == PASSWORD
    assert PASSWORD not in settings_file.read_text()


def test_a_password_typed_in_the_url_goes_to_the_keyring(qtbot, settings_file, tmp_path):
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'a.sqlite'}")
    dialog.postgres.click()
    dialog.pg_url.setText(f"postgresql+psycopg://typist:{PASSWORD}@db.example/crimes")
    dialog.save()
    assert PASSWORD not in settings_file.read_text()
    assert load_settings(settings_file).store_url == "postgresql+psycopg://typist@db.example/crimes"
    assert get_secret("typist@db.example:5432/crimes") == PASSWORD


def test_saving_unchanged_keeps_the_real_password(qtbot, settings_file):
    """The store's URL holds the keyring's password; the dialog shows it masked and saving it
    unchanged must neither store '***' in the file nor replace the keyring's password with it."""
    url = make_url(PG).set(password=PASSWORD)
    dialog = settings_dialog(qtbot, settings_file, url.render_as_string())  # as the workspace had it
    dialog.save()
    assert load_settings(settings_file).store_url == PG
    assert "***" not in settings_file.read_text()


def test_without_a_keyring_the_dialog_says_the_password_is_asked_for(qtbot, settings_file, tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        dialog = settings_dialog(qtbot, settings_file, PG)
        assert dialog.password_label.text() == NO_KEYRING_NOTE
        dialog.password.setText(PASSWORD)
        dialog.save()
        assert get_secret("analyst@db.example:5433/crimes") == PASSWORD  # this session only
    finally:
        keyring.set_keyring(previous)
    assert PASSWORD not in settings_file.read_text()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_cli_opens_the_store_the_dialog_saved(
    qtbot, settings_file, tmp_path, chicago_sample, backend, request
):
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'chosen.sqlite'}")
    else:
        engine = request.getfixturevalue("pg_store")
    import_file(engine, chicago_sample)
    dialog = settings_dialog(qtbot, settings_file, f"sqlite:///{tmp_path / 'default.sqlite'}")
    if backend == "sqlite":
        dialog.sqlite_path.setText(str(tmp_path / "chosen.sqlite"))
    else:
        dialog.postgres.click()
        dialog.pg_url.setText(engine.url.render_as_string())  # password-less: the server trusts us
    dialog.save()
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert "incidents: 2,426" in result.output


def test_the_password_dialog_is_masked_and_can_be_cancelled(qtbot):
    """What the app passes to make_engine as ask_password."""

    def type_password() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QInputDialog)
        assert box.textEchoMode() == box.textEchoMode().Password
        assert "the server asks for a password" in box.labelText() and "db.example" in box.labelText()
        box.setTextValue(PASSWORD)
        box.accept()

    QTimer.singleShot(200, type_password)
    assert (
        ask_password("postgresql+psycopg://analyst@db.example/crimes", "the server asks for a password")
        == PASSWORD
    )
    QTimer.singleShot(200, lambda: QApplication.activeModalWidget().reject())
    assert (
        ask_password("postgresql+psycopg://analyst@db.example/crimes", "the server asks for a password")
        is None
    )


def test_a_failed_connection_test_is_a_sentence(qtbot, settings_file):
    """Errors are sentences (issue 14 item 5): no exception class, no SQLAlchemy help link."""
    closed = "postgresql+psycopg://analyst@127.0.0.1:9/crimes"  # nothing listens on port 9
    dialog = settings_dialog(qtbot, settings_file, closed)
    dialog.run_test()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("⚠"), timeout=20_000)
    text = dialog.message.text()
    assert text.startswith("⚠ Could not connect to the store: "), text
    assert "Error" not in text and "sqlalche.me" not in text and "(psycopg" not in text, text
    assert "127.0.0.1" in text and "9" in text  # the server's own reason names where it tried
