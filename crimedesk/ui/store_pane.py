"""The "Store" pane: what the open store holds, from :func:`crimedesk.storage.summary.store_summary`."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.storage.summary import ImportRecord, StoreSummary, store_summary

EMPTY_MESSAGE = "No incidents yet — import a file with <code>crimedesk import FILE</code>"
IMPORT_COLUMNS = (
    "File",
    "Profile",
    "Status",
    "Started",
    "Read",
    "Inserted",
    "Updated",
    "Unchanged",
    "Rejected",
)


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    """A read-only table; the first (name) column takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    """Show ``rows``; numbers are right-aligned with thousands separators."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            number = isinstance(value, int)
            item = QTableWidgetItem(f"{value:,}" if number else str(value))
            if number:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class StorePane(QWidget):
    """Overview of the store; call :meth:`refresh` after the window is shown."""

    summary_loaded = Signal(object)  # StoreSummary

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.headline = QLabel("Reading the store…")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.headline.setFont(font)
        self.span = QLabel()
        self.mappable = QLabel()
        self.layers = QLabel()
        self.sources = _table(("Source", "Incidents"))
        self.imports = _table(IMPORT_COLUMNS)
        self._build()

    def _build(self) -> None:
        facts = QFormLayout()
        facts.addRow("Occurred:", self.span)
        facts.addRow("With coordinates:", self.mappable)
        facts.addRow("Boundary layers:", self.layers)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addLayout(facts)
        details.addWidget(self.sources)
        self.sources.setMaximumSize(420, 140)
        history = QGroupBox("Recent imports")
        QVBoxLayout(history).addWidget(self.imports)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addWidget(history, stretch=1)

    def refresh(self) -> None:
        """Query the store and show the result."""
        summary = store_summary(self._engine)
        self.show_summary(summary)
        self.summary_loaded.emit(summary)

    def show_summary(self, summary: StoreSummary) -> None:
        if summary.is_empty:
            self.headline.setText(EMPTY_MESSAGE)
        else:
            self.headline.setText(f"<b>{summary.total_incidents:,}</b> incidents")
        self.span.setText(f"{_when(summary.first_occurred)} – {_when(summary.last_occurred)}")
        share = summary.mappable_share
        self.mappable.setText("—" if share is None else f"{share:.1%}")
        self.layers.setText(", ".join(summary.boundary_layers) or "none loaded")
        _fill(self.sources, sorted(summary.by_source.items(), key=lambda item: -item[1]))
        _fill(self.imports, [_import_row(record) for record in summary.recent_imports])
        self.details.setVisible(not summary.is_empty)


def _import_row(record: ImportRecord) -> tuple[object, ...]:
    return (
        record.file_name,
        record.profile,
        record.status,
        _when(record.started_at),
        record.rows_read,
        record.inserted,
        record.updated,
        record.unchanged,
        record.rejected,
    )
