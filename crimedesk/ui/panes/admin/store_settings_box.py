"""The Admin pane's "Store settings": the store's own rules for every workstation (admins change
them through crimedesk.auth.store_settings, which audits each change). The first: the idle-lock limit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QWidget
from sqlalchemy import Engine

from crimedesk.auth.store_settings import (
    IDLE_LOCK_MAX,
    MAX_IDLE_MINUTES,
    StoreSettingValue,
    change_store_setting,
    read_store_settings,
)
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.explain import explain
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.plain_text import PlainLabel


class StoreSettingsBox(QGroupBox):
    changed = Signal()  # a store setting changed (the window applies it to itself at once)

    def __init__(self, engine: Engine, user: User, parent: QWidget | None = None) -> None:
        super().__init__("Store settings (every workstation)", parent)
        self.engine, self.user = engine, user
        self.idle_limit = QSpinBox()
        self.idle_limit.setRange(1, MAX_IDLE_MINUTES)
        self.idle_limit.setSuffix(" min")
        self.apply_button = QPushButton("Apply")
        self.changed_note = PlainLabel()
        self.message = PlainLabel()
        row = QHBoxLayout(self)
        for widget in (
            PlainLabel("Lock every workstation after at most"),
            self.idle_limit,
            self.apply_button,
        ):
            row.addWidget(widget)
        row.addWidget(self.changed_note)
        row.addStretch(1)
        row.addWidget(self.message)
        self.apply_button.clicked.connect(self.apply)
        self._query = LatestQuery(self._show, lambda exc: self.message.setText(f"⚠ {explain(exc)}"), self)

    def refresh(self) -> None:
        """The store's settings, read on a worker (a slow server must not freeze the window)."""
        engine = self.engine
        self._query.run(lambda: {s.name: s for s in read_store_settings(engine)}[IDLE_LOCK_MAX])

    def _show(self, shown: StoreSettingValue) -> None:
        self.idle_limit.setValue(round(shown.value))
        self.idle_limit.setToolTip(f"{shown.description} (default {shown.default:g} min)")
        when = shown.changed_at_utc
        self.changed_note.setText(
            f"set by {shown.changed_by}, {when:%Y-%m-%d %H:%M} UTC" if when else "the default"
        )

    def apply(self) -> None:
        minutes = float(self.idle_limit.value())
        try:
            change_store_setting(self.engine, IDLE_LOCK_MAX, minutes, user=self.user)
        except CrimedeskError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Every workstation now locks after {minutes:g} min at most.")
        self.refresh()
        self.changed.emit()
