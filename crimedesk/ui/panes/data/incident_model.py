"""A windowed table model over the filtered incidents: it knows the row count and holds only the
pages the view has asked for, each fetched (sorted, LIMIT/OFFSET) on a worker. Fast at millions of
rows because nothing but visible pages ever leaves the database.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from sqlalchemy import Engine

from crimedesk.analytics.incident_table import TABLE_COLUMNS, count_incidents, incident_page
from crimedesk.domain.display_text import display_text
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ui.runtime.workers import Job, submit
from crimedesk.ui.widgets.error_text import error_sentence

Index = QModelIndex | QPersistentModelIndex
PAGE_ROWS = 200
MAX_PAGES = 40  # rows held in memory: at most 8,000
LOADING = "…"


class IncidentTableModel(QAbstractTableModel):
    count_loaded = Signal(int)
    page_loaded = Signal(int)
    error = Signal(str)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.filters = FilterSnapshot()
        self.sort_column, self.descending = "occurred_from", True
        self.total = 0
        self.pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()
        self._requests: dict[QObject, tuple[int, int]] = {}  # job -> (generation, page)
        self._generation = 0
        self._count_job: Job | None = None

    def set_filters(self, filters: FilterSnapshot) -> None:
        """Count the filtered rows on a worker; the table resets when the count arrives."""
        self.filters = filters
        engine = self.engine

        def count(_progress: Any, _cancel: Any) -> int:
            with engine.connect() as conn:
                return count_incidents(conn, filters)

        self._count_job = submit(count, finished=self._count_loaded, failed=self._failed)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TABLE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return TABLE_COLUMNS[section][1] if orientation == Qt.Orientation.Horizontal else section + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
            return None
        row = self.row(index.row())
        if row is None:
            return LOADING if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.UserRole:
            return row[0]  # the incident id
        return display_text(_text(row[index.column() + 1]))

    def row(self, number: int) -> tuple[Any, ...] | None:
        """The row (id first) if its page is loaded; otherwise ask for the page and return None."""
        page, offset = divmod(number, PAGE_ROWS)
        rows = self.pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self.pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column = TABLE_COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.beginResetModel()
        self._forget_pages()
        self.endResetModel()

    def _request(self, page: int) -> None:
        if any(request == (self._generation, page) for request in self._requests.values()):
            return
        engine, f = self.engine, self.filters
        sort, descending = self.sort_column, self.descending

        def fetch(_progress: Any, _cancel: Any) -> list[tuple[Any, ...]]:
            with engine.connect() as conn:
                return incident_page(conn, f, sort, descending, page * PAGE_ROWS, PAGE_ROWS)

        job = submit(fetch, finished=self._page_fetched, failed=self._failed)
        self._requests[job] = (self._generation, page)

    @Slot(object)
    def _page_fetched(self, rows: list[tuple[Any, ...]]) -> None:
        generation, page = self._requests.pop(self.sender(), (None, None))
        if generation != self._generation or page is None:
            return  # rows for an older filter or sort order
        self.pages[page] = rows
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        first = page * PAGE_ROWS
        last = min(first + len(rows), self.total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        self.page_loaded.emit(page)

    @Slot(object)
    def _count_loaded(self, total: int) -> None:
        if self.sender() is not self._count_job:
            return
        self.beginResetModel()
        self._forget_pages()
        self.total = total
        self.endResetModel()
        self.count_loaded.emit(total)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self._requests.pop(self.sender(), None)
        self.error.emit(error_sentence("the incident table could not be loaded", exc))

    def _forget_pages(self) -> None:
        self._generation += 1
        self.pages.clear()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
