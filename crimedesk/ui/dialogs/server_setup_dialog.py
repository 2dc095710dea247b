"""Set up a PostgreSQL server for crimedesk: the dialog form of ``crimedesk server setup``.

The superuser's name and password are typed once and used for this set-up only: they are never
saved, and the password fields are emptied when the set-up ends. The work runs on a worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPushButton, QWidget
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from crimedesk.auth.login import refusal_reason
from crimedesk.auth.setup import SetupResult, setup_server
from crimedesk.ui.runtime.workers import Job, submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.plain_text import PlainLabel

PLACEHOLDER = "postgresql+psycopg://postgres@host:5432/crimedesk"


class ServerSetupDialog(QDialog):
    def __init__(self, database_url: str = "", parent: QWidget | None = None) -> None:
        """``database_url``: the database to set up, without user or password (may be empty)."""
        super().__init__(parent)
        self.setWindowTitle("Set up a PostgreSQL server for crimedesk")
        self.setMinimumWidth(560)
        self.url_edit = QLineEdit(database_url)
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.superuser_edit, self.superuser_password = QLineEdit("postgres"), QLineEdit()
        self.admin_edit, self.full_name_edit = QLineEdit(), QLineEdit()
        self.admin_password, self.admin_again = QLineEdit(), QLineEdit()
        for edit in (self.superuser_password, self.admin_password, self.admin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.run_button = QPushButton("Set up")
        self.message = PlainLabel("The superuser's password is used for this set-up only, never saved.")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing())
        self.job: Job | None = None
        self._layout()
        self.run_button.clicked.connect(self.run_setup)

    def _layout(self) -> None:
        form = QFormLayout(self)
        for label, widget in (
            ("Database", self.url_edit),
            ("Superuser", self.superuser_edit),
            ("Superuser password", self.superuser_password),
            ("First admin (login name)", self.admin_edit),
            ("Admin's full name", self.full_name_edit),
            ("Admin's password", self.admin_password),
            ("Admin's password again", self.admin_again),
        ):
            form.addRow(label, widget)
        form.addRow(self.run_button)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def superuser_url(self) -> URL:
        """The database as the superuser, with the typed password (raises ValueError with a sentence)."""
        try:
            url = make_url(self.url_edit.text().strip())
        except ArgumentError:
            raise ValueError(f"enter the database as a URL, like {PLACEHOLDER}") from None
        if url.get_backend_name() != "postgresql" or not url.database:
            raise ValueError(f"enter a PostgreSQL database, like {PLACEHOLDER}")
        password = self.superuser_password.text() or None
        return url.set(username=self.superuser_edit.text().strip() or None, password=password)

    def _admin(self) -> tuple[str | None, str | None]:
        name = self.admin_edit.text().strip() or None
        if name and self.admin_password.text() != self.admin_again.text():
            raise ValueError("the admin's two passwords differ")
        return name, self.admin_password.text() or None

    def run_setup(self) -> None:
        try:
            url, (admin, password) = self.superuser_url(), self._admin()
        except ValueError as exc:
            self.message.setText(f"⚠ {exc}")
            return
        full_name = self.full_name_edit.text().strip()
        self.run_button.setEnabled(False)
        self.message.setText(f"Setting up {url.database}…")

        def task(_progress: Any, _cancel: Any) -> SetupResult:
            return setup_server(url, admin, password, full_name=full_name)

        self.job = submit(task, finished=self._done, failed=self._failed)

    def _forget_passwords(self) -> None:
        for edit in (self.superuser_password, self.admin_password, self.admin_again):
            edit.clear()
        self.run_button.setEnabled(True)
        self.job = None

    @Slot(object)
    def _done(self, result: SetupResult) -> None:
        self._forget_passwords()
        admin = self.admin_edit.text().strip()
        made = f" The first admin, {admin}, can now log in." if result.admin_created else ""
        self.message.setText(f"✔ {result.database} is set up for crimedesk.{made}")

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self._forget_passwords()
        reason = refusal_reason(str(exc.orig)) if isinstance(exc, DBAPIError) else exc
        self.message.setText(f"⚠ {error_sentence('the server was not set up', reason)}")
