"""File ▸ Take offline… and File ▸ Bring back…: a slice of the store for a field laptop, and back.

Both run :mod:`crimedesk.offline` on a worker thread with progress and Cancel; the slice is the
incidents the filter panel selects (the dialog says which filters those are).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QFormLayout, QLineEdit, QWidget
from sqlalchemy import Engine

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.widgets.plain_text import PlainLabel

SLICE_FILES = "crimedesk slices (*.sqlite);;All files (*)"


def describe_filters(filters: FilterSnapshot) -> str:
    """The filters in a line, e.g. ``2017-01-02 – 2017-01-03; district 011, 012``."""
    parts = [f"{filters.date_from or 'any day'} – {filters.date_to or 'any day'}"]
    if filters.region_ids:
        parts.append(f"{filters.region_layer_id}: {', '.join(sorted(filters.region_ids))}")
    if filters.categories:
        parts.append(", ".join(sorted(filters.categories)))
    if filters.offense_types:
        parts.append(f"{len(filters.offense_types):,} offense types")
    if filters.bbox is not None or filters.polygon_wkt:
        parts.append("an area drawn on the map")
    return "; ".join(parts)


class _OfflineDialog(TaskDialog):
    completed = Signal(object)
    CANCELLING = "Cancelling…"
    START = ""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.path = QLineEdit()
        self.start = self.buttons.addButton(self.START, QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.clicked.connect(self.start_task)
        self.form = QFormLayout(self)
        self.setMinimumWidth(560)

    def finish_layout(self) -> None:
        self.form.addRow(self.progress)
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)

    def start_task(self) -> None:
        raise NotImplementedError

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.message.setText(f"⚠ {exc}")
        self._done()

    @Slot()
    def _cancelled(self) -> None:
        self.message.setText("Cancelled; nothing was changed.")
        self._done()

    def _done(self) -> None:
        self.adjustSize()  # the result may take several lines
        self.job = None
        self.start.setEnabled(True)
        self.cancel.setText("Close")


class TakeOfflineDialog(_OfflineDialog):
    START = "Take offline"

    def __init__(self, engine: Engine, filters: FilterSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(engine, parent)
        self.setWindowTitle("Take offline")
        self.filters = filters
        self.form.addRow("Incidents", PlainLabel(describe_filters(filters)))
        self.form.addRow("New slice file", self.path)
        self.form.addRow(PlainLabel("Boundary layers, saved mappings and promoted models go with it."))
        self.finish_layout()

    def ask_file(self) -> bool:
        name, _ = QFileDialog.getSaveFileName(self, "Take offline", "slice.sqlite", SLICE_FILES)
        self.path.setText(name)
        return bool(name)

    def start_task(self) -> None:
        from crimedesk.auth.session import acting_user
        from crimedesk.offline.take import take_offline

        engine, path, filters = self.engine, Path(self.path.text()), self.filters

        def task(progress: Any, cancel: Any) -> Any:
            return take_offline(engine, path, filters, acting_user(engine), progress, cancel)

        self.start.setEnabled(False)
        self.run_task(task)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self.progress.setValue(1000)
        self.message.setText(f"Taken offline: {result.summary()}")
        self._done()
        self.completed.emit(result)


class BringBackDialog(_OfflineDialog):
    START = "Bring back"

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(engine, parent)
        self.setWindowTitle("Bring back from the field")
        self.form.addRow("Slice file", self.path)
        self.form.addRow(PlainLabel("What was imported in the field is merged with the import rules."))
        self.finish_layout()

    def ask_file(self) -> bool:
        name, _ = QFileDialog.getOpenFileName(self, "Bring back", "", SLICE_FILES)
        self.path.setText(name)
        return bool(name)

    def start_task(self) -> None:
        from crimedesk.auth.session import acting_user
        from crimedesk.offline.give_back import return_offline
        from crimedesk.offline.take import OfflineError
        from crimedesk.storage.engine import make_engine

        server, path = self.engine, Path(self.path.text())

        def task(progress: Any, cancel: Any) -> Any:
            if not path.is_file():
                raise OfflineError(f"{path} is not a file")
            laptop = make_engine(f"sqlite:///{path}")
            try:
                return return_offline(laptop, server, acting_user(server), progress, cancel)
            finally:
                laptop.dispose()

        self.start.setEnabled(False)
        self.run_task(task)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self.progress.setValue(1000)
        self.message.setText("\n".join(result.summary()))
        self._done()
        self.completed.emit(result)
