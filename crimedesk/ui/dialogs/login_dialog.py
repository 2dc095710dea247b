"""Log in to a PostgreSQL store: user name (remembered in the store URL), password (from the
keyring only if the user asked to keep it there), and a clear sentence when the server refuses.

Refused attempts are recorded in the audit trail by the next login that succeeds (auth.login).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from crimedesk.auth.login import LoginAttempts, LoginRefused, kept_attempts, log_in
from crimedesk.config.secrets import get_secret, keep_password, secret_account
from crimedesk.config.settings import Settings, update_settings
from crimedesk.ui.widgets.plain_text import PlainLabel


class LoginDialog(QDialog):
    def __init__(
        self,
        store: URL,
        attempts: LoginAttempts | None = None,
        *,
        lock: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``store``: the server and database (its user name, if any, is offered). ``lock``: unlock
        an idle session (the user name is fixed)."""
        super().__init__(parent)
        self.store = store.set(password=None)
        self.attempts = attempts if attempts is not None else LoginAttempts()
        self.engine: Engine | None = None
        self.setWindowTitle("crimedesk — locked" if lock else "crimedesk — log in")
        where = f"{store.host or 'localhost'}:{store.port or 5432}/{store.database}"
        self.server_label = PlainLabel(f"PostgreSQL store {where}")
        self.user_edit = QLineEdit(store.username or "")
        self.user_edit.setReadOnly(lock)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_box = QCheckBox("Keep the password in this computer's keyring")
        self.error_label = PlainLabel()
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock" if lock else "Log in")
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(480)
        self._layout()
        self._fill_saved_password()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("User name", self.user_edit)
        form.addRow("Password", self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.server_label)
        layout.addLayout(form)
        layout.addWidget(self.keep_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def _fill_saved_password(self) -> None:
        if self.user_edit.text():
            saved = get_secret(secret_account(self._url()))
            if saved:
                self.password_edit.setText(saved)

    def _url(self) -> URL:
        return self.store.set(username=self.user_edit.text().strip() or None)

    def try_login(self) -> None:
        """Connect as the user typed; stay open with the server's reason when it refuses."""
        url = self._url()
        if not url.username:
            self.error_label.setText("Type your user name.")
            return
        password = self.password_edit.text()
        try:
            self.engine = log_in(url.set(password=password or None), self.attempts)
        except LoginRefused as exc:
            self.error_label.setText(f"{exc}. Nothing was opened; try again.")
            self.adjustSize()
            self.password_edit.selectAll()
            return
        if password and self.keep_box.isChecked():
            keep_password(secret_account(url), password)
        self.accept()

    @property
    def user_url(self) -> URL:
        """The store URL with the user name that logged in (no password): what to remember."""
        return self._url()


def log_in_dialog(store: URL, *, remember: bool, settings_file: Path | None = None) -> Engine | None:
    """Ask until the server lets the user in (the engine) or the user gives up (None). With
    ``remember`` the user name that logged in becomes the saved store URL's."""
    dialog = LoginDialog(store, kept_attempts(store, settings_file))
    if not dialog.exec() or dialog.engine is None:
        return None
    if remember and dialog.user_url.username != store.username:
        url = dialog.user_url.render_as_string(hide_password=False)

        def change(settings: Settings) -> None:
            settings.store_url = url

        update_settings(change, settings_file)
    return dialog.engine
