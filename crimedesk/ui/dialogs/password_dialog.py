"""Change my password (PostgreSQL stores): any logged-in user, typed twice, sent as a SCRAM verifier
(crimedesk.auth.accounts.set_own_password), so the plain password never reaches the server or its
log; the open window goes on with the new password."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget
from sqlalchemy import Engine

from crimedesk.auth import accounts
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.ui.widgets.plain_text import PlainLabel


class OwnPasswordDialog(QDialog):
    def __init__(self, engine: Engine, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.user = engine, user
        self.setWindowTitle("Change my password")
        self.password_edit, self.again_edit = QLineEdit(), QLineEdit()
        for edit in (self.password_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = PlainLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(PlainLabel(f"New password for {user.name}"))
        form.addRow("Password", self.password_edit)
        form.addRow("Password again", self.again_edit)
        form.addRow(self.message)
        form.addRow(buttons)

    def change(self) -> None:
        """Set the password; a refusal (or two different passwords) is shown and the dialog stays."""
        password = self.password_edit.text()
        if not password or password != self.again_edit.text():
            self.message.setText("Type the same, non-empty password twice.")
            return
        try:
            accounts.set_own_password(self.engine, password, user=self.user)
        except CrimedeskError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
