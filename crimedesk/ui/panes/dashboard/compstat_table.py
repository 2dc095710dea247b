"""CompStat table: WTD, 28-day and YTD per region vs a year earlier, sortable; double-click filters.

A change is tinted when the exact test for two Poisson counts gives p < 0.05; hovering the diff or
p cell says why a cell is or is not tinted. The "(none)" row is never tested. Regions show their
names where the layer has them. Copy puts the table on the clipboard (tab-separated, for a
spreadsheet); Export CSV… writes it to a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, QStandardPaths, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from crimedesk.analytics.compstat import CITYWIDE, PERIODS, CompStat
from crimedesk.analytics.compstat_export import copy_compstat, export_compstat_csv
from crimedesk.analytics.significance import ALPHA, ChangeTest
from crimedesk.analytics.sqltime import YEAR_BACK_RULE
from crimedesk.auth.session import acting_user
from crimedesk.domain.errors import CrimedeskError
from crimedesk.state.filters import FilterState
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.frame_model import SORT_ROLE, Formatter, FrameModel, Row, plain
from crimedesk.ui.widgets.plain_text import PlainLabel

EXPORT_ERRORS = (OSError, CrimedeskError, SQLAlchemyError)
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
    columns: list[tuple[str, str, Formatter]] = [("label", "Region", plain)]
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


def _colour(row: Row, column: str) -> QColor | None:
    """Tint the diff and p cells of significant changes (p < 0.05): red up, green down."""
    period = column.split("_")[0]
    if not column.endswith(("_test", "_diff")) or not row.get(f"{period}_significant", False):
        return None
    return UP if row[f"{period}_diff"] > 0 else DOWN


def _tooltip(row: Row, column: str) -> str | None:
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

    def tooltip(self, row: Row, name: str) -> str | None:
        return _tooltip(row, name)

    def sort_key(self, row: Row, name: str) -> object:
        if name.endswith("_test"):
            test = row[name]
            return test.p_value if isinstance(test, ChangeTest) and test.testable else 2.0
        return super().sort_key(row, name)


def _label(region: object, name: object) -> str:
    """``NAME (code)`` where the region has a name, else its code; "(none)" for no region."""
    if not isinstance(region, str):
        return "(none)"
    return f"{name} ({region})" if isinstance(name, str) and name else region


class CompStatTable(QWidget):
    def __init__(
        self, state: FilterState, engine: Engine | None = None, parent: QWidget | None = None
    ) -> None:
        """``engine``: the store, which records who exported the table (no Copy/Export without)."""
        super().__init__(parent)
        self.state, self._engine = state, engine
        self.layer: str | int = "district"
        self.result: CompStat | None = None
        self.copy_action = QAction("Copy table", self)
        self.copy_action.setToolTip("Copy the table, to paste into a spreadsheet")
        self.export_action = QAction("Export CSV…", self)
        self.export_action.setToolTip("Save the table as a CSV file")
        # one narrow button with a menu: the title keeps its width and the table its rows on a laptop
        self.export_button = QToolButton(self)  # parented: shown without one, it would be a window
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addActions([self.copy_action, self.export_action])
        self.export_button.setMenu(menu)
        self.export_button.setEnabled(False)
        self.export_button.setVisible(engine is not None)
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
        top = QHBoxLayout()
        top.addWidget(self.title, stretch=1)
        top.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.status)

        self.copy_action.triggered.connect(self.copy)
        self.export_action.triggered.connect(self._export_clicked)
        if engine is not None:  # also on the table's right-click menu
            self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            self.view.addActions([self.copy_action, self.export_action])

    def show_result(self, result: CompStat, layer: str | int) -> None:
        self.layer, self.result = layer, result
        labels = [_label(r, n) for r, n in zip(result.table["region"], result.table["name"], strict=True)]
        self.model.set_frame(result.table.assign(label=pd.Series(labels, dtype=object)))
        self.export_button.setEnabled(True)
        (week, _), (d28, _), (ytd, _) = (result.periods[p] for p in PERIODS)
        self.title.setText(f"CompStat by {result.basis}, as of {result.as_of:%a %Y-%m-%d}")
        self.status.setText(
            "(none) = incidents in no region: counted in Citywide, never tested · "
            f"WTD from {week.start:%m-%d}, 28d from {d28.start:%m-%d}, YTD from {ytd.start:%m-%d};"
            f" LY = {YEAR_BACK_RULE} · tinted: p < {ALPHA:g} (exact Poisson test; n/a = too few"
            " to test) · double-click a region to filter"
        )
        self.status.setStyleSheet("color: #666")

    def copy(self) -> None:
        """The table to the clipboard (tab-separated)."""
        if self.result is None or self._engine is None:
            return
        engine = self._engine
        try:
            text = copy_compstat(engine, acting_user(engine), self.result, str(self.layer))
        except EXPORT_ERRORS as exc:
            self.status_error(error_sentence("the table could not be copied", exc))
            return
        QGuiApplication.clipboard().setText(text)
        self.status.setText(f"Copied {len(self.result.table):,} rows")

    def export_csv(self, path: Path) -> None:
        if self.result is None or self._engine is None:
            return
        engine = self._engine
        try:
            rows = export_compstat_csv(engine, acting_user(engine), self.result, str(self.layer), path)
        except EXPORT_ERRORS as exc:
            self.status_error(error_sentence(f"the table could not be saved to {path}", exc))
            return
        self.status.setText(f"Saved {rows:,} rows to {path}")

    def _export_clicked(self) -> None:
        if self.result is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"compstat_{self.result.as_of:%Y-%m-%d}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export CompStat", suggested, "CSV files (*.csv)")
        if path:
            self.export_csv(Path(path))

    def show_error(self, exc: Exception) -> None:
        self.status_error(str(exc))

    def status_error(self, text: str) -> None:
        self.status.setText(f"⚠ {text}")
        self.status.setStyleSheet("color: #b00")

    def _region_chosen(self, index: QModelIndex) -> None:
        region = self.model.row(self.proxy.mapToSource(index).row())["region"]
        if region is not None and region != CITYWIDE:
            self.state.update(region_layer_id=self.layer, region_ids={str(region)})
