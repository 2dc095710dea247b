"""A read-only table model over a small pandas DataFrame (aggregates, never raw incidents)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from crimedesk.domain.display_text import display_text

if TYPE_CHECKING:  # pandas is imported with the first frame, not when the window is built
    import pandas as pd

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
Formatter = Callable[[Any], str]
Row = Mapping[str, Any]  # one row of the frame, column name to value
Colourer = Callable[[Row, str], QColor | None]


def plain(value: Any) -> str:
    """A cell as text: numbers (numpy's too) with thousands separators, a dash for none."""
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return "—"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


class FrameModel(QStandardItemModel):
    """``columns``: (frame column, header, formatter); ``colour(row, column)`` tints a cell.

    Every cell is made once, when a frame is set, into Qt's own item model: painting the table
    then calls no Python. A Python ``data()`` was called for every cell and role on each repaint
    (3,000 calls for the CompStat table), each taking the GIL back from the threads storing a
    live feed, and froze the window for up to a second while alerts arrived at 5,000 a second.
    """

    def __init__(self, columns: Sequence[tuple[str, str, Formatter]], colour: Colourer | None = None) -> None:
        super().__init__(0, len(columns))
        self.columns = list(columns)
        self.colour = colour
        self._frame: pd.DataFrame | None = None  # empty until a frame is set or read
        self._rows: list[dict[str, Any]] = []  # the rows, by column name
        self.setHorizontalHeaderLabels([header for _name, header, _fmt in self.columns])

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(columns=[c[0] for c in self.columns])
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        self._frame = frame.reset_index(drop=True)
        self._rows = self._frame.to_dict("records")
        self.setRowCount(0)
        for row in self._rows:
            self.appendRow([self._item(row, number, name) for number, (name, *_) in enumerate(self.columns)])

    def row(self, number: int) -> Row:
        """Row ``number`` of the frame (by column name), without building a pandas row."""
        return self._rows[number]

    def _item(self, row: Row, number: int, name: str) -> QStandardItem:
        value = row.get(name)
        item = QStandardItem(display_text(self.columns[number][2](value)))
        item.setEditable(False)
        item.setData(self.sort_key(row, name), SORT_ROLE)
        if number > 0:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        colour = self.colour(row, name) if self.colour is not None else None
        if colour is not None:
            item.setBackground(QBrush(colour))
        tip = self.tooltip(row, name)
        if tip is not None:
            item.setToolTip(tip)
        return item

    def sort_key(self, row: Row, name: str) -> Any:
        """What the cell sorts by: numbers as numbers, missing values first."""
        return _sortable(row.get(name))

    def tooltip(self, row: Row, name: str) -> str | None:
        """The cell's tooltip (plain text), if any."""
        return None


def _sortable(value: Any) -> Any:
    """Numbers sort as numbers; missing values sort first."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("-inf")
    if isinstance(value, int | float):
        return float(value)
    return str(value)
