"""Add a user: name, role, full name, department and a password typed twice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from crimedesk.auth.roles import Role
from crimedesk.ui.widgets.plain_text import PlainLabel


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add user")
        self.name_edit, self.full_name_edit, self.department_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.role_box = QComboBox()
        self.role_box.addItems([role.label for role in Role])
        self.password_edit, self.again_edit = QLineEdit(), QLineEdit()
        for edit in (self.password_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = PlainLabel()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.check_and_accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        for label, widget in (
            ("User name", self.name_edit),
            ("Role", self.role_box),
            ("Full name", self.full_name_edit),
            ("Department", self.department_edit),
            ("Password", self.password_edit),
            ("Password again", self.again_edit),
        ):
            form.addRow(label, widget)
        form.addRow(self.error_label)
        form.addRow(buttons)

    def check_and_accept(self) -> None:
        if not self.name_edit.text().strip():
            self.error_label.setText("Type a user name.")
        elif not self.password_edit.text() or self.password_edit.text() != self.again_edit.text():
            self.error_label.setText("Type the same, non-empty password twice.")
        else:
            self.accept()

    def values(self) -> tuple[str, str, Role, str, str]:
        return (
            self.name_edit.text().strip(),
            self.password_edit.text(),
            Role.parse(self.role_box.currentText()),
            self.full_name_edit.text().strip(),
            self.department_edit.text().strip(),
        )
