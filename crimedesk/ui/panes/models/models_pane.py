"""Models pane: recorded experiments, training new ones on a worker, and how each compares.

The table lists every experiment (newest first) from ``crimedesk.models.experiments``; selecting
one shows its model-vs-baselines table with the verdict, saying plainly when a baseline wins.
Training, listing, promoting and deleting all run on workers; the pane shows only the newest list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.domain.display_text import html_text
from crimedesk.models.experiments import (
    Experiment,
    delete_experiment,
    list_experiments,
    promote,
    run_experiment,
)
from crimedesk.models.map_hotspots import hotspot_polygons, polygons_geojson
from crimedesk.models.map_output import cells_geojson, risk_cells
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.models.models_compare import comparison, format_cell, headline
from crimedesk.ui.panes.models.models_forecast_chart import ForecastChart
from crimedesk.ui.panes.models.models_train import TrainDialog, TrainRequest
from crimedesk.ui.runtime.workers import Job, LatestQuery, submit
from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text

log = logging.getLogger(__name__)
COLUMNS = ("id", "name", "kind", "task", "status", "created", "duration", "headline", "verdict", "promoted")
# Tasks whose output can go to the map: (computed on a worker, turned into GeoJSON on the UI thread, noun).
MAP_OUTPUTS: dict[str, tuple[Callable[[Engine, int], Any], Callable[[Any], dict], str]] = {
    "risk": (risk_cells, cells_geojson, "flagged cells"),
    "hotspots": (hotspot_polygons, polygons_geojson, "hotspot polygons"),
}


class ModelsPane(QWidget):
    error = Signal(str)
    experiments_loaded = Signal()

    def __init__(
        self,
        engine: Engine,
        state: FilterState,
        show_on_map: Callable[[str, dict], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine, self.state = engine, state
        self.show_on_map = show_on_map  # receives (layer name, GeoJSON) for the map pane
        self.experiments: list[Experiment] = []
        self.training: Job | None = None
        self.dialog: TrainDialog | None = None
        self._list_query = LatestQuery(self._show_experiments, self._failed, self)
        self._select_after: int | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.train_button = QPushButton("Train…")
        self.refresh_button = QPushButton("Refresh")
        self.promote_button = QPushButton("Promote")
        self.delete_button = QPushButton("Delete")
        self.map_button = QPushButton("Show on map")
        self.map_button.setToolTip(
            "A risk model's flagged cells for the day after its data, or a hotspot model's polygons"
        )
        self.map_button.clicked.connect(self.show_selected_on_map)
        self.train_button.clicked.connect(self.open_train_dialog)
        self.refresh_button.clicked.connect(self.refresh)
        self.promote_button.clicked.connect(self.promote_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_training)
        self.status = PlainLabel()
        self.status.setStyleSheet("color: #666")
        bar = QHBoxLayout()
        buttons = (
            self.train_button,
            self.refresh_button,
            self.promote_button,
            self.delete_button,
            self.map_button,
        )
        for button in buttons:
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            bar.addWidget(button)
        bar.addWidget(self.progress, stretch=1)
        bar.addWidget(self.cancel_button)
        bar.addStretch(0)
        self._set_running(False)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("verdict"), QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.details_title = QLabel("<b>Select an experiment to see how it compares with its baselines</b>")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.compare_table = QTableWidget(0, 0)
        self.compare_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare_table.verticalHeader().setVisible(False)
        self.compare_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666")
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.details_title, self.verdict):
            details_layout.addWidget(widget)
        details_layout.addWidget(self.compare_table, stretch=1)
        self.forecast_chart = ForecastChart()
        self.forecast_chart.hide()
        details_layout.addWidget(self.forecast_chart, stretch=2)
        details_layout.addWidget(self.note)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, stretch=1)
        self._update_buttons()

    # ---- the experiments table -------------------------------------------------------------

    def refresh(self) -> None:
        engine = self.engine
        self._list_query.run(lambda: list_experiments(engine))

    def _show_experiments(self, experiments: list[Experiment]) -> None:
        keep = self._select_after if self._select_after is not None else self.selected_id()
        self._select_after = None
        self.experiments = experiments
        self.table.blockSignals(True)
        self.table.setRowCount(len(experiments))
        for row, exp in enumerate(experiments):
            for col, text in enumerate(_row_texts(exp)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, exp.id)
                if COLUMNS[col] in ("id", "duration"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if COLUMNS[col] == "verdict":
                    item.setToolTip(as_rich_text(text))
                self.table.setItem(row, col, item)
        self.table.clearSelection()
        self.table.blockSignals(False)
        ids = [e.id for e in experiments]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        else:
            self._selection_changed()
        self.experiments_loaded.emit()

    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def selected(self) -> Experiment | None:
        chosen = self.selected_id()
        return next((e for e in self.experiments if e.id == chosen), None)

    def select_experiment(self, experiment_id: int) -> None:
        ids = [e.id for e in self.experiments]
        if experiment_id in ids:
            self.table.selectRow(ids.index(experiment_id))

    def _update_buttons(self) -> None:
        exp = self.selected()
        self.promote_button.setEnabled(exp is not None and exp.status == "ok" and not exp.promoted)
        self.delete_button.setEnabled(exp is not None and self.training is None)
        mappable = exp is not None and exp.task in MAP_OUTPUTS and exp.status == "ok"
        self.map_button.setEnabled(mappable and self.show_on_map is not None)

    def show_selected_on_map(self) -> None:
        """Compute the selected model's map output on a worker, then hand it to the map."""
        exp = self.selected()
        if exp is None or self.show_on_map is None:
            return
        engine, chosen, task = self.engine, exp.id, exp.task
        compute = MAP_OUTPUTS[task][0]
        self.status.setText("Preparing the model's output for the map…")
        submit(
            lambda _p, _c: (task, chosen, compute(engine, chosen)),
            finished=self._map_ready,
            failed=self._failed,
        )

    @Slot(object)
    def _map_ready(self, result: tuple[str, int, Any]) -> None:
        task, experiment_id, output = result
        _compute, to_geojson, noun = MAP_OUTPUTS[task]
        geojson = to_geojson(output)  # here, not on the worker: pyproj on pool threads crashed
        self.status.setText(
            f"{len(geojson['features'])} {noun} of experiment {experiment_id} sent to the map"
        )
        self.show_on_map(f"{task} {experiment_id}", geojson)

    # ---- details of the selected experiment --------------------------------------------------

    def _selection_changed(self) -> None:
        self._update_buttons()
        exp = self.selected()
        self.compare_table.clear()
        self.compare_table.setRowCount(0)
        self.compare_table.setColumnCount(0)
        self.note.setText("")
        self.forecast_chart.hide()
        if exp is None:
            self.details_title.setText(
                "<b>Select an experiment to see how it compares with its baselines</b>"
            )
            self.verdict.setText("")
            return
        self.details_title.setText(
            f"<b>Experiment {exp.id}: {html_text(exp.name)}</b> ({exp.model_kind}, seed {exp.seed})"
        )
        result = comparison(exp)
        if result is None:
            reason = exp.error or f"the run is {exp.status} and recorded no metrics"
            self.verdict.setText(f"<b>No comparison:</b> {html_text(reason)}")
            return
        text = f"<b>Verdict: {html_text(result.verdict)}</b>"
        if result.baseline_wins:
            text += (
                "<br><span style='color:#b00'>A baseline wins: this model did not beat it"
                " and should not be promoted.</span>"
            )
        self.verdict.setText(text)
        self.compare_table.setColumnCount(len(result.columns))
        self.compare_table.setHorizontalHeaderLabels(result.columns)
        self.compare_table.setRowCount(len(result.rows))
        bold = QFont()
        bold.setBold(True)
        for r, values in enumerate(result.rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(format_cell(value))
                if values[1] == "model":
                    item.setFont(bold)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.compare_table.setItem(r, c, item)
        series = (exp.metrics or {}).get("series")
        if exp.task == "forecast" and series:
            self.forecast_chart.show_series(series, exp.model_kind)
            self.forecast_chart.show()
            self.note.setText(
                "One-step-ahead forecasts on the backtest origins; the band is the model's interval."
            )
        elif exp.task == "forecast":
            self.note.setText("This run predates stored forecast series: backtest scores only.")

    # ---- promote and delete ------------------------------------------------------------------

    def promote_selected(self) -> None:
        exp = self.selected()
        if exp is None:
            return
        engine, chosen = self.engine, exp.id
        self._select_after = chosen
        submit(
            lambda _p, _c: promote(engine, chosen), finished=lambda _e: self.refresh(), failed=self._failed
        )

    def confirm_delete(self, exp: Experiment) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete experiment",
            as_rich_text(f"Delete experiment {exp.id} ({exp.name}) and its saved model?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        exp = self.selected()
        if exp is None or not self.confirm_delete(exp):
            return
        engine, chosen = self.engine, exp.id
        submit(
            lambda _p, _c: delete_experiment(engine, chosen),
            finished=lambda _r: self.refresh(),
            failed=self._failed,
        )

    # ---- training ------------------------------------------------------------------------------

    def open_train_dialog(self, kind: str | None = None) -> TrainDialog:
        selected = self.selected()
        dialog = TrainDialog(self.state.snapshot, kind or (selected.model_kind if selected else None), self)
        dialog.accepted.connect(lambda: self.train(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def train(self, request: TrainRequest) -> Job:
        engine = self.engine

        def task(progress: Callable[[float, str], None], cancel: Callable[[], bool]) -> Experiment:
            return run_experiment(
                engine, request.kind, request.params, request.filters, request.seed, progress, cancel
            )

        self.progress.setValue(0)
        self.status.setText(f"Training {request.kind}…")
        self.training = submit(
            task,
            finished=self._trained,
            failed=self._train_failed,
            cancelled=self._train_cancelled,
            progress=self._progress,
        )
        self._set_running(True)
        return self.training

    def cancel_training(self) -> None:
        if self.training is not None:
            self.training.cancel()
            self.status.setText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.progress.setFormat(f"{message} (%p%)")

    def _trained(self, exp: Experiment) -> None:
        self._training_done(f"Experiment {exp.id} ({exp.model_kind}) finished in {exp.duration_s:.1f} s")
        self._select_after = exp.id
        self.refresh()

    def _train_failed(self, exc: Any) -> None:
        self._training_done("")
        self._failed(exc)
        self.refresh()

    def _train_cancelled(self) -> None:
        self._training_done("Training cancelled")
        self.refresh()

    def _training_done(self, message: str) -> None:
        self.training = None
        self._set_running(False)
        self.status.setStyleSheet("color: #666")
        self.status.setText(message)
        self._update_buttons()

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.train_button.setEnabled(not running)

    def _failed(self, exc: Any) -> None:
        text = f"{type(exc).__name__}: {exc}" if isinstance(exc, Exception) else str(exc)
        self.status.setStyleSheet("color: #b00")
        self.status.setText(f"⚠ {text}")
        self.error.emit(text)


def _row_texts(exp: Experiment) -> list[str]:
    duration = f"{exp.duration_s:.1f} s" if exp.duration_s is not None else ""
    verdict = (exp.metrics or {}).get("verdict") or exp.error or ""
    return [
        str(exp.id),
        exp.name,
        exp.model_kind,
        exp.task,
        exp.status,
        f"{exp.created_at:%Y-%m-%d %H:%M}",
        duration,
        headline(exp),
        str(verdict),
        "★ yes" if exp.promoted else "",
    ]
