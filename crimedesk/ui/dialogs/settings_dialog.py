"""Settings: which store to open (SQLite file or PostgreSQL URL), with a connection test, and the
other settings in one place (basemap, distance units, idle lock: crimedesk.ui.dialogs.preferences_form;
a PostgreSQL store's idle-lock limit is shown there and a longer time refused).
Given the open store, each change is recorded in its audit trail (crimedesk.auth.settings_audit):
the setting, its old and new value, never a password.

The URL is saved in settings.json without its password; the password (typed in its field or
inside the URL) goes to the OS keyring under ``secret_account(url)``, where
:func:`crimedesk.storage.engine.resolve_url` finds it. Without a keyring it is kept until
crimedesk closes and asked for at the next start (:func:`ask_password`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from crimedesk.auth.settings_audit import save_audited
from crimedesk.auth.store_settings import IDLE_LOCK_MAX, store_setting
from crimedesk.auth.user import User
from crimedesk.config.secrets import keep_password, keyring_available, secret_account, split_password
from crimedesk.config.settings import Settings, load_settings, update_settings
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.engine import resolve_url
from crimedesk.ui.dialogs.preferences_form import PreferencesForm
from crimedesk.ui.runtime.workers import submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.plain_text import PlainLabel

KEYRING_NOTE = "Password (kept in the keyring)"
NO_KEYRING_NOTE = "Password (no keyring here: kept until crimedesk closes, then asked for)"


def probe_connection(url: URL) -> str:
    """Connect once and return the server version text (raises on failure)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.get_backend_name() == "sqlite":
                return "SQLite " + conn.execute(text("select sqlite_version()")).scalar_one()
            return conn.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()


def ask_password(store: str, reason: str, parent: QWidget | None = None) -> str | None:
    """A password dialog (``make_engine``'s ``ask_password``); None when cancelled."""
    password, ok = QInputDialog.getText(
        parent, "Store password", f"{reason}:\n{store}", QLineEdit.EchoMode.Password
    )
    return password if ok and password else None


class SettingsDialog(QDialog):
    saved = Signal(object)  # the Settings as saved

    def __init__(
        self,
        settings_file: Path,
        current_url: str,
        parent: QWidget | None = None,
        engine: Engine | None = None,
        user: User | None = None,
    ) -> None:
        """``engine``: the open store, whose audit trail records the changes (``user``'s)."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings_file, self.engine, self.user = settings_file, engine, user
        settings = load_settings(settings_file)
        url = split_password(settings.store_url or current_url)[0]
        self.preferences = PreferencesForm()
        if engine is not None and engine.dialect.name == "postgresql":
            self.preferences.set_store_limit(store_setting(engine, IDLE_LOCK_MAX))
        self.preferences.show_settings(settings)
        self.idle_minutes = self.preferences.idle_minutes
        self.sqlite, self.postgres = QRadioButton("SQLite file"), QRadioButton("PostgreSQL server")
        group = QButtonGroup(self)
        group.addButton(self.sqlite)
        group.addButton(self.postgres)
        is_sqlite = url.get_backend_name() == "sqlite"
        self.sqlite_path = QLineEdit((url.database or "") if is_sqlite else "")
        self.browse = QPushButton("Browse…")
        self.pg_url = QLineEdit("" if is_sqlite else url.render_as_string(hide_password=False))
        self.pg_url.setPlaceholderText("postgresql+psycopg://user@host:5432/crimedesk")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label = QLabel(KEYRING_NOTE if keyring_available() else NO_KEYRING_NOTE)
        self.test = QPushButton("Test connection")
        self.message = PlainLabel()  # server errors quote what the server sent
        self.message.setWordWrap(True)
        self._layout()
        self.test.clicked.connect(self.run_test)
        self.browse.clicked.connect(self.choose_sqlite_file)
        self.sqlite.toggled.connect(self._show_backend)
        self.sqlite.setChecked(is_sqlite)
        self.postgres.setChecked(not is_sqlite)
        self._show_backend()

    def _layout(self) -> None:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        sqlite_row = QHBoxLayout()
        sqlite_row.addWidget(self.sqlite_path)
        sqlite_row.addWidget(self.browse)
        form = QFormLayout(self)
        form.addRow(self.sqlite, sqlite_row)
        form.addRow(self.postgres, self.pg_url)
        form.addRow(self.password_label, self.password)
        form.addRow(self.test, self.message)
        form.addRow(QLabel("A new store takes effect when crimedesk starts again."))
        form.addRow(self.preferences)
        form.addRow(buttons)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def _show_backend(self) -> None:
        """Only the chosen backend's fields are editable; a SQLite file has no password."""
        sqlite = self.sqlite.isChecked()
        self.sqlite_path.setEnabled(sqlite)
        self.browse.setEnabled(sqlite)
        self.pg_url.setEnabled(not sqlite)
        self.password.setVisible(not sqlite)
        self.password_label.setVisible(not sqlite)

    def choose_sqlite_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "SQLite store",
            self.sqlite_path.text(),
            "SQLite stores (*.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if name:
            self.sqlite_path.setText(name)

    def chosen(self) -> tuple[URL, str | None]:
        """The URL as entered, without a password, and the password (its field, else the URL's)."""
        if self.sqlite.isChecked():
            path = self.sqlite_path.text().strip()
            if not path:
                raise ValueError("choose the SQLite file (Browse…)")
            return make_url(f"sqlite:///{Path(path).expanduser().resolve()}"), None
        url, in_url = split_password(self.pg_url.text().strip())
        return url, self.password.text() or in_url

    def run_test(self) -> None:
        try:
            url, password = self.chosen()
        except ValueError as exc:
            self.message.setText(f"⚠ {exc}")
            return
        resolved = resolve_url(url.set(password=password) if password else url)
        self.message.setText("Connecting…")

        def task(_progress: Any, _cancel: Any) -> str:
            return probe_connection(resolved)

        submit(task, finished=self._tested, failed=self._test_failed)

    @Slot(object)
    def _tested(self, version: str) -> None:
        self.message.setText(f"✔ Connected: {version}")

    @Slot(object)
    def _test_failed(self, exc: Exception) -> None:
        reason = getattr(exc, "orig", None) or exc  # the driver's own words, not SQLAlchemy's wrapper
        self.message.setText(f"⚠ {error_sentence('could not connect to the store', reason)}")

    def save(self) -> None:
        """Save the URL without password; the password goes to the keyring (or this session)."""
        try:
            url, password = self.chosen()
            if password:
                keep_password(secret_account(url), password)

            def set_all(settings: Settings) -> None:
                settings.store_url = url.render_as_string(hide_password=False)
                self.preferences.apply_to(settings)

            if self.engine is None:
                update_settings(set_all, self.settings_file)
            else:
                save_audited(self.engine, self.settings_file, set_all, user=self.user)
            saved = load_settings(self.settings_file)
        except (ValueError, CrimedeskError) as exc:
            self.message.setText(f"⚠ {exc}")
            return
        self.saved.emit(saved)
        self.accept()
