"""CompStat table: WTD, 28-day and YTD per region vs a year earlier, sortable; double-click filters."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from crimedesk.analytics.compstat import CITYWIDE, PERIODS, CompStat
from crimedesk.domain.display_text import html_text
from crimedesk.state.filters import FilterState
from crimedesk.ui.widgets.frame_model import SORT_ROLE, FrameModel, plain
from crimedesk.ui.widgets.plain_text import PlainLabel, rich_label

PERIOD_LABELS = {"wtd": "WTD", "d28": "28d", "ytd": "YTD"}
UP, DOWN = QColor("#f6c6c0"), QColor("#c8e6c9")


def _pct(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.1f} %"


def _z(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:+.1f}"


def _signed(value: object) -> str:
    return f"{int(value):+,}"


def _columns() -> list[tuple[str, str, object]]:
    columns: list[tuple[str, str, object]] = [
        ("region", "Region", lambda v: "(none)" if v is None else str(v))
    ]
    for p in PERIODS:
        label = PERIOD_LABELS[p]
        columns += [
            (p, label, plain),
            (f"{p}_prev", f"{label} LY", plain),
            (f"{p}_diff", "Diff", _signed),
            (f"{p}_pct", "%", _pct),
            (f"{p}_z", "z", _z),
        ]
    return columns


def _colour(row: pd.Series, column: str) -> QColor | None:
    """Tint the z and diff cells of significant changes (|z| >= 2): red up, green down."""
    period = column.split("_")[0]
    if not column.endswith(("_z", "_diff")) or not row.get(f"{period}_significant", False):
        return None
    return UP if row[f"{period}_z"] > 0 else DOWN


class CompStatTable(QWidget):
    def __init__(self, state: FilterState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.layer: str | int = "district"
        self.title = rich_label("<b>CompStat</b>")
        self.model = FrameModel(_columns(), _colour)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # Citywide last
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(self._region_chosen)
        self.status = PlainLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.status)

    def show_result(self, result: CompStat, layer: str | int) -> None:
        self.layer = layer
        self.model.set_frame(result.table)
        (week, _), (d28, _), (ytd, _) = (result.periods[p] for p in PERIODS)
        self.title.setText(f"<b>CompStat by {html_text(layer)}</b> as of {result.as_of:%a %Y-%m-%d}")
        self.status.setText(
            f"WTD from {week.start:%m-%d}, 28d from {d28.start:%m-%d}, YTD from {ytd.start:%m-%d};"
            " LY = same days a year earlier · tinted: |z| ≥ 2 · double-click a region to filter"
        )
        self.status.setStyleSheet("color: #666")

    def show_error(self, exc: Exception) -> None:
        self.status.setText(f"⚠ {exc}")
        self.status.setStyleSheet("color: #b00")

    def _region_chosen(self, index: QModelIndex) -> None:
        region = self.model.frame.iloc[self.proxy.mapToSource(index).row()]["region"]
        if region is not None and region != CITYWIDE:
            self.state.update(region_layer_id=self.layer, region_ids={str(region)})
