"""UCR pane: FBI state and national trends (counts or rates per 100,000) with the FBI's caveats.

Every number comes from ``crimedesk.analytics.ucr``; queries run on workers. The pane reads the
store each time it is shown, so a UCR file imported meanwhile appears without a restart.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.analytics.ucr import ucr_trend
from crimedesk.analytics.ucr_meta import (
    CRIME_LABELS,
    DEFINITION_NOTES,
    caveat_lines,
    ucr_caveats,
    ucr_states,
)
from crimedesk.domain.display_text import html_text
from crimedesk.domain.ucr import UCR_CRIMES
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.deferred import DeferredWidget
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.multiselect import MultiSelect
from crimedesk.ui.widgets.plain_text import rich_label

if TYPE_CHECKING:  # pandas and pyqtgraph: imported when the pane first shows
    import pandas as pd

    from crimedesk.ui.panes.ucr.ucr_chart import UcrChart

log = logging.getLogger(__name__)
NATIONAL = "US"
EMPTY_TEXT = (
    "No FBI UCR figures in this store yet.\n\nImport the FBI estimated-crimes table with "
    "File ▸ Import… or on the command line:\n\n"
    "    crimedesk import fbi_ucr_estimated_crimes_1979_2019.csv"
)


class UcrPane(QWidget):
    error = Signal(str)
    recovered = Signal()  # figures shown again after an error

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.crime = QComboBox()
        for crime in UCR_CRIMES:
            self.crime.addItem(CRIME_LABELS[crime], crime)
        self.rate = QRadioButton("Rate per 100,000")
        self.count = QRadioButton("Count")
        self.rate.setChecked(True)
        self.states = MultiSelect("Search states…")
        self.states.clear_button.setText("US")
        self.states.clear_button.setToolTip("Back to the national series only")
        self.states.set_selected(frozenset({NATIONAL}))
        self.chart_slot: DeferredWidget[UcrChart] = DeferredWidget(self._make_chart)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px")
        self.caveats_title = rich_label()
        self.caveats = QPlainTextEdit()
        self.caveats.setReadOnly(True)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setStyleSheet("color: #666; font-size: 13pt")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.caveat_rows: pd.DataFrame | None = None  # none read yet
        self._states_query = LatestQuery(self._show_states, self._failed, self)
        self._series_query = LatestQuery(self._show_series, self._failed, self)
        self._build()
        self.crime.currentIndexChanged.connect(lambda _index: self.query())
        self.states.selection_changed.connect(lambda _selected: self.query())
        self.rate.toggled.connect(lambda _checked: self._replot())

    def _build(self) -> None:
        side = QWidget()
        controls = QVBoxLayout(side)
        controls.addWidget(QLabel("<b>Crime</b>"))
        controls.addWidget(self.crime)
        measure = QHBoxLayout()
        measure.addWidget(self.rate)
        measure.addWidget(self.count)
        controls.addLayout(measure)
        controls.addWidget(QLabel("<b>States</b> (none ticked: national)"))
        controls.addWidget(self.states, stretch=1)
        main = QWidget()
        right = QVBoxLayout(main)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.note)
        right.addWidget(self.chart_slot, stretch=3)
        right.addWidget(self.caveats_title)
        right.addWidget(self.caveats, stretch=1)
        split = QSplitter()
        split.addWidget(side)
        split.addWidget(main)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 800])
        self.stack.addWidget(self.empty)
        self.stack.addWidget(split)
        QVBoxLayout(self).addWidget(self.stack)

    @property
    def chart(self) -> UcrChart:
        return self.chart_slot.widget()

    def _make_chart(self) -> UcrChart:
        from crimedesk.ui.panes.ucr.ucr_chart import UcrChart

        chart = UcrChart(engine=self.engine)
        chart.year_clicked.connect(self._show_caveats)
        return chart

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.chart_slot.widget()  # pyqtgraph is imported the first time the pane shows
        self.refresh()

    def refresh(self) -> None:
        """Re-read the states on file (on a worker), then the series."""
        engine = self.engine

        def query() -> list[tuple[str, str]]:
            with engine.connect() as conn:
                return ucr_states(conn)

        self._states_query.run(query)

    def selected_states(self) -> list[str]:
        return sorted(self.states.selected()) or [NATIONAL]

    def selected_crime(self) -> str:
        return self.crime.currentData()

    def query(self) -> None:
        engine, states, crime = self.engine, self.selected_states(), self.selected_crime()

        def query() -> tuple[pd.DataFrame, pd.DataFrame]:
            with engine.connect() as conn:
                return ucr_trend(conn, states, crime), ucr_caveats(conn, states)

        self._series_query.run(query)

    def _show_states(self, states: list[tuple[str, str]]) -> None:
        self.stack.setCurrentIndex(1 if states else 0)
        if states:
            self.states.set_items(states)
            self.query()

    def _show_series(self, result: tuple[pd.DataFrame, pd.DataFrame]) -> None:
        self.recovered.emit()
        frame, self.caveat_rows = result
        note = DEFINITION_NOTES.get(self.selected_crime())
        self.note.setText(note or "")
        self.note.setVisible(note is not None)
        self.chart.show_series(frame, self._measure())
        self._show_caveats(None)

    def _replot(self) -> None:
        self.chart.show_series(self.chart.frame, self._measure())

    def _measure(self) -> str:
        return "rate" if self.rate.isChecked() else "count"

    def _show_caveats(self, year: int | None) -> None:
        lines = [] if self.caveat_rows is None else caveat_lines(self.caveat_rows, year)
        scope = "all years" if year is None else str(year)
        states = ", ".join(self.selected_states())
        self.caveats_title.setText(f"<b>FBI caveats</b> · {html_text(states)} · {scope}")
        self.caveats.setPlainText("\n\n".join(lines) or f"No caveats for {states} in {scope}.")

    def _failed(self, exc: Exception) -> None:
        log.error("UCR query failed: %s", exc)
        self.stack.setCurrentIndex(1)
        self.chart.show_error(exc)
        self.error.emit(error_sentence("the FBI UCR figures could not be read", exc))
