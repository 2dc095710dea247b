"""Saved filter sets in the filter panel: pick one to apply it, Save… the current filters, Delete.

The sets live in the settings file (crimedesk.config.filter_sets); applying one is a single
``FilterState.update``, so every pane refreshes once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QToolButton, QWidget

from crimedesk.config.filter_sets import delete_filter_set, filter_sets, recalled, save_filter_set
from crimedesk.config.settings import SettingsError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState

PLACEHOLDER = "Saved filters…"


class SavedFilterSets(QWidget):
    error = Signal(str)

    def __init__(
        self,
        state: FilterState,
        latest: Callable[[], date | None],
        settings_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state, self._latest, self._path = state, latest, settings_file
        self.sets: dict[str, FilterSnapshot] = {}
        self.combo = QComboBox()
        self.combo.setToolTip("Apply a saved set of filters")
        self.save_button = _button("Save…", "Save the current filters under a name")
        self.delete_button = _button("Delete", "Delete the chosen saved filter set")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, stretch=1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self.combo.activated.connect(self._chosen)
        self.save_button.clicked.connect(self._save_clicked)
        self.delete_button.clicked.connect(self._delete_clicked)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """Re-read the saved sets; ``select`` one by name (else the placeholder)."""
        try:
            self.sets = filter_sets(self._path)
        except SettingsError as exc:
            self.sets = {}
            self.error.emit(str(exc))
        with QSignalBlocker(self.combo):
            self.combo.clear()
            self.combo.addItem(PLACEHOLDER, None)
            for name in self.sets:
                self.combo.addItem(name, name)
            self.combo.setCurrentIndex(max(self.combo.findData(select), 0) if select else 0)
        self.delete_button.setEnabled(self.combo.currentData() is not None)

    def save_as(self, name: str) -> None:
        try:
            kept = save_filter_set(name, self.state.snapshot, self._path)
        except (SettingsError, OSError) as exc:
            self.error.emit(f"The filters could not be saved: {exc}")
            return
        self.refresh(select=kept)

    def _save_clicked(self) -> None:
        current = self.combo.currentData() or ""
        name, ok = QInputDialog.getText(self, "Save filters", "Name of this filter set:", text=current)
        if ok:
            self.save_as(name)

    def _chosen(self, _index: int) -> None:
        name = self.combo.currentData()
        self.delete_button.setEnabled(name is not None)
        if name is None:
            return
        snapshot = recalled(self.sets[name], self._latest())
        self.state.update(**{f.name: getattr(snapshot, f.name) for f in fields(snapshot)})

    def _delete_clicked(self) -> None:
        name = self.combo.currentData()
        if name is None:
            return
        try:
            delete_filter_set(name, self._path)
        except (SettingsError, OSError) as exc:
            self.error.emit(f"The filter set could not be deleted: {exc}")
        self.refresh()


def _button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button
