"""A read-only table model over a small pandas DataFrame (aggregates, never raw incidents)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crimedesk.domain.display_text import display_text

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
Formatter = Callable[[Any], str]
Colourer = Callable[[pd.Series, str], QColor | None]


def plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


class FrameModel(QAbstractTableModel):
    """``columns``: (frame column, header, formatter); ``colour(row, column)`` tints a cell."""

    def __init__(self, columns: Sequence[tuple[str, str, Formatter]], colour: Colourer | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.colour = colour
        self.frame = pd.DataFrame(columns=[c[0] for c in columns])

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        name, _header, fmt = self.columns[index.column()]
        value = self.frame.iloc[index.row()][name]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(fmt(value))
        if role == SORT_ROLE:
            return _sortable(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.BackgroundRole and self.colour is not None:
            colour = self.colour(self.frame.iloc[index.row()], name)
            return QBrush(colour) if colour is not None else None
        return None


def _sortable(value: Any) -> Any:
    """Numbers sort as numbers; missing values sort first."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return float("-inf")
    if isinstance(value, int | float):
        return float(value)
    return str(value)
