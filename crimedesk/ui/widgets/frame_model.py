"""A read-only table model over a small pandas DataFrame (aggregates, never raw incidents)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from crimedesk.domain.display_text import display_text

if TYPE_CHECKING:  # pandas is imported with the first frame, not when the window is built
    import pandas as pd

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
Formatter = Callable[[Any], str]
Colourer = Callable[["pd.Series", str], QColor | None]


def plain(value: Any) -> str:
    """A cell as text: numbers (numpy's too) with thousands separators, a dash for none."""
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return "—"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


class FrameModel(QAbstractTableModel):
    """``columns``: (frame column, header, formatter); ``colour(row, column)`` tints a cell."""

    def __init__(self, columns: Sequence[tuple[str, str, Formatter]], colour: Colourer | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.colour = colour
        self._frame: pd.DataFrame | None = None  # empty until a frame is set or read
        self._cells: dict[str, list[Any]] = {}  # the shown columns as Python lists

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(columns=[c[0] for c in self.columns])
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        # data() runs for every cell and role, each a call from Qt into Python on the GUI thread:
        # a row Series per call (iloc) made a few hundred cells take 0.3 s while a feed was storing
        self._cells = {name: self._frame[name].tolist() for name, *_ in self.columns if name in self._frame}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._frame is None else len(self._frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        name, _header, fmt = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(fmt(self._cells[name][index.row()]))
        if role == SORT_ROLE:
            return _sortable(self._cells[name][index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.BackgroundRole and self.colour is not None:
            colour = self.colour(self.frame.iloc[index.row()], name)
            return QBrush(colour) if colour is not None else None
        return None


def _sortable(value: Any) -> Any:
    """Numbers sort as numbers; missing values sort first."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("-inf")
    if isinstance(value, int | float):
        return float(value)
    return str(value)
