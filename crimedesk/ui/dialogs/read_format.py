"""How the import reads the chosen file: its encoding and delimiter (sniffed, or the analyst's
choice), or the sheet of an Excel workbook, shown as plain text with a combo to change each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from sqlalchemy import Engine

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest.pipeline import choose_profile
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import FileFacts, inspect_file
from crimedesk.ingest.textformat import TextFormat
from crimedesk.ingest.workbook import sheet_names
from crimedesk.ui.dialogs.column_mapping_form import delimiter_combo, encoding_combo
from crimedesk.ui.widgets.plain_text import PlainLabel


@dataclass(frozen=True)
class ReadOptions:
    """The analyst's choices; None leaves it to the engine (sniffed, or the first sheet)."""

    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Detection:
    """A file read as asked: its facts, its workbook's sheets, and its profile or why none fits."""

    facts: FileFacts
    sheets: tuple[str, ...]
    found: Profile | ImportFileError


def detect(engine: Engine, path: Path, options: ReadOptions) -> Detection:
    """Inspect ``path`` as ``options`` say and find its profile (slow: hashes the file)."""
    facts = inspect_file(path, options.delimiter, options.encoding, options.sheet)
    sheets = sheet_names(path) if facts.sheet is not None else ()
    try:
        return Detection(facts, sheets, choose_profile(engine, facts, None))
    except ImportFileError as exc:  # the format is still worth showing, and Map columns… offered
        return Detection(facts, sheets, exc)


def described(detection: Detection, options: ReadOptions) -> str:
    """The format the import will use: the analyst's choice, else the profile's, else sniffed."""
    facts = detection.facts
    profile = detection.found if isinstance(detection.found, Profile) else None
    if facts.sheet is not None:
        return f"Excel workbook, sheet {facts.sheet}"
    sniffed = facts.text_format
    used = TextFormat(
        options.encoding or (profile.encoding if profile else None) or sniffed.encoding,
        options.delimiter or (profile.delimiter if profile else None) or sniffed.delimiter,
    )
    return f"read as {used.describe()}"


class ReadFormatRow(QWidget):
    """Emits ``changed`` when the analyst picks another encoding, delimiter or sheet."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.format = PlainLabel()
        self.encoding, self.delimiter, self.sheet = encoding_combo(), delimiter_combo(), QComboBox()
        self.text_labels = (QLabel("Encoding"), QLabel("Delimiter"))
        self.sheet_label = QLabel("Sheet")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.format, stretch=1)
        for label, combo in zip(self.text_labels, (self.encoding, self.delimiter), strict=True):
            row.addWidget(label)
            row.addWidget(combo)
        row.addWidget(self.sheet_label)
        row.addWidget(self.sheet)
        for combo in (self.encoding, self.delimiter, self.sheet):
            combo.currentIndexChanged.connect(self.changed)
        self.clear()

    def clear(self) -> None:
        """No file read yet: no format, and every choice back to the engine's."""
        for combo in (self.encoding, self.delimiter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._show_sheets(())
        self.format.setText("")
        self.hide()

    def options(self) -> ReadOptions:
        return ReadOptions(
            self.delimiter.currentData(), self.encoding.currentData(), self.sheet.currentText() or None
        )

    def show_detection(self, detection: Detection) -> None:
        self._show_sheets(detection.sheets, detection.facts.sheet)
        self.format.setText(described(detection, self.options()))
        for widget in (*self.text_labels, self.encoding, self.delimiter):
            widget.setVisible(detection.facts.sheet is None)
        self.show()

    def _show_sheets(self, sheets: tuple[str, ...], current: str | None = None) -> None:
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(sheets))
        if current:
            self.sheet.setCurrentText(current)
        self.sheet.blockSignals(False)
        self.sheet.setVisible(bool(sheets))
        self.sheet_label.setVisible(bool(sheets))
