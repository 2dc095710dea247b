"""Data pane: the filtered incidents (DB-paged), one incident's details, and the upload history.

The details show the current incident of the shared SelectionState, whoever selected it: a row of
this table or an incident clicked on the map.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.analytics.incident_table import incident_details
from crimedesk.analytics.incident_words import incident_fields, incident_title
from crimedesk.auth.user import User
from crimedesk.domain.display_text import html_text
from crimedesk.state.filters import FilterState
from crimedesk.state.selection import SelectionState
from crimedesk.ui.panes.data.incident_model import IncidentTableModel
from crimedesk.ui.panes.data.uploads_view import UploadsView
from crimedesk.ui.runtime.subscriptions import subscribe_while_alive
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.error_text import error_sentence

log = logging.getLogger(__name__)
LABEL_STYLE = "color:#666;padding-right:8px"  # the details' field labels


class DataPane(QTabWidget):
    error = Signal(str)

    def __init__(
        self,
        engine: Engine,
        state: FilterState,
        parent: QWidget | None = None,
        selection: SelectionState | None = None,
        user: User | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine, self.state = engine, state
        self.selection = selection or SelectionState()
        self.model = IncidentTableModel(engine)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel("Counting…")  # not "count": QTabWidget.count() is the tab count
        self.details = QTextBrowser()
        self.details.setPlaceholderText("Select an incident to see all its fields")
        self.uploads = UploadsView(engine, user=user)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip(
            "Write the incidents the filters select to CSV, GeoJSON, GeoPackage or Parquet"
        )
        self.export_button.clicked.connect(self._open_export)
        self._details_query = LatestQuery(self._show_details, self._failed, self)
        self._build()
        self.model.count_loaded.connect(self._count_loaded)
        self.model.error.connect(self.error)
        self.uploads.error.connect(self.error)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        subscribe_while_alive(self, state.subscribe, lambda snapshot, _: self.model.set_filters(snapshot))
        subscribe_while_alive(self, self.selection.subscribe, lambda _ids: self._show_selected())

    def _open_export(self) -> None:
        from crimedesk.ui.dialogs.export_dialog import ExportDialog  # GDAL/pandas: not at start-up

        ExportDialog(self.engine, self.state.snapshot, self).open()

    def _build(self) -> None:
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addWidget(self.table)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.addTab(split, "Incidents")
        self.addTab(self.uploads, "Uploads")

    def refresh(self) -> None:
        self.model.set_filters(self.state.snapshot)
        self.uploads.refresh()

    def _count_loaded(self, total: int) -> None:
        self.count_label.setText(
            f"{total:,} incidents match the filters · click a header to sort (in the database)"
        )
        for column, width in ((0, 120), (1, 70), (2, 160), (3, 200), (4, 190), (5, 160)):
            self.table.setColumnWidth(column, width)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        incident_id = current.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if incident_id is not None:
            self.selection.select(incident_id)

    def _show_selected(self) -> None:
        """Query the details of the selection's current incident on a worker (none: clear them,
        after any answer still on its way, which is then dropped)."""
        incident_id, engine = self.selection.current, self.engine
        self._details_query.run(lambda: None if incident_id is None else _details(engine, incident_id))

    def _show_details(self, fields: dict[str, Any] | None) -> None:
        if fields is None:
            self.details.clear()
            return
        rows = "".join(
            f"<tr><td style='{LABEL_STYLE}'>{html_text(label)}</td><td>{html_text(value)}</td></tr>"
            for label, value in incident_fields(fields)
        )
        self.details.setHtml(f"<h3>{html_text(incident_title(fields))}</h3><table>{rows}</table>")

    def _failed(self, exc: Exception) -> None:
        log.error("incident details failed: %s", exc)
        self.error.emit(error_sentence("the incident's details could not be loaded", exc))


def _details(engine: Engine, incident_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return incident_details(conn, incident_id)
