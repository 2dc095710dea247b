"""Column-mapping editor: map a generic CSV's columns to canonical fields, preview, save.

The preview runs the real import stages (``crimedesk.ingest.preview``) on a worker a moment
after the last edit, so what it shows, rejections included, is what the import will store.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.domain.display_text import html_text
from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.mappings import ColumnMapping, load_mappings, save_mapping
from crimedesk.ingest.preview import REASON, preview, shown_columns
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import FileFacts, inspect_file
from crimedesk.ui.dialogs.column_mapping_form import MappingForm
from crimedesk.ui.runtime.workers import LatestQuery, submit
from crimedesk.ui.widgets.frame_model import FrameModel
from crimedesk.ui.widgets.plain_text import PlainLabel, rich_label

log = logging.getLogger(__name__)
PREVIEW_ROWS = 20
DELAY_MS = 300
REJECTED = QColor("#f8d7da")


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def shareable_sources(engine: Engine) -> tuple[str, ...]:
    """The built-in profiles, then the saved mappings, whose source a mapping may say it shares."""
    with engine.connect() as conn:
        saved = [m.name for m in load_mappings(conn)]
    return (*sorted(all_profiles()), *saved)


def facts_as_mapped(facts: FileFacts, mapping: ColumnMapping) -> FileFacts:
    """The file read with the mapping's delimiter and encoding where it names them (text files only)."""
    sniffed = facts.text_format
    wanted = (mapping.delimiter or sniffed.delimiter, mapping.encoding or sniffed.encoding)
    if facts.sheet is not None or wanted == (sniffed.delimiter, sniffed.encoding):
        return facts
    return inspect_file(facts.path, *wanted)


class MappingEditor(QDialog):
    saved = Signal(object)  # ColumnMapping

    def __init__(self, engine: Engine, facts: FileFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Map columns of {facts.path.name}")
        self.resize(1150, 860)
        self.engine, self.facts = engine, facts
        self.header = rich_label(f"<b>Columns in the file:</b> {html_text(', '.join(facts.header))}")
        self.header.setWordWrap(True)
        self.form = MappingForm(facts.header, shareable_sources(engine))
        self.table = QTableView()
        self.table.verticalHeader().hide()
        self.status = PlainLabel()
        self.status.setWordWrap(True)
        self.frame = pd.DataFrame()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save mapping", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._preview = LatestQuery(self._show_preview, self._preview_failed, self)
        self._build()
        self.form.changed.connect(self._timer.start)
        self._timer.timeout.connect(self.refresh_preview)
        self.save_button.clicked.connect(self.save)
        self.refresh_preview()

    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        bottom = QWidget()
        box = QVBoxLayout(bottom)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(f"<b>Preview</b> of the first {PREVIEW_ROWS} rows as they would be imported"))
        box.addWidget(self.table, stretch=1)
        box.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(scroll)
        split.addWidget(bottom)
        split.setSizes([500, 330])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(split, stretch=1)
        layout.addWidget(self.buttons)

    def refresh_preview(self) -> None:
        """Preview the mapping as it stands (on a worker), or say what it still lacks."""
        try:
            mapping = self.form.mapping()
        except (ValueError, ImportFileError) as exc:
            self.status.setText(f"To preview, {exc}" if isinstance(exc, ValueError) else f"⚠ {exc}")
            self.save_button.setEnabled(False)
            return
        facts = self.facts
        self._preview.run(lambda: preview(facts_as_mapped(facts, mapping), mapping, PREVIEW_ROWS))

    def _show_preview(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        columns = [(c, c.replace("_", " "), _cell) for c in shown_columns(frame)]
        model = FrameModel(columns, lambda row, _name: REJECTED if row[REASON] else None)
        model.set_frame(frame)
        self.table.setModel(model)
        self.table.resizeColumnsToContents()
        rejected = int((frame[REASON] != "").sum())
        self.status.setText(
            f"{len(frame):,} rows previewed: {len(frame) - rejected:,} accepted, {rejected:,} rejected"
        )
        self.status.setStyleSheet("")
        self.save_button.setEnabled(True)

    def _preview_failed(self, exc: Exception) -> None:
        self.frame = pd.DataFrame()
        self.table.setModel(None)
        self.status.setText(f"⚠ {exc}")
        self.status.setStyleSheet("color: #b00")
        self.save_button.setEnabled(False)

    def save(self) -> None:
        """Save the mapping for every analyst of this store (on a worker), then close."""
        try:
            mapping = self.form.mapping()
        except (ValueError, ImportFileError) as exc:
            self.status.setText(f"⚠ {exc}")
            return
        engine = self.engine
        self.save_button.setEnabled(False)
        submit(
            lambda _progress, _cancel: save_mapping(engine, mapping),
            finished=lambda _none: self._saved(mapping),
            failed=self._preview_failed,
        )

    def _saved(self, mapping: ColumnMapping) -> None:
        self.saved.emit(mapping)
        self.accept()
