"""CompStat table: WTD, 28-day and YTD per region vs a year earlier, sortable; double-click filters.

A change is tinted when the exact test for two Poisson counts gives p < 0.05; hovering the diff or
p cell says why a cell is or is not tinted. The "(none)" row is never tested.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from crimedesk.analytics.compstat import CITYWIDE, PERIODS, CompStat
from crimedesk.analytics.significance import ALPHA, ChangeTest
from crimedesk.analytics.sqltime import YEAR_BACK_RULE
from crimedesk.state.filters import FilterState
from crimedesk.ui.widgets.frame_model import SORT_ROLE, Formatter, FrameModel, Index, plain
from crimedesk.ui.widgets.plain_text import PlainLabel

PERIOD_LABELS = {"wtd": "WTD", "d28": "28d", "ytd": "YTD"}
UP, DOWN = QColor("#f6c6c0"), QColor("#c8e6c9")


def _pct(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.1f} %"


def _p(test: ChangeTest | None) -> str:
    if test is None:
        return "—"
    if not test.testable:
        return "n/a"
    return "<0.001" if test.p_value < 0.001 else f"{test.p_value:.3f}"


def _signed(value: Any) -> str:
    return f"{int(value):+,}"


def _columns() -> list[tuple[str, str, Formatter]]:
    columns: list[tuple[str, str, Formatter]] = [
        ("region", "Region", lambda v: "(none)" if v is None else str(v))
    ]
    for p in PERIODS:
        label = PERIOD_LABELS[p]
        columns += [
            (p, label, plain),
            (f"{p}_prev", f"{label} LY", plain),
            (f"{p}_diff", "Diff", _signed),
            (f"{p}_pct", "%", _pct),
            (f"{p}_test", "p", _p),
        ]
    return columns


def _colour(row: pd.Series, column: str) -> QColor | None:
    """Tint the diff and p cells of significant changes (p < 0.05): red up, green down."""
    period = column.split("_")[0]
    if not column.endswith(("_test", "_diff")) or not row.get(f"{period}_significant", False):
        return None
    return UP if row[f"{period}_diff"] > 0 else DOWN


def _tooltip(row: pd.Series, column: str) -> str | None:
    """Why the diff or p cell of a period is (not) tinted, as plain text."""
    if not column.endswith(("_test", "_diff")):
        return None
    if not isinstance(row["region"], str):  # None, or NaN once pandas has inferred a string dtype
        return (
            "Incidents in no region (no region code, or not placed inside any boundary, e.g. no"
            " coordinates): counted in Citywide, never tested, since they are not a place"
        )
    test = row[f"{column.split('_')[0]}_test"]
    return None if test is None else test.describe()


class CompStatModel(FrameModel):
    """The frame model plus a plain-text tooltip on each diff and p cell; p cells sort by p-value
    (untested ones last)."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        column = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(self.frame.iloc[index.row()], column)
        if role == SORT_ROLE and column.endswith("_test"):
            test = self.frame.iloc[index.row()][column]
            return test.p_value if isinstance(test, ChangeTest) and test.testable else 2.0
        return super().data(index, role)


class CompStatTable(QWidget):
    def __init__(self, state: FilterState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.layer: str | int = "district"
        self.title = PlainLabel("CompStat")  # a layer's name is data: never HTML
        self.title.setStyleSheet("font-weight: bold")
        self.title.setWordWrap(True)
        self.model = CompStatModel(_columns(), _colour)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # Citywide last
        self.view.verticalHeader().hide()
        # compact rows: on a 1280×800 screen the table has about 80 px, room for 4 regions, not 2
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(self._region_chosen)
        self.status = PlainLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.status)

    def show_result(self, result: CompStat, layer: str | int) -> None:
        self.layer = layer
        self.model.set_frame(result.table)
        (week, _), (d28, _), (ytd, _) = (result.periods[p] for p in PERIODS)
        self.title.setText(f"CompStat by {result.basis}, as of {result.as_of:%a %Y-%m-%d}")
        self.status.setText(
            "(none) = incidents in no region: counted in Citywide, never tested · "
            f"WTD from {week.start:%m-%d}, 28d from {d28.start:%m-%d}, YTD from {ytd.start:%m-%d};"
            f" LY = {YEAR_BACK_RULE} · tinted: p < {ALPHA:g} (exact Poisson test; n/a = too few"
            " to test) · double-click a region to filter"
        )
        self.status.setStyleSheet("color: #666")

    def show_error(self, exc: Exception) -> None:
        self.status.setText(f"⚠ {exc}")
        self.status.setStyleSheet("color: #b00")

    def _region_chosen(self, index: QModelIndex) -> None:
        region = self.model.frame.iloc[self.proxy.mapToSource(index).row()]["region"]
        if region is not None and region != CITYWIDE:
            self.state.update(region_layer_id=self.layer, region_ids={str(region)})
