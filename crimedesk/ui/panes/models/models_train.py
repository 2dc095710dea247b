"""The "Train…" dialog: a form generated from a model kind's parameter dataclass, seed and dates.

Each dataclass field gets an editor chosen by the type of its default (the annotations are strings
under ``from __future__ import annotations``): int → QSpinBox, float → QDoubleSpinBox, bool →
QCheckBox, str → QComboBox of its declared choices, anything else → QLineEdit (tuples
comma-separated, as :meth:`KindSpec.make_params` parses them). Rows show the field's label and unit,
with its help line as the tooltip; kinds are listed by their display names.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_kinds
from crimedesk.models.registry import KindSpec, ParamInfo, param_infos


def editor_for(info: ParamInfo) -> QWidget:
    """An editor holding the field's default, picked by its type."""
    default = info.default
    if isinstance(default, bool):
        box = QCheckBox()
        box.setChecked(default)
        return box
    if isinstance(default, int):
        spin = QSpinBox()
        spin.setRange(-1_000_000, 1_000_000)
        spin.setValue(default)
        return spin
    if isinstance(default, float):
        dspin = QDoubleSpinBox()
        dspin.setDecimals(max(2, _decimals(default)))
        dspin.setRange(-1e9, 1e9)
        dspin.setSingleStep(0.05 if abs(default) < 1 else 1.0)
        dspin.setValue(default)
        return dspin
    if isinstance(default, str):
        combo = QComboBox()
        combo.addItems(list(info.choices))
        combo.setCurrentText(default)
        return combo
    text = ",".join(str(v) for v in default) if isinstance(default, tuple) else str(default)
    return QLineEdit(text)


def editor_value(widget: QWidget) -> Any:
    """The editor's value: typed for spin boxes and check boxes, a string otherwise."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QLineEdit)
    return widget.text()


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 2


class ParamsForm(QGroupBox):
    """One row per field of ``spec.params`` (label and unit, help as tooltip), filled with the defaults."""

    def __init__(self, spec: KindSpec, parent: QWidget | None = None) -> None:
        super().__init__("Parameters", parent)
        self.spec = spec
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        for info in param_infos(spec.params):
            editor = editor_for(info)
            editor.setObjectName(f"param_{info.name}")
            label = QLabel(f"{info.label} ({info.unit})" if info.unit else info.label)
            for widget in (label, editor):
                widget.setToolTip(info.help)
            self.editors[info.name], self.labels[info.name] = editor, label
            layout.addRow(label, editor)

    def values(self) -> dict[str, Any]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}


@dataclasses.dataclass(frozen=True)
class TrainRequest:
    kind: str
    params: dict[str, Any]
    seed: int
    filters: FilterSnapshot


class TrainDialog(QDialog):
    """Pick a kind, edit its parameters, seed and training dates; :meth:`request` reads them."""

    def __init__(
        self, snapshot: FilterSnapshot, kind: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a model")
        self.kinds = model_kinds()
        self.kind = QComboBox()
        for name, spec in self.kinds.items():
            self.kind.addItem(spec.display_name, name)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #666")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.limit_dates = QCheckBox("Train on incidents from")
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit, value in ((self.date_from, snapshot.date_from), (self.date_to, snapshot.date_to)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(value.year, value.month, value.day) if value else QDate.currentDate())
        self.limit_dates.setChecked(snapshot.date_from is not None or snapshot.date_to is not None)
        self.limit_dates.toggled.connect(self._dates_toggled)
        self._dates_toggled(self.limit_dates.isChecked())
        dates = QHBoxLayout()
        for widget in (self.limit_dates, self.date_from, QLabel("to"), self.date_to):
            dates.addWidget(widget)
        dates.addStretch(1)
        top = QFormLayout()
        top.addRow("Model kind", self.kind)
        top.addRow("", self.description)
        top.addRow("Seed", self.seed)
        top.addRow("Dates", dates)
        self.form: ParamsForm | None = None
        self.form_holder = QVBoxLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.form_holder)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed(self.selected_kind()))
        if kind is not None:
            self.select_kind(kind)
        self._kind_changed(self.selected_kind())

    def selected_kind(self) -> str:
        return str(self.kind.currentData())

    def select_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)

    def _kind_changed(self, kind: str) -> None:
        if self.form is not None and self.form.spec.kind == kind:
            return
        spec = self.kinds[kind]
        self.description.setText(f"{spec.description} Task: {spec.task}. Kind: {spec.kind}.")
        if self.form is not None:
            self.form_holder.removeWidget(self.form)
            self.form.deleteLater()
        self.form = ParamsForm(spec)
        self.form_holder.addWidget(self.form)

    def request(self) -> TrainRequest:
        assert self.form is not None
        filters = FilterSnapshot()
        if self.limit_dates.isChecked():
            start: date = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date = self.date_to.date().toPython()  # type: ignore[assignment]
            filters = FilterSnapshot(date_from=start, date_to=end)
        return TrainRequest(self.selected_kind(), self.form.values(), self.seed.value(), filters)
