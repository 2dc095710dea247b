"""The Reports tab: pick a template and its options, make the PDF in the background (progress and
Cancel), preview its pages, save or print it, and see the reports made before (who, when, filters).

The report reads the filter panel's filters and the dashboard's query engine (the analytics mirror
once it is ready), so its numbers are the dashboard's.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.auth.session import acting_user
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.reports.context import ReportOptions, filters_in_words
from crimedesk.reports.templates import TEMPLATES
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.reports.pdf_preview import PdfPreview
from crimedesk.ui.runtime.workers import Job, submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.plain_text import PlainLabel

if TYPE_CHECKING:  # the sections' modules (reportlab, pandas) load when the tab first shows
    from crimedesk.reports.service import HistoryEntry, ReportResult

REGION_PAGES = "region_pages"  # a section, chosen by its own check box
HISTORY_HEADERS = ("Made (UTC)", "By", "Template", "Filters", "Pages", "File")


@dataclass(frozen=True)
class HistoryRow:
    entry: HistoryEntry
    words: str


class ReportsPane(QWidget):
    error = Signal(str)
    made = Signal(object)  # the ReportResult, once its preview is shown
    recovered = Signal()  # a report was made after an error

    def __init__(
        self,
        engine: Engine,
        state: FilterState,
        query_engine: Callable[[], Engine] | None = None,
        parent: QWidget | None = None,
        settings_file: Path | None = None,
    ) -> None:
        """``settings_file``: where the map's basemap is set (its offline MBTiles file is drawn
        under the report's map); None: no basemap."""
        super().__init__(parent)
        self.engine, self.state, self.settings_file = engine, state, settings_file
        self._query_engine = query_engine or (lambda: engine)
        self.folder = Path(tempfile.mkdtemp(prefix="crimedesk-reports-"))  # the PDFs made, until closed
        weakref.finalize(self, shutil.rmtree, self.folder, True)
        self._job: Job | None = None
        self.result: ReportResult | None = None
        self._build()
        self.template.currentIndexChanged.connect(self._list_sections)
        self.make_button.clicked.connect(self.make)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self._ask_save)
        self.print_button.clicked.connect(self._ask_print)
        self._loaded = False

    def showEvent(self, event: QShowEvent) -> None:
        """The sections, history and experiments are read the first time the tab shows, not
        while the window is built (issue 18: nothing heavy before the first paint)."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self._list_sections()
            self.refresh_history()
            self.refresh_experiments()

    def _build(self) -> None:
        self.template = QComboBox()
        for name, chosen in TEMPLATES.items():
            self.template.addItem(chosen.title, name)
        self.sections = QListWidget()
        self.experiment = QComboBox()  # for the model report: the finished experiments, newest first
        self.region_pages = QCheckBox("One page per region")
        self.make_button, self.cancel_button = QPushButton("Make report"), QPushButton("Cancel")
        self.save_button, self.print_button = QPushButton("Save PDF…"), QPushButton("Print…")
        self.progress, self.status = QProgressBar(), PlainLabel("")
        self.progress.setRange(0, 1000)
        self.status.setWordWrap(True)
        self.preview = PdfPreview()
        self.history = QTableWidget(0, len(HISTORY_HEADERS))
        self.history.setHorizontalHeaderLabels(list(HISTORY_HEADERS))
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        form = QFormLayout()
        form.addRow("Template", self.template)
        form.addRow("Sections", self.sections)
        form.addRow("Experiment", self.experiment)
        form.addRow("", self.region_pages)
        buttons = QHBoxLayout()
        for button in (self.make_button, self.cancel_button, self.save_button, self.print_button):
            buttons.addWidget(button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        column.addWidget(PlainLabel("Reports made"))
        column.addWidget(self.history, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)
        self._idle()

    def _list_sections(self) -> None:
        from crimedesk.reports.catalog import sections_of

        self.sections.clear()
        chosen = TEMPLATES[self.template.currentData()]
        self.region_pages.setEnabled(REGION_PAGES in chosen.sections)
        self.experiment.setEnabled(chosen.name == "model")
        for section in sections_of(chosen):
            if section.name == REGION_PAGES:  # the check box below says whether to add them
                continue
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.name)
            item.setCheckState(Qt.CheckState.Checked)
            self.sections.addItem(item)

    def options(self) -> ReportOptions:
        f = self.state.snapshot
        items = [self.sections.item(i) for i in range(self.sections.count())]
        chosen = tuple(
            i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked
        )
        pages = self.region_pages.isEnabled() and self.region_pages.isChecked()
        chosen += (REGION_PAGES,) if pages and chosen else ()
        experiment = self.experiment.currentData() if self.template.currentData() == "model" else None
        layer = f.region_layer_id or "district"
        return ReportOptions(layer, pages, chosen, (), experiment, self._basemap())

    def _basemap(self) -> str | None:
        if self.settings_file is None:
            return None
        from crimedesk.reports.basemap import configured_mbtiles  # PIL: not at start-up

        return configured_mbtiles(self.settings_file)

    def make(self) -> None:
        """Make the report for the current filters (a model report: its experiment's) on a worker;
        the preview shows it when done."""
        engine, query_engine, filters = self.engine, self._query_engine(), self.state.snapshot
        options = self.options()
        model_id = options.experiment_id
        if self.template.currentData() == "model" and model_id is None:
            self.status.setText("Train a model first (Models tab): no finished experiment yet.")
            return
        if not options.sections:
            self.status.setText("Tick at least one section.")
            return
        name = self.template.currentData()
        out = self.folder / f"{name}-{self.history.rowCount() + 1}.pdf"

        def task(progress: Callable[[float, str], None], cancel: Callable[[], bool]) -> ReportResult:
            from crimedesk.reports.service import make_report

            user = acting_user(engine)
            return make_report(
                engine,
                user,
                name,
                filters if model_id is None else _experiment_filters(engine, model_id),
                out,
                options,
                progress=progress,
                cancel=cancel,
                query_engine=query_engine,
            )

        self._busy()
        self._job = submit(
            task, finished=self._made, failed=self._failed, progress=self._progress, cancelled=self._cancelled
        )

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling…")

    def save_to(self, path: Path) -> None:
        if self.result is not None:
            shutil.copyfile(self.result.path, path)
            self.status.setText(f"Saved to {path}")

    def refresh_experiments(self) -> None:
        engine = self.engine

        def query(_progress: object, _cancel: object) -> list[tuple[int, str]]:
            from crimedesk.models.experiments import list_experiments

            return [(e.id, f"{e.id} · {e.name}") for e in list_experiments(engine) if e.status == "ok"]

        submit(query, finished=self._show_experiments, failed=self._read_failed)

    def _show_experiments(self, choices: list[tuple[int, str]]) -> None:
        self.experiment.clear()
        for experiment_id, label in choices:
            self.experiment.addItem(label, experiment_id)

    def refresh_history(self) -> None:
        engine = self.engine

        def query(_progress: object, _cancel: object) -> list[HistoryRow]:
            from crimedesk.reports.service import report_history_entries

            entries = report_history_entries(engine)
            with engine.connect() as conn:
                return [
                    HistoryRow(e, filters_in_words(conn, FilterSnapshot.from_dict(e.filters)))
                    for e in entries
                ]

        submit(query, finished=self._show_history, failed=self._read_failed)

    def _show_history(self, rows: list[HistoryRow]) -> None:
        self.history.setRowCount(len(rows))
        for r, row in enumerate(rows):
            e = row.entry
            cells = (
                f"{e.made_at_utc:%Y-%m-%d %H:%M}",
                e.username,
                TEMPLATES[e.template].title,
                row.words,
                f"{e.pages:,}",
                Path(e.file_name).name,
            )
            for c, value in enumerate(cells):
                self.history.setItem(r, c, QTableWidgetItem(value))

    def _made(self, result: ReportResult) -> None:
        self.result = result
        self.preview.load(result.path)
        covered = result.filters  # the report's own (a model's: its experiment's), not today's filters
        self.status.setText(f"{result.pages:,} pages made for {covered.date_from} – {covered.date_to}")
        self._idle()
        self.refresh_history()
        self.made.emit(result)
        self.recovered.emit()

    def _failed(self, exc: Exception) -> None:
        """No report: the previous one is no longer shown, saved or printed as if it were this one."""
        self.result = None
        self.preview.clear()
        self._read_failed(exc, "The report could not be made")
        self._idle()

    def _read_failed(self, exc: Exception, what: str = "The reports pane could not read the store") -> None:
        text = error_sentence(what, exc)
        self.status.setText(text)
        self.error.emit(text)

    def _cancelled(self) -> None:
        self.status.setText("Cancelled; no report made.")
        self._idle()

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(1000 * fraction))
        self.status.setText(message)

    def _busy(self) -> None:
        self.make_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)

    def _idle(self) -> None:
        self._job = None
        self.make_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.save_button.setEnabled(self.result is not None)
        self.print_button.setEnabled(self.result is not None)

    def _ask_save(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save report", "report.pdf", "PDF (*.pdf)")
        if name:
            self.save_to(Path(name))

    def _ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            self.preview.print_to(printer)


def _experiment_filters(engine: Engine, experiment_id: int) -> FilterSnapshot:
    """A model report covers the data its experiment was trained on."""
    from crimedesk.models.experiments import get_experiment

    return FilterSnapshot.from_dict(get_experiment(engine, experiment_id).filters)
