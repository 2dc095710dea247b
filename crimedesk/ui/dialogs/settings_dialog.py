"""Settings: which store to open (SQLite file or PostgreSQL URL), with a connection test.

The URL is saved without its password; the password goes to the OS keyring under
``secret_account(url)``, where :func:`crimedesk.storage.engine.resolve_url` finds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyring.errors import KeyringError
from PySide6.QtCore import QSettings, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from crimedesk.config.secrets import set_secret
from crimedesk.storage.engine import resolve_url, secret_account
from crimedesk.ui.runtime.workers import submit
from crimedesk.ui.widgets.plain_text import PlainLabel

URL_KEY = "store/url"


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


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, current_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        url = make_url(str(settings.value(URL_KEY) or current_url))
        self.sqlite, self.postgres = QRadioButton("SQLite file"), QRadioButton("PostgreSQL server")
        group = QButtonGroup(self)
        group.addButton(self.sqlite)
        group.addButton(self.postgres)
        is_sqlite = url.get_backend_name() == "sqlite"
        self.sqlite.setChecked(is_sqlite)
        self.postgres.setChecked(not is_sqlite)
        self.sqlite_path = QLineEdit((url.database or "") if is_sqlite else "")
        self.pg_url = QLineEdit("" if is_sqlite else url.set(password=None).render_as_string())
        self.pg_url.setPlaceholderText("postgresql+psycopg://user@host:5432/crimedesk")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test = QPushButton("Test connection")
        self.result = PlainLabel()  # server errors quote what the server sent
        self.result.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow(self.sqlite, self.sqlite_path)
        form.addRow(self.postgres, self.pg_url)
        form.addRow("Password (kept in the keyring)", self.password)
        form.addRow(self.test, self.result)
        form.addRow(QLabel("A new store takes effect when crimedesk starts again."))
        form.addRow(buttons)
        self.test.clicked.connect(self.run_test)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

    def chosen_url(self) -> URL:
        """The URL as entered, without a password."""
        if self.sqlite.isChecked():
            return make_url(f"sqlite:///{Path(self.sqlite_path.text().strip()).expanduser()}")
        return make_url(self.pg_url.text().strip())

    def run_test(self) -> None:
        url = self.chosen_url()
        if self.password.text():
            url = url.set(password=self.password.text())
        resolved = resolve_url(url)
        self.result.setText("Connecting…")

        def task(_progress: Any, _cancel: Any) -> str:
            return probe_connection(resolved)

        submit(task, finished=self._tested, failed=self._test_failed)

    @Slot(object)
    def _tested(self, version: str) -> None:
        self.result.setText(f"✔ Connected: {version}")

    @Slot(object)
    def _test_failed(self, exc: Exception) -> None:
        self.result.setText(f"⚠ {type(exc).__name__}: {exc}")

    def save(self) -> None:
        url = self.chosen_url()
        if self.postgres.isChecked() and self.password.text():
            try:
                set_secret(secret_account(url), self.password.text())
            except KeyringError as exc:
                self.result.setText(f"⚠ No keyring to keep the password ({exc}); it will be asked for.")
                return
        self.settings.setValue(URL_KEY, url.render_as_string(hide_password=False))
        self.settings.sync()
        self.accept()
