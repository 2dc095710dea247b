"""The recorded experiments, newest first, one row each; the selection is kept across refreshes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from crimedesk.models.catalog import recorded_kind
from crimedesk.models.experiments import Experiment
from crimedesk.ui.widgets.plain_text import as_rich_text

COLUMNS = ("id", "name", "kind", "task", "status", "created", "duration", "headline", "verdict", "promoted")
RIGHT_ALIGNED = ("id", "duration")


class ExperimentsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.experiments: list[Experiment] = []
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("verdict"), QHeaderView.ResizeMode.Stretch)

    def show_experiments(self, experiments: list[Experiment], keep: int | None) -> None:
        """List ``experiments``; select ``keep`` when it is among them (else select nothing).
        ``itemSelectionChanged`` is emitted once, whatever happens."""
        self.experiments = experiments
        self.blockSignals(True)
        self.setRowCount(len(experiments))
        for row, exp in enumerate(experiments):
            for col, text in enumerate(row_texts(exp)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, exp.id)
                if COLUMNS[col] in RIGHT_ALIGNED:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if COLUMNS[col] == "verdict":
                    item.setToolTip(as_rich_text(text))  # Qt guesses rich text in tooltips
                self.setItem(row, col, item)
        self.clearSelection()
        self.blockSignals(False)
        ids = [e.id for e in experiments]
        if keep in ids:
            self.selectRow(ids.index(keep))
        else:
            self.itemSelectionChanged.emit()

    def selected_id(self) -> int | None:
        items = self.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def selected(self) -> Experiment | None:
        chosen = self.selected_id()
        return next((e for e in self.experiments if e.id == chosen), None)

    def select_experiment(self, experiment_id: int) -> None:
        ids = [e.id for e in self.experiments]
        if experiment_id in ids:
            self.selectRow(ids.index(experiment_id))

    def ids(self) -> list[int]:
        return [e.id for e in self.experiments]


def row_texts(exp: Experiment) -> list[str]:
    spec = recorded_kind(exp.model_kind)
    headline = spec.headline(exp.metrics) if spec and exp.metrics else None
    duration = f"{exp.duration_s:.1f} s" if exp.duration_s is not None else ""
    return [
        str(exp.id),
        exp.name,
        spec.display_name if spec else exp.model_kind,
        exp.task,
        exp.status,
        f"{exp.created_at:%Y-%m-%d %H:%M}",
        duration,
        headline.score if headline else "",
        headline.sentence if headline else exp.error or "",
        "★ yes" if exp.promoted else "",
    ]
