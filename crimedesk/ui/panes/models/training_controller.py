"""Training one experiment at a time on a worker: its progress bar, Cancel, and what it ended with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget
from sqlalchemy import Engine

from crimedesk.models.experiments import Experiment
from crimedesk.ui.panes.models.models_train import TrainRequest
from crimedesk.ui.runtime.workers import Job, submit


def run_experiment(*args: Any, **kwargs: Any) -> Experiment:
    """:func:`crimedesk.models.training.run_experiment`, imported on the first run: it brings
    pandas and the model libraries, which the window must not wait for (issue 18)."""
    from crimedesk.models import training

    return training.run_experiment(*args, **kwargs)


class TrainingController(QWidget):
    """A progress bar and Cancel, shown only while a run is going; emits how the run ended."""

    started = Signal(str)  # display text of the run
    trained = Signal(object)  # the recorded Experiment
    failed = Signal(object)  # the exception
    cancelled = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.job: Job | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress, stretch=1)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self.job is not None

    def train(self, request: TrainRequest, display_name: str) -> Job:
        engine = self.engine

        def task(progress: Callable[[float, str], None], cancel: Callable[[], bool]) -> Experiment:
            return run_experiment(
                engine, request.kind, request.params, request.filters, request.seed, progress, cancel
            )

        self.progress.setValue(0)
        self.job = submit(
            task,
            finished=lambda exp: self._end(self.trained, exp),
            failed=lambda exc: self._end(self.failed, exc),
            cancelled=lambda: self._end(self.cancelled),
            progress=self._progress,
        )
        self.setVisible(True)
        self.started.emit(f"Training {display_name}…")
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.progress.setFormat(f"{message} (%p%)")

    def _end(self, signal: Any, *result: Any) -> None:
        self.job = None
        self.setVisible(False)
        signal.emit(*result)
