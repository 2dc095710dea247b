"""A dialog that runs one long task in the background: progress bar, message line, Cancel button.

Cancel cancels the running task, or closes the dialog when none runs. Subclasses start their
task with :meth:`TaskDialog.run_task` and handle ``_finished``, ``_failed`` and ``_cancelled``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressBar, QWidget

from crimedesk.ui.runtime.workers import Job, Task, submit
from crimedesk.ui.widgets.plain_text import PlainLabel


class TaskDialog(QDialog):
    CANCELLING: str | None = None  # shown while a cancelled task winds down

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.message = PlainLabel()  # progress, results and errors quote data: never HTML
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.clicked.connect(self._cancel_clicked)

    def run_task(self, task: Task) -> Job:
        self.job = submit(task, finished=self._finished, failed=self._failed, cancelled=self._cancelled)
        self.job.progress.connect(self._progress)
        return self.job

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        self.message.setText(message)

    def _finished(self, result: Any) -> None:
        raise NotImplementedError

    def _failed(self, exc: Exception) -> None:
        raise NotImplementedError

    def _cancelled(self) -> None:
        raise NotImplementedError

    def _cancel_clicked(self) -> None:
        if self.job is None:
            self.reject()
            return
        self.job.cancel()
        if self.CANCELLING:
            self.message.setText(self.CANCELLING)
