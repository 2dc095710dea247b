"""A searchable multi-select list: type to narrow, tick to choose; nothing ticked means "all"."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crimedesk.domain.display_text import display_text


class MultiSelect(QWidget):
    """Emits ``selection_changed(frozenset)`` only for user edits, never for :meth:`set_selected`."""

    selection_changed = Signal(frozenset)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.clear_button = QToolButton()
        self.clear_button.setText("All")
        self.clear_button.setToolTip("Clear the selection (no restriction)")
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        top = QHBoxLayout()
        top.addWidget(self.search)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self._selected: frozenset[str] = frozenset()
        self.search.textChanged.connect(self._narrow)
        self.list.itemChanged.connect(self._item_changed)
        self.clear_button.clicked.connect(self._clear)

    def set_items(self, items: Iterable[tuple[str, str]]) -> None:
        """(value, label) pairs; the current selection stays ticked (and listed, if not offered)."""
        with QSignalBlocker(self.list):
            self.list.clear()
            offered = dict(items)
            for value in sorted(self._selected - offered.keys()):
                offered[value] = value
            for value, label in offered.items():
                item = QListWidgetItem(display_text(label))
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(self._check(value))
                self.list.addItem(item)
        self._narrow(self.search.text())

    def set_selected(self, values: frozenset[str]) -> None:
        self._selected = frozenset(values)
        with QSignalBlocker(self.list):
            values_listed = set()
            for item in self._items():
                value = item.data(Qt.ItemDataRole.UserRole)
                values_listed.add(value)
                item.setCheckState(self._check(value))
        if not self._selected <= values_listed:
            self.set_items(self.items())

    def selected(self) -> frozenset[str]:
        return self._selected

    def items(self) -> list[tuple[str, str]]:
        return [(i.data(Qt.ItemDataRole.UserRole), i.text()) for i in self._items()]

    def item_for(self, value: str) -> QListWidgetItem:
        return next(i for i in self._items() if i.data(Qt.ItemDataRole.UserRole) == value)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(r) for r in range(self.list.count())]

    def _check(self, value: str) -> Qt.CheckState:
        return Qt.CheckState.Checked if value in self._selected else Qt.CheckState.Unchecked

    def _narrow(self, text: str) -> None:
        needle = text.strip().lower()
        for item in self._items():
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _item_changed(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        checked = item.checkState() == Qt.CheckState.Checked
        self._selected = self._selected | {value} if checked else self._selected - {value}
        self.selection_changed.emit(self._selected)

    def _clear(self) -> None:
        if self._selected:
            self.set_selected(frozenset())
            self.selection_changed.emit(self._selected)
