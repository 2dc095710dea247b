"""The Admin pane (admins of a PostgreSQL store): the users, the store-wide settings, and the audit trail.

Every change goes through crimedesk.auth.accounts (the server checks again and audits it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth import accounts, audit
from crimedesk.auth.accounts import Account
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.explain import explain
from crimedesk.ui.dialogs.user_dialog import NewUserDialog
from crimedesk.ui.panes.admin.store_settings_box import StoreSettingsBox
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.plain_text import PlainLabel
from crimedesk.ui.widgets.text_table import fill_rows, text_table

USER_COLUMNS = ["User", "Full name", "Role", "Department", "Status", "Last login (UTC)"]
T = TypeVar("T")
AUDIT_COLUMNS = ["Time (UTC)", "User", "Host", "Action", "Object", "Details"]
#: The words the trail is written with, for its filter: logins, every audited Action (reading and
#: managing users are not actions of their own: the user-management words follow), user changes.
AUDIT_ACTIONS = [
    "",
    "login",
    "failed_login",
    *(a.value for a in Action if a not in (Action.READ, Action.MANAGE_USERS)),
    "add_user",
    "change_role",
    "change_status",
    "set_password",
]


class AdminPane(QWidget):
    def __init__(self, engine: Engine, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.user = engine, user
        self.accounts: list[Account] = []
        self.users_table = text_table(USER_COLUMNS)
        self.add_button = QPushButton("Add user…")
        self.role_button = QPushButton("Change role…")
        self.suspend_button = QPushButton("Suspend")
        self.reactivate_button = QPushButton("Reactivate")
        self.password_button = QPushButton("Reset password…")
        self.store_settings = StoreSettingsBox(engine, user)
        self.audit_table = text_table(AUDIT_COLUMNS)
        self.user_filter = QLineEdit()
        self.user_filter.setPlaceholderText("any user")
        self.action_filter = QComboBox()
        self.action_filter.addItems(AUDIT_ACTIONS)
        self.action_filter.setItemText(0, "any action")
        self.since_edit = QDateTimeEdit(QDateTime.currentDateTimeUtc().addDays(-30))
        self.since_edit.setTimeZone(QTimeZone.utc())
        self.since_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.since_edit.setCalendarPopup(True)
        self.filter_button = QPushButton("Show")
        self.export_button = QPushButton("Export CSV…")
        self.message = PlainLabel()
        self.message.setWordWrap(True)
        self._users_query = LatestQuery(self._show_users, self._read_failed, self)
        self._audit_query = LatestQuery(self._show_audit, self._read_failed, self)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        users = QGroupBox("Users")
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.suspend_button,
            self.reactivate_button,
            self.password_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout(users)
        box.addWidget(self.users_table)
        box.addLayout(buttons)
        trail = QGroupBox("Audit log")
        filters = QHBoxLayout()
        for widget in (
            PlainLabel("User"),
            self.user_filter,
            PlainLabel("Action"),
            self.action_filter,
            PlainLabel("Since (UTC)"),
            self.since_edit,
            self.filter_button,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.export_button)
        box = QVBoxLayout(trail)
        box.addLayout(filters)
        box.addWidget(self.audit_table)
        layout = QVBoxLayout(self)
        layout.addWidget(users, stretch=2)
        layout.addWidget(self.store_settings)
        layout.addWidget(trail, stretch=3)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.suspend_button.clicked.connect(lambda: self.set_active(False))
        self.reactivate_button.clicked.connect(lambda: self.set_active(True))
        self.password_button.clicked.connect(self.reset_password)
        self.filter_button.clicked.connect(self.refresh_audit)
        self.store_settings.changed.connect(self.refresh_audit)
        self.export_button.clicked.connect(self.ask_export)

    def refresh(self) -> None:
        self.refresh_users()
        self.store_settings.refresh()
        self.refresh_audit()

    def refresh_users(self) -> None:
        """The users, read on a worker (a slow server must not freeze the window)."""
        engine, user = self.engine, self.user
        self._users_query.run(lambda: accounts.list_users(engine, user=user))

    def _show_users(self, found: list[Account]) -> None:
        self.accounts = found
        fill_rows(
            self.users_table,
            [
                [
                    a.username,
                    a.full_name,
                    a.role.label if a.role else "-",
                    a.department,
                    a.status,
                    f"{a.last_login_utc:%Y-%m-%d %H:%M}" if a.last_login_utc else "never",
                ]
                for a in self.accounts
            ],
        )

    def filters(self) -> dict[str, Any]:
        since = self.since_edit.dateTime().toUTC().toPython()
        return {
            "username": self.user_filter.text().strip() or None,
            "action": self.action_filter.currentText() if self.action_filter.currentIndex() > 0 else None,
            "since_utc": since.replace(tzinfo=None) if isinstance(since, datetime) else None,
        }

    def refresh_audit(self) -> None:
        """The trail under the filters, read on a worker."""
        engine, filters = self.engine, self.filters()
        self._audit_query.run(lambda: audit.read(engine, **filters))

    def _show_audit(self, entries: list[audit.AuditEntry]) -> None:
        fill_rows(
            self.audit_table,
            [
                [
                    f"{e.at_utc:%Y-%m-%d %H:%M:%S}",
                    e.username,
                    e.host,
                    e.action,
                    f"{e.object_type} {e.object_id}".strip(),
                    ", ".join(f"{k}: {v}" for k, v in e.details.items()),
                ]
                for e in reversed(entries)
            ],
        )

    def selected(self) -> str | None:
        rows = self.users_table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()].username if rows else None

    def add_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec():
            name, password, role, full_name, department = dialog.values()
            self._change(
                lambda: accounts.add_user(
                    self.engine,
                    name,
                    password,
                    role,
                    user=self.user,
                    full_name=full_name,
                    department=department,
                ),
                f"Added {name} as {role.label}.",
            )

    def change_role(self) -> None:
        name = self.selected()
        if name is None:
            return
        labels = [role.label for role in Role]
        label, ok = QInputDialog.getItem(self, "Change role", f"Role of {name}", labels, 0, False)
        if ok:
            role = Role.parse(label)
            self._change(
                lambda: accounts.set_role(self.engine, name, role, user=self.user),
                f"{name} is now {role.label}.",
            )

    def set_active(self, active: bool) -> None:
        name = self.selected()
        if name is not None:
            self._change(
                lambda: accounts.set_active(self.engine, name, active, user=self.user),
                f"{name} {'reactivated' if active else 'suspended'}.",
            )

    def reset_password(self) -> None:
        name = self.selected()
        if name is None:
            return
        password, ok = QInputDialog.getText(
            self, "Reset password", f"New password for {name}", QLineEdit.EchoMode.Password
        )
        if ok and password:
            self._change(
                lambda: accounts.set_password(self.engine, name, password, user=self.user),
                f"Password of {name} reset.",
            )

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the audit log", "audit.csv", "CSV (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> int:
        rows = self._guarded(lambda: audit.export_csv(self.engine, path, user=self.user, **self.filters()))
        if rows is not None:
            self.message.setText(f"{rows:,} audit rows written to {path}.")
            self.refresh_audit()
        return rows or 0

    def _change(self, change: Callable[[], None], done: str) -> None:
        def changed() -> bool:
            change()
            return True

        if self._guarded(changed):
            self.message.setText(done)
            self.refresh()

    def _read_failed(self, exc: Exception) -> None:
        self.message.setText(f"⚠ {explain(exc)}")

    def _guarded(self, work: Callable[[], T]) -> T | None:
        """``work()``, or None with the refusal shown (a server or role refusal changes nothing)."""
        try:
            return work()
        except CrimedeskError as exc:
            self.message.setText(str(exc))
            return None
