"""How the selected experiment compares with its baselines: the headline, the table, the chart.

Everything that differs per kind comes from its declaration (``KindSpec.comparison_table``,
``headline``, ``forecast_series``); this view never looks at a kind's name or a metric's shape.
Text from the store (names, errors) is shown as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crimedesk.models.catalog import recorded_kind
from crimedesk.models.experiments import Experiment
from crimedesk.ui.widgets.deferred import DeferredWidget

if TYPE_CHECKING:  # pyqtgraph: imported when a forecast is first shown, not at start-up
    from crimedesk.ui.panes.models.models_forecast_chart import ForecastChart

PROMPT = "Select an experiment to see how it compares with its baselines"
BASELINE_WINS_STYLE = "color: #b00; font-weight: bold"


class ComparisonView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _plain_label("font-weight: bold")
        self.headline = _plain_label("font-weight: bold")
        self.headline.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart_slot: DeferredWidget[ForecastChart] = DeferredWidget(_forecast_chart)
        self.chart_slot.hide()
        self.note = _plain_label("color: #666")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.chart_slot, stretch=2)
        layout.addWidget(self.note)
        self.show_experiment(None)

    @property
    def chart(self) -> ForecastChart:
        return self.chart_slot.widget()

    def show_experiment(self, exp: Experiment | None) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.note.setText("")
        self.chart_slot.hide()
        self.headline.setStyleSheet("font-weight: bold")
        if exp is None:
            self.title.setText(PROMPT)
            self.headline.setText("")
            return
        spec = recorded_kind(exp.model_kind)
        name = spec.display_name if spec else exp.model_kind
        self.title.setText(f"Experiment {exp.id}: {exp.name} ({name}, seed {exp.seed})")
        if spec is None or not exp.metrics:
            reason = exp.error or f"the run is {exp.status} and recorded no metrics"
            if spec is None:
                reason = f"the kind {exp.model_kind!r} is not registered in this version"
            self.headline.setText(f"No comparison: {reason}")
            return
        headline = spec.headline(exp.metrics)
        self.headline.setText(headline.sentence)
        notes = []
        if headline.baseline_wins:
            self.headline.setStyleSheet(BASELINE_WINS_STYLE)
            notes.append("This model did not beat its best baseline: do not promote it.")
        self._fill_table(spec.comparison_table(exp.metrics).to_dict("split"))
        series = spec.forecast_series(exp.metrics) if spec.forecast_series else None
        if series:
            self.chart.show_series(series, exp.model_kind)
            self.chart_slot.show()
            notes.append(
                "One-step-ahead forecasts on the backtest origins; the band is the model's interval."
            )
        elif spec.forecast_series:
            notes.append("This run predates stored forecast series: backtest scores only.")
        self.note.setText(" ".join(notes))

    def _fill_table(self, split: dict[str, Any]) -> None:
        columns, rows = split["columns"], split["data"]
        role = columns.index("role")
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(format_cell(value))
                if values[role] == "model":
                    item.setFont(bold)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def rows(self) -> list[list[str]]:
        """The table as shown (for tests and copying)."""
        items = [
            [self.table.item(r, c) for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
        return [[item.text() if item is not None else "" for item in row] for row in items]


def _forecast_chart() -> ForecastChart:
    from crimedesk.ui.panes.models.models_forecast_chart import ForecastChart

    return ForecastChart()


def format_cell(value: Any) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _plain_label(style: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(style)
    return label
