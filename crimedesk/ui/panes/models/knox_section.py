"""The Models pane's near-repeat (Knox) section: bands, metric and permutations; the test runs on a
worker over the incidents of the shared filters, with progress and Cancel; the table, and the
near-repeat chains of the first significant band sent to the map as lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.nearrepeat.bands import SPATIAL_EDGES_M, TEMPORAL_EDGES_DAYS
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.models.knox_table import KnoxTable
from crimedesk.ui.runtime.subscriptions import subscribe_while_alive
from crimedesk.ui.runtime.workers import Job, submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.plain_text import PlainLabel

if TYPE_CHECKING:  # chains needs pandas, which waits until after the first paint
    from crimedesk.models.nearrepeat.chains import KnoxRun

CHAINS_LAYER = "Near-repeat chains"


def parse_edges(text: str, what: str) -> list[float]:
    """``"0,100,200"`` -> [0.0, 100.0, 200.0]; a ValueError in words otherwise."""
    try:
        return [float(word) for word in text.split(",")]
    except ValueError:
        raise ValueError(f"{what} band edges must be numbers separated by commas, got {text!r}") from None


def _edges_text(edges: tuple[float, ...]) -> str:
    return ",".join(f"{edge:g}" for edge in edges)


class KnoxSection(QGroupBox):
    finished = Signal(object)  # the KnoxRun shown

    def __init__(
        self,
        engine: Engine,
        state: FilterState,
        show_on_map: Callable[[str, dict], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Near-repeat (Knox)", parent)
        self.engine, self.state, self.show_on_map = engine, state, show_on_map
        self.job: Job | None = None
        self.run_result: KnoxRun | None = None
        self._build()
        subscribe_while_alive(self, state.subscribe, lambda _snapshot, _changed: self._filters_changed())

    def _build(self) -> None:
        self.distances = QLineEdit(_edges_text(SPATIAL_EDGES_M))
        self.distances.setToolTip("Distance band edges in metres, from 0, separated by commas")
        self.days = QLineEdit(_edges_text(TEMPORAL_EDGES_DAYS))
        self.days.setToolTip("Time band edges in days, from 0, separated by commas")
        self.distance_metric = QComboBox()
        self.distance_metric.addItem("Euclidean (straight line)", "euclidean")
        self.distance_metric.addItem("Manhattan (city block)", "manhattan")
        self.permutations = QSpinBox()
        self.permutations.setRange(9, 99_999)
        self.permutations.setValue(999)
        self.permutations.setToolTip("Random shuffles of the incidents' times for each band's p-value")
        form = QFormLayout()
        form.addRow("Distance bands (m)", self.distances)
        form.addRow("Time bands (days)", self.days)
        form.addRow("Distance", self.distance_metric)
        form.addRow("Permutations", self.permutations)
        self.run_button = QPushButton("Run Knox test")
        self.run_button.clicked.connect(self.run)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.map_button = QPushButton("Show chains on map")
        self.map_button.setToolTip("Lines between incidents within the first significant band")
        self.map_button.clicked.connect(self.show_chains)
        buttons = QHBoxLayout()
        for widget in (self.run_button, self.progress, self.cancel_button, self.map_button):
            buttons.addWidget(widget)
        self.status = PlainLabel()
        self.status.setWordWrap(True)
        self.table = KnoxTable()
        key = PlainLabel(
            "Each cell: observed / expected pairs (p). Orange: more pairs than chance at p < 0.01; "
            "yellow: at p < 0.05."
        )
        key.setWordWrap(True)
        key.setStyleSheet("color: #666")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addLayout(form, stretch=1)
        top.addWidget(self.table, stretch=3)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(key)  # full width: one line on a laptop screen
        self._set_running(False)

    def run(self) -> Job | None:
        """Start the test on the current filters' incidents (None when the bands do not parse)."""
        try:
            spatial = parse_edges(self.distances.text(), "distance")
            temporal = parse_edges(self.days.text(), "time")
        except ValueError as exc:
            self._say(str(exc), error=True)
            return None
        engine, filters = self.engine, self.state.snapshot
        metric, permutations = self.distance_metric.currentData(), self.permutations.value()

        def task(progress: Callable[[float, str], None], cancel: Callable[[], bool]) -> KnoxRun:
            from crimedesk.models.nearrepeat.chains import store_knox

            return store_knox(engine, filters, spatial, temporal, permutations, metric, 0, progress, cancel)

        self.progress.setValue(0)
        self.job = submit(
            task, finished=self._show, failed=self._failed, cancelled=self._cancelled, progress=self._progress
        )
        self._set_running(True)
        self._say("Running the Knox test on the filtered incidents…")
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self._say("Cancelling…")
            self.job.cancel()

    def show_chains(self) -> None:
        """The chains as lines on the map (reprojected here: pyproj on pool threads crashed)."""
        run = self.run_result
        if run is None or run.links is None or self.show_on_map is None:
            return
        self.show_on_map(CHAINS_LAYER, projected_geojson(run.links))

    def _show(self, run: KnoxRun) -> None:
        self.run_result = run
        self._set_running(False)
        self.table.show_result(run.result)
        result = run.result
        text = f"{result.events:,} incidents, {result.permutations:,} permutations of their times. "
        if run.band is None:
            text += "No band has more pairs than chance at p < 0.05: no near-repeat chains."
        else:
            shown = len(run.links.geometries) if run.links is not None else 0
            text += (
                f"Chains: {run.total_links:,} pairs within {run.band[0]:g} m and {run.band[1]:g} days"
                f" (the first significant band){'' if shown == run.total_links else f', {shown:,} drawn'}."
            )
        self._say(text)
        self.finished.emit(run)

    def _filters_changed(self) -> None:
        if self.run_result is None:
            return
        self.run_result = None
        self.table.show_result(None)
        self._set_running(self.job is not None)
        self._say("The filters changed: run the test again for the incidents they select.")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.progress.setFormat(f"{message} (%p%)")

    def _cancelled(self) -> None:
        self._set_running(False)
        self._say("Knox test cancelled.")

    def _failed(self, exc: Any) -> None:
        self._set_running(False)
        self._say(f"⚠ {error_sentence('', exc)}", error=True)

    def _set_running(self, running: bool) -> None:
        if not running:
            self.job = None
        self.run_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        chains = self.run_result is not None and self.run_result.links is not None
        self.map_button.setEnabled(not running and chains and self.show_on_map is not None)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00" if error else "color: #666")
        self.status.setText(text)
