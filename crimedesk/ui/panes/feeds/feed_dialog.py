"""Add or edit a feed (kind, endpoint, dataset or topic, profile or mapping, schedule); a backfill range."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crimedesk.feeds.adapters import all_adapters
from crimedesk.feeds.catalog import EDITABLE
from crimedesk.feeds.feed import Feed
from crimedesk.ui.widgets.plain_text import PlainLabel

HINTS = {  # what the endpoint and dataset fields mean for each kind
    "soda": ("data.cityofchicago.org", "ijzp-q8t2"),
    "kafka": ("127.0.0.1:9092", "incidents"),
    "mqtt": ("127.0.0.1:1883", "sensors/alerts/#"),
}


def _form_dialog(dialog: QDialog, rows: list[tuple[str, QWidget]], note: PlainLabel) -> None:
    form = QFormLayout()
    for label, widget in rows:
        form.addRow(label, widget)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(note)
    layout.addWidget(buttons)


class FeedDialog(QDialog):
    """A new feed (``feed`` None) or the changes to one (its name and kind are then fixed)."""

    def __init__(self, feed: Feed | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit feed" if feed else "Add feed")
        self.original = feed
        self.name = QLineEdit(feed.name if feed else "")
        self.kind = QComboBox()
        for kind, adapter in sorted(all_adapters().items()):
            self.kind.addItem(adapter.title, kind)
        self.endpoint, self.dataset = QLineEdit(), QLineEdit()
        self.profile = QLineEdit(feed.profile if feed else "chicago")
        self.filters = QLineEdit(feed.filters if feed else "")
        self.schedule = QSpinBox(minimum=1, maximum=24 * 60, value=feed.schedule_minutes if feed else 15)
        self.schedule.setSuffix(" min")
        self.kind.currentIndexChanged.connect(self._hint)
        self.kind.setCurrentIndex(self.kind.findData(feed.kind if feed else "soda"))
        if feed is not None:
            self.endpoint.setText(feed.endpoint)
            self.dataset.setText(feed.dataset)
            self.name.setEnabled(False)
            self.kind.setEnabled(False)
        self._hint()
        note = PlainLabel("Portal feeds run every N minutes; topics are followed while the app is open.")
        note.setWordWrap(True)
        rows: list[tuple[str, QWidget]] = [
            ("Name", self.name),
            ("Kind", self.kind),
            ("Endpoint (portal or broker)", self.endpoint),
            ("Dataset id or topic", self.dataset),
            ("Import profile or mapping", self.profile),
            ("Filter (SoQL, portals)", self.filters),
            ("Run every", self.schedule),
        ]
        _form_dialog(self, rows, note)

    def _hint(self) -> None:
        endpoint, dataset = HINTS.get(self.kind.currentData(), ("", ""))
        self.endpoint.setPlaceholderText(endpoint)
        self.dataset.setPlaceholderText(dataset)

    def feed(self) -> Feed:
        return Feed(
            name=self.name.text().strip(),
            kind=str(self.kind.currentData()),
            endpoint=self.endpoint.text().strip(),
            dataset=self.dataset.text().strip(),
            profile=self.profile.text().strip(),
            filters=self.filters.text().strip(),
            schedule_minutes=self.schedule.value(),
        )

    def changes(self) -> dict[str, Any]:
        """The edited fields that differ from the feed's (for ``edit_feed``)."""
        assert self.original is not None
        edited = self.feed()
        return {k: getattr(edited, k) for k in EDITABLE if getattr(edited, k) != getattr(self.original, k)}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class BackfillDialog(QDialog):
    """The date range a portal feed fetches again."""

    def __init__(self, name: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Backfill {name}")
        self.start, self.end = QDateEdit(_qdate(today - timedelta(days=27))), QDateEdit(_qdate(today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        note = PlainLabel("Incidents that occurred in the range are fetched again; stored ones stay once.")
        note.setWordWrap(True)
        _form_dialog(self, [("From", self.start), ("To (inclusive)", self.end)], note)

    def dates(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]
