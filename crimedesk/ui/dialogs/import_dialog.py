"""Import dialog: pick a file, see the detected profile, import with progress and cancel, see the counts."""

from __future__ import annotations

import html
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth.user import User
from crimedesk.domain.errors import ImportBusy, ProcessEnded, ProfileNotFoundError
from crimedesk.ingest.history import REJECTED_ALL, ImportResult
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.rejected import list_rejected
from crimedesk.ingest.source import FileFacts, inspect_file
from crimedesk.storage.import_lock import abandon_dead_imports
from crimedesk.ui.dialogs.column_mapping_editor import MappingEditor
from crimedesk.ui.dialogs.read_format import Detection, ReadFormatRow, detect
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.runtime.child_process import run_in_child
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.plain_text import PlainLabel

log = logging.getLogger(__name__)
FILE_TYPES = "CSV files and Excel workbooks (*.csv *.csv.gz *.txt *.xlsx);;All files (*)"


class ImportDialog(TaskDialog):
    CANCELLING = "Cancelling…"

    imported = Signal(object)  # ImportResult

    def __init__(self, engine: Engine, user: User | None = None, parent: QWidget | None = None) -> None:
        """``user``: who imports (None: the user the store is opened as, found in the importing process)."""
        super().__init__(parent)
        self.setWindowTitle("Import incidents")
        self.resize(640, 360)
        self.engine, self.user = engine, user
        self.profile: Profile | None = None
        self.import_result: ImportResult | None = None  # not ``result``: QDialog.result() is the exit code
        self.path = QLineEdit()
        self.path.setPlaceholderText("Choose a CSV file…")
        self.browse = QPushButton("Browse…")
        self.detected = PlainLabel("No file chosen")
        self.detected.setWordWrap(True)
        self.read_format = ReadFormatRow()
        self.map_columns = QPushButton("Map columns…")
        self.map_columns.setToolTip("No built-in profile fits: say which column holds what")
        self.map_columns.hide()
        self.editor: MappingEditor | None = None
        self.start = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.setEnabled(False)
        self.wait = self.buttons.addButton("Wait", QDialogButtonBox.ButtonRole.ActionRole)
        self.wait.setToolTip("Start this import as soon as the running one ends")
        self.wait.hide()
        self._detect = LatestQuery(self._show_detection, self._detect_failed, self)
        self._inspect = LatestQuery(self._edit_mapping, self._detect_failed, self)
        self._build()
        self.browse.clicked.connect(self._ask_file)
        self.path.editingFinished.connect(lambda: self.choose_file(Path(self.path.text())))
        self.start.clicked.connect(lambda: self.start_import())
        self.wait.clicked.connect(lambda: self.start_import(wait=True))
        self.map_columns.clicked.connect(self.open_mapping_editor)
        self.read_format.changed.connect(self.detect_again)

    def _build(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.path, stretch=1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.read_format)
        layout.addWidget(self.detected)
        layout.addWidget(self.map_columns)
        layout.addWidget(self.progress)
        layout.addWidget(self.message, stretch=1)
        layout.addWidget(self.buttons)

    def choose_file(self, path: Path) -> None:
        """Inspect ``path`` and detect its profile on a worker (hashing a big file takes a while);
        the encoding, delimiter and sheet go back to the engine's choice."""
        self.path.setText(str(path))
        self.read_format.clear()
        self.detect_again()

    def detect_again(self) -> None:
        """Read the chosen file again as the encoding, delimiter and sheet combos say."""
        path, options, engine = Path(self.path.text()), self.read_format.options(), self.engine
        self.profile = None
        self.start.setEnabled(False)
        self.map_columns.hide()
        self.detected.setText(f"Reading {path.name}…")
        self._detect.run(lambda: detect(engine, path, options))

    def _show_detection(self, detection: Detection) -> None:
        self.read_format.show_detection(detection)
        if isinstance(detection.found, Exception):
            self._detect_failed(detection.found)
            return
        self.profile = detection.found
        self.detected.setText(f"Detected profile: {self.profile.title} (source {self.profile.source})")
        self.start.setEnabled(True)

    def _detect_failed(self, exc: Exception) -> None:
        self.profile = None
        self.detected.setText(f"⚠ {exc}")
        self.map_columns.setVisible(isinstance(exc, ProfileNotFoundError))

    def open_mapping_editor(self) -> None:
        """Read the file's header (on a worker), then open the column-mapping editor on it."""
        path, options = Path(self.path.text()), self.read_format.options()
        self._inspect.run(lambda: inspect_file(path, options.delimiter, options.encoding, options.sheet))

    def _edit_mapping(self, facts: FileFacts) -> None:
        self.editor = MappingEditor(self.engine, facts, parent=self)
        self.editor.saved.connect(lambda _mapping: self.detect_again())
        self.editor.show()

    def start_import(self, wait: bool = False) -> None:
        """Import the chosen file; with ``wait``, after the store's running import (if any) ends."""
        if self.profile is None:
            return
        engine, path, profile, user = self.engine, Path(self.path.text()), self.profile.name, self.user
        read = self.read_format.options()
        url = engine.url.render_as_string(hide_password=False)
        self.start.setEnabled(False)
        self.browse.setEnabled(False)
        self.wait.hide()
        self.cancel.setText("Cancel")
        self.message.setText("Importing…")

        def task(progress: Any, cancel: Any) -> tuple[ImportResult, list[Any]]:
            options = {"profile": profile, "user": user, "wait": wait, **asdict(read)}
            try:
                result = run_in_child(import_file, url, path, progress=progress, cancel=cancel, **options)
            except ProcessEnded:
                abandon_dead_imports(engine)  # the history says so now, not at the next start
                raise
            with engine.connect() as conn:
                return result, list_rejected(conn, result.import_id, limit=20)

        self.run_task(task)

    @Slot(object)
    def _finished(self, outcome: tuple[ImportResult, list[Any]]) -> None:
        result, rejected = outcome
        self.import_result = result
        c = result.counts
        lines = [
            f"{c.rows_read:,} rows read = {c.inserted:,} inserted + {c.updated:,} updated"
            f" + {c.unchanged:,} unchanged + {c.rejected:,} rejected + {c.duplicates:,} duplicates"
            f" + {c.conflicts:,} conflicts",
            f"{c.unmappable:,} kept without coordinates (unmappable), {c.corrected:,} corrected",
        ]
        if result.status == REJECTED_ALL:
            lines.insert(0, "⚠ Every row was rejected: nothing was stored.")
        lines += [f"line {r.line_number}: {r.reasons}" for r in rejected[:10]]
        if c.rejected > 10:
            lines.append(f"… all {c.rejected:,} rejected rows are in Data ▸ Uploads")
        self.message.setText("\n".join(lines))
        self.progress.setValue(1000)
        self._done()
        self.imported.emit(result)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ImportBusy):
            self._offer_to_wait(exc)
            return
        self.message.setText(f"⚠ Import failed; the store is unchanged.\n{exc}")
        self._done()

    @Slot()
    def _cancelled(self) -> None:
        self.message.setText("Cancelled; the store is unchanged.")
        self.progress.setValue(0)
        self._done()

    def _offer_to_wait(self, busy: ImportBusy) -> None:
        """Nothing started: say whose import runs, and offer Wait (import after it) or Cancel."""
        self.message.setText(f"⚠ {html.escape(str(busy))}.<br>Wait for it to finish, or cancel.")
        self.job = None
        self.wait.show()
        self.browse.setEnabled(True)

    def _done(self) -> None:
        self.job = None
        self.cancel.setText("Close")
        self.browse.setEnabled(True)

    def _ask_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import incidents", "", FILE_TYPES)
        if name:
            self.choose_file(Path(name))
