"""Models pane: the experiments table, the selected run's comparison view, the training bar and
the near-repeat (Knox) section.

Training, listing, promoting, deleting and preparing a map output all run on workers; the pane
shows only the newest list. What a kind sends to the map is its declared ``map_output``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.analytics.extent import occurrence_extent
from crimedesk.mapping.overlays import ProjectedShapes, projected_geojson
from crimedesk.models.catalog import (
    DEFAULT_KIND,
    STUDY_HEADLINE,
    load_builtin_kinds,
    model_spec,
    recorded_kind,
)
from crimedesk.models.experiments import Experiment, delete_experiment, list_experiments, promote
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.models.comparison_view import ComparisonView
from crimedesk.ui.panes.models.experiments_table import ExperimentsTable
from crimedesk.ui.panes.models.knox_section import KnoxSection
from crimedesk.ui.panes.models.models_train import TrainDialog
from crimedesk.ui.panes.models.training_controller import TrainingController
from crimedesk.ui.runtime.workers import LatestQuery, submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text

log = logging.getLogger(__name__)


class ModelsPane(QWidget):
    error = Signal(str)
    recovered = Signal()  # a training run succeeded after an error
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
        self.dialog: TrainDialog | None = None
        self.extent: tuple[date, date] | None = None  # the store's first and last incident day
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
        self.map_button.setToolTip("What the selected model draws: flagged cells, hotspot polygons")
        self.train_button.clicked.connect(self.open_train_dialog)
        self.refresh_button.clicked.connect(self.refresh)
        self.promote_button.clicked.connect(self.promote_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.map_button.clicked.connect(self.show_selected_on_map)
        self.study = PlainLabel(STUDY_HEADLINE)
        self.study.setWordWrap(True)
        self.status = PlainLabel()
        self.status.setStyleSheet("color: #666")
        self.trainer = TrainingController(self.engine)
        self.trainer.started.connect(self._training_started)
        self.trainer.cancel_button.clicked.connect(lambda: self.status.setText("Cancelling…"))
        self.trainer.trained.connect(self._trained)
        self.trainer.failed.connect(self._train_failed)
        self.trainer.cancelled.connect(lambda: self._training_done("Training cancelled"))
        bar = QHBoxLayout()
        for button in (
            self.train_button,
            self.refresh_button,
            self.promote_button,
            self.delete_button,
            self.map_button,
        ):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            bar.addWidget(button)
        bar.addWidget(self.trainer, stretch=1)
        bar.addStretch(0)  # keeps the buttons together on the left while the trainer is hidden
        self.table = ExperimentsTable()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.details = ComparisonView()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        self.knox = KnoxSection(self.engine, self.state, self.show_on_map)
        split.addWidget(self.knox)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.study)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, stretch=1)
        self._update_buttons()

    def refresh(self) -> None:
        engine = self.engine

        def listing() -> tuple[list[Experiment], tuple[date, date] | None]:
            found = list_experiments(engine)
            if found:  # the rows show each kind's declarations: import them here, not on the UI thread
                load_builtin_kinds()
            with engine.connect() as conn:
                return found, occurrence_extent(conn)

        self._list_query.run(listing)

    def _show_experiments(self, result: tuple[list[Experiment], tuple[date, date] | None]) -> None:
        experiments, self.extent = result
        keep = self._select_after if self._select_after is not None else self.table.selected_id()
        self._select_after = None
        self.table.show_experiments(experiments, keep)
        self.experiments_loaded.emit()

    def _selection_changed(self) -> None:
        self._update_buttons()
        self.details.show_experiment(self.table.selected())

    def _update_buttons(self) -> None:
        exp = self.table.selected()
        ok = exp is not None and exp.status == "ok"
        self.promote_button.setEnabled(ok and exp is not None and not exp.promoted)
        self.delete_button.setEnabled(exp is not None and not self.trainer.running)
        spec = recorded_kind(exp.model_kind) if exp is not None else None
        mappable = ok and spec is not None and spec.map_output is not None
        self.map_button.setEnabled(mappable and self.show_on_map is not None)
        self.train_button.setEnabled(not self.trainer.running)

    # ---- the map ------------------------------------------------------------------------------

    def show_selected_on_map(self) -> None:
        """Compute the selected model's map output on a worker, then hand it to the map."""
        exp = self.table.selected()
        if exp is None or self.show_on_map is None:
            return
        spec = recorded_kind(exp.model_kind)
        output = spec.map_output if spec else None
        if output is None:
            return
        engine, chosen, layer = self.engine, exp.id, f"{exp.task} {exp.id}"
        self.status.setText("Preparing the model's output for the map…")
        submit(
            lambda _p, _c: (layer, output.noun, chosen, output.compute(engine, chosen)),
            finished=self._map_ready,
            failed=self._failed,
        )

    @Slot(object)
    def _map_ready(self, result: tuple[str, str, int, ProjectedShapes]) -> None:
        layer, noun, experiment_id, shapes = result
        geojson = projected_geojson(shapes)  # here, not on the worker: pyproj on pool threads crashed
        self.status.setText(
            f"{len(geojson['features']):,} {noun} of experiment {experiment_id} sent to the map"
        )
        assert self.show_on_map is not None
        self.show_on_map(layer, geojson)

    # ---- promote and delete -------------------------------------------------------------------

    def promote_selected(self) -> None:
        exp = self.table.selected()
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
        exp = self.table.selected()
        if exp is None or not self.confirm_delete(exp):
            return
        engine, chosen = self.engine, exp.id
        submit(
            lambda _p, _c: delete_experiment(engine, chosen),
            finished=lambda _r: self.refresh(),
            failed=self._failed,
        )

    # ---- training -----------------------------------------------------------------------------

    def open_train_dialog(self, kind: str | None = None) -> TrainDialog:
        selected = self.table.selected()
        chosen = kind or (selected.model_kind if selected else DEFAULT_KIND)
        dialog = TrainDialog(self.state.snapshot, chosen, self, extent=self.extent)
        dialog.accepted.connect(
            lambda: self.trainer.train(dialog.request(), model_spec(dialog.selected_kind()).display_name)
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _training_started(self, text: str) -> None:
        self.status.setStyleSheet("color: #666")
        self.status.setText(text)
        self._update_buttons()

    def _trained(self, exp: Experiment) -> None:
        name = model_spec(exp.model_kind).display_name
        self._select_after = exp.id
        self.recovered.emit()
        self._training_done(f"Experiment {exp.id} ({name}) finished in {exp.duration_s:.1f} s")

    def _train_failed(self, exc: Any) -> None:
        self._training_done("")
        self._failed(exc)

    def _training_done(self, message: str) -> None:
        self.status.setStyleSheet("color: #666")
        self.status.setText(message)
        self._update_buttons()
        self.refresh()

    def _failed(self, exc: Any) -> None:
        text = error_sentence("", exc)
        self.status.setStyleSheet("color: #b00")
        self.status.setText(f"⚠ {text}")
        self.error.emit(text)
