"""The Feeds pane: every feed's status, lag and last run; add, edit, pause, resume, run now, backfill.

Every change goes through crimedesk.feeds (role-checked and audited there) on a worker thread;
runs go through the :class:`FeedScheduler`, which also runs the feeds on their schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.feeds import catalog
from crimedesk.feeds.feed import PAUSED
from crimedesk.ui.panes.feeds.feed_dialog import BackfillDialog, FeedDialog
from crimedesk.ui.panes.feeds.feed_rows import (
    FEED_COLUMNS,
    RUN_COLUMNS,
    FeedLine,
    feed_row,
    read_feeds,
    run_row,
)
from crimedesk.ui.panes.feeds.rules_dialog import AlertRulesDialog
from crimedesk.ui.panes.feeds.scheduler import FeedScheduler
from crimedesk.ui.runtime.auth_gate import gate
from crimedesk.ui.runtime.workers import LatestQuery, submit
from crimedesk.ui.widgets.plain_text import PlainLabel
from crimedesk.ui.widgets.text_table import fill_rows, text_table

BUTTONS = ("Add…", "Edit…", "Pause", "Resume", "Run now", "Backfill…", "Alert rules…")
REQUIRES: dict[str, Action] = {
    **dict.fromkeys(BUTTONS[:4], Action.MANAGE_FEEDS),
    **dict.fromkeys(BUTTONS[4:6], Action.RUN_FEED),
    "Alert rules…": Action.READ,  # which alerts notify this user: a personal setting
}


class FeedsPane(QWidget):
    error = Signal(str)
    recovered = Signal()
    loaded = Signal()  # the feeds table shows the store's feeds

    def __init__(
        self,
        engine: Engine,
        user: User,
        scheduler: FeedScheduler,
        settings_file: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine, self.user, self.scheduler = engine, user, scheduler
        self.settings_file = settings_file
        self.lines: list[FeedLine] = []
        self.dialog: QDialog | None = None
        self.table, self.history = text_table(FEED_COLUMNS), text_table(RUN_COLUMNS)
        self.buttons = {name: QPushButton(name) for name in BUTTONS}
        self.history_label = PlainLabel("Select a feed to see its runs.")
        self.message = PlainLabel()
        self.message.setWordWrap(True)
        self._feeds_query = LatestQuery(self._show_feeds, self._failed, self)
        self._history_query = LatestQuery(self._show_history, self._failed, self)
        self._build()
        self._connect()
        gate(user, [(self.buttons[name], action) for name, action in REQUIRES.items()])

    def _build(self) -> None:
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.history_label)
        lower_layout.addWidget(self.history)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(split, stretch=1)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        actions: dict[str, Callable[[], Any]] = {
            "Add…": self.open_add,
            "Edit…": self.open_edit,
            "Pause": lambda: self._act(catalog.pause_feed, "paused"),
            "Resume": lambda: self._act(catalog.resume_feed, "resumed"),
            "Run now": self.run_now,
            "Backfill…": self.open_backfill,
            "Alert rules…": lambda: self._open(AlertRulesDialog(self.engine, self.settings_file, self)),
        }
        for name, slot in actions.items():
            self.buttons[name].clicked.connect(slot)
        self.table.itemSelectionChanged.connect(self._selected)
        self.scheduler.changed.connect(self.refresh)
        self.scheduler.progress.connect(self._progress)  # a method: disconnected when the pane goes

    def _progress(self, name: str, text: str) -> None:
        self.message.setText(f"{name}: {text}")

    def refresh(self) -> None:
        engine = self.engine
        self._feeds_query.run(lambda: read_feeds(engine))

    def _show_feeds(self, lines: list[FeedLine]) -> None:
        chosen = self.selected()
        self.lines = lines
        now = datetime.now()
        rows = [feed_row(line, now) for line in lines]
        for row, line in zip(rows, lines, strict=True):
            if self.scheduler.running(line.feed.name):
                row[2] = f"{row[2]} · running"
        fill_rows(self.table, rows)
        names = [line.feed.name for line in lines]
        if chosen in names:
            self.table.selectRow(names.index(chosen))
        self._selected()
        self.recovered.emit()
        self.loaded.emit()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()].feed.name if rows and rows[0].row() < len(self.lines) else None

    def _selected(self) -> None:
        name = self.selected()
        line = next((x for x in self.lines if x.feed.name == name), None)
        usable = {
            "Add…": True,
            "Edit…": line is not None,
            "Run now": line is not None,
            "Pause": line is not None and line.feed.status != PAUSED,
            "Resume": line is not None and line.feed.status == PAUSED,
            "Backfill…": line is not None and line.feed.kind == "soda",
            "Alert rules…": True,
        }
        for button, ok in usable.items():  # what the role may not do stays hidden and disabled
            self.buttons[button].setEnabled(ok and self.user.can(REQUIRES[button]))
        if name is None:
            self.history.setRowCount(0)
            return
        engine = self.engine
        self._history_query.run(lambda: (name, catalog.feed_history(engine, name, limit=50)))

    def _show_history(self, found: tuple[str, list[dict[str, Any]]]) -> None:
        name, runs = found
        self.history_label.setText(f"Runs of {name} (received = inserted + updated + unchanged + rejected)")
        fill_rows(self.history, [run_row(run) for run in runs])

    def open_add(self) -> FeedDialog:
        dialog = FeedDialog(parent=self)
        dialog.accepted.connect(lambda: self.add(dialog.feed()))
        return self._open(dialog)

    def open_edit(self) -> FeedDialog | None:
        line = next((x for x in self.lines if x.feed.name == self.selected()), None)
        if line is None:
            return None
        dialog = FeedDialog(line.feed, parent=self)
        dialog.accepted.connect(lambda: self.edit(line.feed.name, dialog.changes()))
        return self._open(dialog)

    def open_backfill(self) -> BackfillDialog | None:
        name = self.selected()
        if name is None:
            return None
        dialog = BackfillDialog(name, date.today(), parent=self)
        dialog.accepted.connect(lambda: self.backfill(name, *dialog.dates()))
        return self._open(dialog)

    def _open(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.open()  # window-modal, not blocking the event loop
        return dialog

    def add(self, feed: Any) -> None:
        engine, user = self.engine, self.user
        self._work(lambda: catalog.add_feed(engine, feed, user=user), f"Feed {feed.name} added.")

    def edit(self, name: str, changes: dict[str, Any]) -> None:
        engine, user = self.engine, self.user
        self._work(lambda: catalog.edit_feed(engine, name, changes, user=user), f"Feed {name} changed.", name)

    def _act(self, action: Callable[..., Any], done: str) -> None:
        name, engine, user = self.selected(), self.engine, self.user
        if name is not None:
            self._work(lambda: action(engine, name, user=user), f"Feed {name} {done}.", name)

    def run_now(self) -> None:
        name = self.selected()
        if name is not None and self.scheduler.run_now(name) is None:
            self.message.setText(f"Feed {name} is running already.")

    def backfill(self, name: str, start: date, end: date) -> None:
        if self.scheduler.backfill(name, start, end) is None:
            self.message.setText(f"Feed {name} is running; backfill it when the run has ended.")

    def _work(self, call: Callable[[], Any], done: str, stop: str | None = None) -> None:
        """``call()`` on a worker; then the feed ``stop`` (edited, paused) ends its current run."""

        def finished(_result: Any) -> None:
            if stop is not None:
                self.scheduler.cancel(stop)
            self.message.setText(done)
            self.refresh()

        submit(lambda _p, _c: call(), finished=finished, failed=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.setText(f"⚠ {exc}")
        self.error.emit(str(exc))
