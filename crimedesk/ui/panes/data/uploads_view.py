"""Upload history (the ``imports`` table), the rejected rows of the chosen import, and deleting
an import (admins: the workspace hides the button from other roles; the core and server refuse)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.analytics.incident_table import IMPORT_COLUMNS, import_history
from crimedesk.auth.user import User
from crimedesk.ingest.deletion import ImportDeletion, delete_import, plan_deletion
from crimedesk.ingest.rejected import export_rejected, list_rejected, listed_text
from crimedesk.ui.runtime.workers import LatestQuery, submit
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.frame_model import FrameModel, plain
from crimedesk.ui.widgets.plain_text import PlainLabel

if TYPE_CHECKING:  # pandas is imported by the first query, after the window paints
    import pandas as pd

log = logging.getLogger(__name__)
REJECTED_SHOWN = 500


def _when(value: Any) -> str:
    import pandas as pd

    return "" if value is None or pd.isna(value) else f"{value:%Y-%m-%d %H:%M}"


def read_only_table(model: FrameModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class UploadsView(QWidget):
    error = Signal(str)
    rejected_loaded = Signal(int)
    deleted = Signal(object)  # ImportDeletion: the store changed

    def __init__(self, engine: Engine, parent: QWidget | None = None, user: User | None = None) -> None:
        """``user``: who deletes (None: the user the store is opened as)."""
        super().__init__(parent)
        self.engine, self.user = engine, user
        self.import_id: int | None = None
        self.export_path: Path | None = None
        fmt = {"started_at": _when, "finished_at": _when}
        self.imports = FrameModel([(c, c.replace("_", " "), fmt.get(c, plain)) for c in IMPORT_COLUMNS])
        self.rejected = FrameModel(
            [(c, c.replace("_", " "), plain) for c in ("line_number", "reasons", "raw_text")]
        )
        self.imports_view, self.rejected_view = read_only_table(self.imports), read_only_table(self.rejected)
        self.rejected_label = PlainLabel("Select an import to see its rejected rows")
        self.rejected_label.setWordWrap(True)  # a deletion's sentence is long
        self.export = QPushButton("Export rejected rows…")
        self.export.setEnabled(False)
        self.delete_button = QPushButton("Delete import…")
        self.delete_button.setToolTip(
            "Delete the incidents this import inserted that no later import updated, and its rejected rows"
        )
        self.delete_button.setEnabled(False)
        self._plan = LatestQuery(self._confirm_delete, self._delete_failed, self)
        self._history = LatestQuery(self._show_history, self._failed, self)
        self._rows = LatestQuery(self._show_rejected, self._failed, self)
        self._build()
        self.imports_view.selectionModel().currentRowChanged.connect(self._import_chosen)
        self.export.clicked.connect(self._ask_export)
        self.delete_button.clicked.connect(self.ask_delete)

    def _build(self) -> None:
        bottom = QWidget()
        layout = QVBoxLayout(bottom)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.rejected_label, stretch=1)
        bar.addWidget(self.export)
        bar.addWidget(self.delete_button)
        layout.addLayout(bar)
        layout.addWidget(self.rejected_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.imports_view)
        split.addWidget(bottom)
        QVBoxLayout(self).addWidget(split)

    def refresh(self) -> None:
        import pandas as pd  # here, on the GUI thread: the first refresh follows the first paint

        engine = self.engine

        def query() -> pd.DataFrame:
            with engine.connect() as conn:
                return pd.DataFrame(import_history(conn), columns=list(IMPORT_COLUMNS))

        self._history.run(query)

    def show_import(self, import_id: int) -> None:
        """Load the first rejected rows of ``import_id`` (and their total count)."""
        self.import_id = import_id
        import pandas as pd

        engine = self.engine

        def query() -> tuple[tuple[int, str], pd.DataFrame]:
            with engine.connect() as conn:
                rows = list_rejected(conn, import_id, limit=REJECTED_SHOWN)
                return listed_text(conn, import_id, in_all=""), pd.DataFrame(
                    rows, columns=["line_number", "reasons", "raw_text"]
                )

        self._rows.run(query)

    def _show_history(self, frame: pd.DataFrame) -> None:
        self.import_id = None
        self.delete_button.setEnabled(False)
        self.imports.set_frame(frame)
        self.imports_view.resizeColumnsToContents()

    def _import_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_import(int(self.imports.frame["id"].iloc[current.row()]))

    def _show_rejected(self, result: tuple[tuple[int, str], pd.DataFrame]) -> None:
        (total, listed), frame = result
        self.delete_button.setEnabled(True)
        self.rejected.set_frame(frame)
        shown = f"showing the first {len(frame):,} of " if total > len(frame) else ""
        self.rejected_label.setText(f"Import {self.import_id}: {shown}{listed}")
        self.export.setEnabled(total > 0)
        self.rejected_view.resizeColumnToContents(0)
        self.rejected_loaded.emit(total)

    def export_to(self, path: Path) -> None:
        """Write every rejected row of the chosen import to ``path`` (CSV) on a worker."""
        if self.import_id is None:
            raise ValueError("no import chosen: select an import to export its rejected rows")
        engine, import_id = self.engine, self.import_id

        def write(_progress: Any, _cancel: Any) -> int:
            return export_rejected(engine, import_id, path)

        self.export_path = path
        submit(write, finished=self._exported, failed=self._failed)

    @Slot(object)
    def _exported(self, count: int) -> None:
        self.rejected_label.setText(f"Exported {count:,} rejected rows to {self.export_path}")

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export rejected rows", f"rejected_{self.import_id}.csv", "CSV (*.csv)"
        )
        if name:
            self.export_to(Path(name))

    def ask_delete(self) -> None:
        """Count what deleting the chosen import removes and keeps, then ask (a worker counts)."""
        engine, import_id = self.engine, self.import_id
        if import_id is None:
            return

        def count() -> ImportDeletion:
            with engine.connect() as conn:
                return plan_deletion(conn, import_id)

        self._plan.run(count)

    def _confirm_delete(self, plan: ImportDeletion) -> None:
        answer = QMessageBox.question(self, "Delete import", plan.question())
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, user = self.engine, self.user
        self.delete_button.setEnabled(False)
        submit(
            lambda _progress, _cancel: delete_import(engine, plan.import_id, user=user),
            finished=self._deleted,
            failed=self._delete_failed,
        )

    @Slot(object)
    def _deleted(self, done: ImportDeletion) -> None:
        self.refresh()
        self.rejected.set_frame(self.rejected.frame.iloc[0:0])
        self.rejected_label.setText(done.sentence())
        self.deleted.emit(done)

    def _delete_failed(self, exc: Exception) -> None:
        self.delete_button.setEnabled(self.import_id is not None)
        log.error("deleting an import failed: %s", exc)
        self.error.emit(error_sentence("the import was not deleted", exc))

    def _failed(self, exc: Exception) -> None:
        log.error("upload history query failed: %s", exc)
        self.error.emit(f"Uploads: {exc}")
