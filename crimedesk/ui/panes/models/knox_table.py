"""The standard Knox table: one row per distance band, one column per time band, each cell the
observed/expected ratio of pairs and its p-value, coloured by significance."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

if TYPE_CHECKING:  # the test loads pandas, which waits until after the first paint
    from crimedesk.models.nearrepeat.knox import KnoxResult

#: (p below, background) from the strongest: more pairs than chance at p < 0.01, then p < 0.05.
SIGNIFICANCE_COLOURS: tuple[tuple[float, str], ...] = ((0.01, "#fc8d59"), (0.05, "#fee090"))


def significance_colour(ratio: float, p: float) -> str | None:
    """The cell's background: only for more pairs than chance (the test is one-sided)."""
    if not ratio > 1:
        return None
    return next((colour for below, colour in SIGNIFICANCE_COLOURS if p < below), None)


class KnoxTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, 0)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def show_result(self, result: KnoxResult | None) -> None:
        """Fill the table from ``result``; None empties it."""
        self.clear()
        if result is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        ratio = result.ratio
        self.setRowCount(ratio.shape[0])
        self.setColumnCount(ratio.shape[1])
        self.setVerticalHeaderLabels([f"{lo:g}–{hi:g} m" for lo, hi in pairwise(result.spatial_edges)])
        self.setHorizontalHeaderLabels([f"{lo:g}–{hi:g} days" for lo, hi in pairwise(result.temporal_edges)])
        for s in range(ratio.shape[0]):
            for t in range(ratio.shape[1]):
                self.setItem(s, t, self._cell(result, s, t))

    @staticmethod
    def _cell(result: KnoxResult, s: int, t: int) -> QTableWidgetItem:
        ratio, p = float(result.ratio[s, t]), float(result.p_values[s, t])
        text = "–" if ratio != ratio else f"{ratio:.2f}"
        item = QTableWidgetItem(f"{text}  (p {p:.3f})")
        item.setToolTip(
            f"{result.observed[s, t]:,.0f} pairs observed, {result.expected[s, t]:,.1f} expected by chance"
        )
        colour = significance_colour(ratio, p)
        if colour is not None:
            item.setBackground(QBrush(QColor(colour)))
        return item
