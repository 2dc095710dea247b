"""Subscribe to a Socrata portal: a SODA feed whose first run backfills a date range.

Nothing goes online until the analyst clicks Subscribe; the feed is stored (crimedesk.feeds),
then its first run pulls the range on a worker with progress and Cancel. Every page is validated
and stored like a file import, with the feed's watermark, so Cancel keeps what arrived and the
next run (the Feeds pane's "Run now", its schedule, or `crimedesk feeds run`) resumes there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User
from crimedesk.feeds.backfill import range_filter
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.soda import CHICAGO_DATASET, CHICAGO_DOMAIN
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.widgets.plain_text import PlainLabel

DEFAULT_DAYS = 28
NOTE = (
    "This goes online. crimedesk asks the portal below (by default the City of Chicago's"
    " “Crimes - 2001 to Present”) for the incidents of the range, then every few minutes for the rows"
    " changed since. An app token saved in the keyring for that host is sent to it and to no other"
    " host; nothing else about you or your store leaves this machine."
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class PortalDialog(TaskDialog):
    CANCELLING = "Cancelling after the current page (the pages stored stay)…"

    subscribed = Signal(object)  # RunResult of the backfill

    def __init__(
        self,
        engine: Engine,
        user: User | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Subscribe to a portal")
        self.resize(560, 380)
        self.engine, self.user = engine, user
        today = today or date.today()
        self.note = PlainLabel(NOTE)
        self.note.setWordWrap(True)
        self.name = QLineEdit("chicago-crimes")
        self.domain = QLineEdit(CHICAGO_DOMAIN)
        self.dataset = QLineEdit(CHICAGO_DATASET)
        self.profile = QLineEdit("chicago")
        self.every = QSpinBox(minimum=1, maximum=24 * 60, value=15, suffix=" min")
        self.start_date = self._date_edit(today - timedelta(days=DEFAULT_DAYS - 1))
        self.end_date = self._date_edit(today)
        self.subscribe = self.buttons.addButton("Subscribe", QDialogButtonBox.ButtonRole.AcceptRole)
        self._build()
        self.subscribe.clicked.connect(self.start)

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(QDate(2001, 1, 1))
        return edit

    def _build(self) -> None:
        form = QFormLayout()
        for label, widget in (
            ("Feed name", self.name),
            ("Portal", self.domain),
            ("Dataset id", self.dataset),
            ("Import profile", self.profile),
            ("Check every", self.every),
            ("Backfill from", self.start_date),
            ("To (inclusive)", self.end_date),
        ):
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message, stretch=1)
        layout.addWidget(self.buttons)

    def date_range(self) -> tuple[date, date]:
        return _day(self.start_date.date()), _day(self.end_date.date())

    def feed(self) -> Feed:
        start, end = self.date_range()
        return Feed(
            name=self.name.text().strip(),
            kind="soda",
            endpoint=self.domain.text().strip(),
            dataset=self.dataset.text().strip(),
            profile=self.profile.text().strip(),
            filters=range_filter(start, end),
            schedule_minutes=self.every.value(),
        )

    def start(self) -> None:
        start, end = self.date_range()
        if start > end:
            self.message.setText("⚠ The start date is after the end date.")
            return
        engine, feed = self.engine, self.feed()
        user = self.user or acting_user(engine)

        def task(progress: Any, cancel: Any) -> Any:
            return subscribe_and_backfill(engine, feed, user, progress, cancel)

        self._busy(True)
        self.progress.setValue(0)
        self.message.setText(f"Connecting to {feed.endpoint}…")
        self.run_task(task)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self.job = None
        self._busy(False)
        self.progress.setValue(1000)
        self.message.setText(f"Subscribed. {result.summary()}")
        self.cancel.setText("Close")
        self.subscribed.emit(result)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._busy(False)
        self.progress.setValue(0)
        self.message.setText(f"⚠ {exc}\nThe pages stored before the error stay; the next run resumes there.")

    @Slot()
    def _cancelled(self) -> None:
        self.job = None
        self._busy(False)
        self.message.setText("Cancelled; the pages stored stay and the next run resumes there.")

    def _busy(self, busy: bool) -> None:
        for widget in (self.subscribe, self.name, self.domain, self.dataset, self.profile, self.start_date,
                       self.end_date, self.every):  # fmt: skip
            widget.setEnabled(not busy)


def subscribe_and_backfill(engine: Engine, feed: Feed, user: User, progress: Any, cancel: Any) -> Any:
    """Store the feed unless it exists already, then run it (its first run is the backfill)."""
    from crimedesk.feeds.catalog import add_feed, list_feeds
    from crimedesk.feeds.runner import run_feed

    if feed.name not in {f.name for f in list_feeds(engine)}:
        add_feed(engine, feed, user=user)
    return run_feed(engine, feed.name, user=user, progress=progress, cancel=cancel)


def open_portal_dialog(
    engine: Engine,
    parent: QWidget | None = None,
    on_imported: Callable[[], None] | None = None,
    user: User | None = None,
) -> PortalDialog:
    """Show the dialog; ``on_imported()`` runs after its backfill has been stored."""
    dialog = PortalDialog(engine, user, parent=parent)
    if on_imported is not None:
        dialog.subscribed.connect(lambda _result: on_imported())
    dialog.show()
    return dialog
