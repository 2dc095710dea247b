"""Time of day and day of week: two hour lists and seven day buttons.

Emits ``hours_changed`` (a (first, end) pair or None) and ``weekdays_changed`` (Monday = 0) only
for user edits, never for :meth:`show`.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from crimedesk.domain.filters import WEEKDAY_NAMES

ANY_TIME = "Any time"


class TimeFilter(QWidget):
    hours_changed = Signal(object)
    weekdays_changed = Signal(frozenset)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_hour = QComboBox()
        self.first_hour.addItem(ANY_TIME, None)
        for hour in range(24):
            self.first_hour.addItem(f"from {hour:02d}:00", hour)
        self.end_hour = QComboBox()
        for hour in range(1, 25):
            self.end_hour.addItem(f"to {hour:02d}:00", hour)
        self.first_hour.setToolTip("Time of day: the end hour is not included (22:00 to 06:00 ends at 05:59)")
        self.end_hour.setToolTip(self.first_hour.toolTip())
        self.days = {number: _day_button(name) for number, name in enumerate(WEEKDAY_NAMES)}
        hours = QHBoxLayout()
        hours.addWidget(self.first_hour)
        hours.addWidget(self.end_hour)
        days = QHBoxLayout()
        days.setSpacing(2)
        days.addWidget(QLabel("Days"))
        for button in self.days.values():
            days.addWidget(button)
        days.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(hours)
        layout.addLayout(days)
        self.first_hour.activated.connect(self._first_chosen)
        self.end_hour.activated.connect(self._hours_edited)
        for button in self.days.values():
            button.toggled.connect(self._days_edited)
        self.show_values(None, frozenset())

    def show_values(self, hours: tuple[int, int] | None, weekdays: frozenset[int]) -> None:
        """State -> widgets, without emitting."""
        blockers = [QSignalBlocker(w) for w in (self.first_hour, self.end_hour, *self.days.values())]
        self.first_hour.setCurrentIndex(self.first_hour.findData(None if hours is None else hours[0]))
        end = 24 if hours is None or hours[1] == 0 else hours[1]
        self.end_hour.setCurrentIndex(self.end_hour.findData(end))
        self.end_hour.setEnabled(hours is not None)
        for number, button in self.days.items():
            button.setChecked(number in weekdays)
        del blockers

    def hours(self) -> tuple[int, int] | None:
        first = self.first_hour.currentData()
        return None if first is None else (first, self.end_hour.currentData())

    def _first_chosen(self, _index: int) -> None:
        first = self.first_hour.currentData()
        self.end_hour.setEnabled(first is not None)
        if first is not None and self.end_hour.currentData() % 24 == first:
            with QSignalBlocker(self.end_hour):  # an empty range: end one hour later
                self.end_hour.setCurrentIndex(self.end_hour.findData(first + 1))
        self._hours_edited()

    def _hours_edited(self, _index: int = 0) -> None:
        hours = self.hours()
        if hours is not None and hours[0] == hours[1] % 24:
            hours = (hours[0], hours[0] + 1)
            with QSignalBlocker(self.end_hour):
                self.end_hour.setCurrentIndex(self.end_hour.findData(hours[1]))
        self.hours_changed.emit(hours)

    def _days_edited(self) -> None:
        self.weekdays_changed.emit(frozenset(n for n, button in self.days.items() if button.isChecked()))


def _day_button(name: str) -> QToolButton:
    button = QToolButton()
    button.setText(name[:2])
    button.setToolTip(f"{name}s only (none ticked: every day)")
    button.setCheckable(True)
    button.setAccessibleName(name)
    return button
