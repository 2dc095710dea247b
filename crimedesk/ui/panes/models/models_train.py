"""The "Train…" dialog: a form generated from a model kind's parameter dataclass, seed and dates.

Each dataclass field gets an editor chosen by the type of its default (the annotations are strings
under ``from __future__ import annotations``): int → QSpinBox, float → QDoubleSpinBox, bool →
QCheckBox, str → QComboBox of its declared choices, anything else → QLineEdit (tuples
comma-separated, as :meth:`KindSpec.make_params` parses them). Rows show the field's label and unit,
with its help line as the tooltip; kinds are listed by their display names.

Defaults fit the data the model will use: the dates widen the filtered period back to a year of
the store's history (not before its first incident), and the backtest windows of a kind that has
them (training window, origins, origin step) shrink until they fit the days chosen, so the
defaults never fail with "the backtest needs N days" (the dialog says when no window fits).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
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

HISTORY_DAYS = 364  # a year of history by default: 52 whole weeks
VERDICT_DAYS = 7  # every backtest origin is scored on the week after it
WINDOWS = ("train_days", "backtest_origins", "origin_step_days")
MIN_TRAIN_DAYS = 28  # the training window shrinks to four weeks before the backtest loses origins


def backtest_days(values: dict[str, Any]) -> int | None:
    """Days of incidents a backtest with these windows needs (None for a kind without them):
    the training window, the origins' steps, the scored week and any horizon."""
    if not set(WINDOWS) <= values.keys():
        return None
    steps = values["origin_step_days"] * (values["backtest_origins"] - 1)
    return int(values["train_days"] + steps + VERDICT_DAYS + values.get("horizon_days", 0))


def fit_windows(values: dict[str, Any], span_days: int) -> dict[str, Any]:
    """``values`` shrunk until the backtest fits ``span_days``: first the training window, down to
    four weeks (the backtest's origins are what its verdict rests on), then the origins, then the
    training window again, to one day at the least."""
    fitted = dict(values)

    def excess() -> int:
        needed = backtest_days(fitted)
        return 0 if needed is None else max(0, needed - span_days)

    if excess():
        fitted["train_days"] = max(min(fitted["train_days"], MIN_TRAIN_DAYS), fitted["train_days"] - excess())
    while excess() and fitted["backtest_origins"] > 1:
        fitted["backtest_origins"] -= 1
    if excess():
        fitted["train_days"] = max(1, fitted["train_days"] - excess())
    return fitted


def default_dates(snapshot: FilterSnapshot, extent: tuple[date, date] | None) -> tuple[date, date] | None:
    """The filtered period widened back to a year of history, within the store's ``extent``
    (first and last incident day); the filtered dates as they are when the extent is unknown."""
    if extent is None:
        if snapshot.date_from is None or snapshot.date_to is None:
            return None
        return snapshot.date_from, snapshot.date_to
    first, last = extent
    end = min(snapshot.date_to or last, last)
    start = min(snapshot.date_from or first, end - timedelta(days=HISTORY_DAYS - 1))
    return max(start, first), end


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

    def fit_windows(self, span_days: int) -> None:
        """Set the backtest windows to the kind's defaults fitted to ``span_days``."""
        defaults = {info.name: info.default for info in param_infos(self.spec.params)}
        for name, value in fit_windows(defaults, span_days).items():
            editor = self.editors[name]
            if name in WINDOWS and isinstance(editor, QSpinBox):
                editor.setValue(value)


@dataclasses.dataclass(frozen=True)
class TrainRequest:
    kind: str
    params: dict[str, Any]
    seed: int
    filters: FilterSnapshot


class TrainDialog(QDialog):
    """Pick a kind, edit its parameters, seed and training dates; :meth:`request` reads them."""

    def __init__(
        self,
        snapshot: FilterSnapshot,
        kind: str | None = None,
        parent: QWidget | None = None,
        extent: tuple[date, date] | None = None,
    ) -> None:
        """``extent`` is the store's first and last incident day (None when not known)."""
        super().__init__(parent)
        self.setWindowTitle("Train a model")
        self.extent = extent
        self.form: ParamsForm | None = None
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
        dates_shown = default_dates(snapshot, extent)
        start, end = dates_shown or (date.today(), date.today())
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(value.year, value.month, value.day))
            edit.dateChanged.connect(lambda _day: self._fit_to_span())
        self.limit_dates.setChecked(dates_shown is not None)
        self.limit_dates.toggled.connect(self._dates_toggled)
        self.span_note = QLabel()
        self.span_note.setWordWrap(True)
        self.span_note.setStyleSheet("color: #666")
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
        top.addRow("", self.span_note)
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
        self._fit_to_span()

    def span_days(self) -> int | None:
        """Days of incidents the model will get: the chosen dates within the store's extent."""
        first, last = self.extent or (None, None)
        if self.limit_dates.isChecked():
            start: date = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date = self.date_to.date().toPython()  # type: ignore[assignment]
            first, last = max(start, first or start), min(end, last or end)
        return None if first is None or last is None else max(0, (last - first).days + 1)

    def _fit_to_span(self) -> None:
        """Backtest windows follow the dates: the kind's defaults, shrunk to fit the days chosen."""
        span = self.span_days()
        if span is None:
            self.span_note.setText("")
            return
        if self.form is not None:
            self.form.fit_windows(span)
        needed = None if self.form is None else backtest_days(self.form.values())
        forecast = self._fit_forecast(span)
        if forecast is not None:
            note = f"{span:,} days of incidents: {forecast}."
        elif needed is None:
            note = f"{span:,} days of incidents."
        elif needed > span:
            note = f"{span:,} days of incidents: too few, this kind's backtest needs {needed} or more."
        else:
            note = f"{span:,} days of incidents; backtest windows are fitted to them."
        self.span_note.setText(note)

    def _fit_forecast(self, span: int) -> str | None:
        """A forecast kind's horizon limited to what ``span`` days support; the sentence saying
        what that is (None for other kinds)."""
        editors = {} if self.form is None else self.form.editors
        if not {"freq", "horizon", "backtest_origins"} <= editors.keys():
            return None
        values = editor_value(editors["freq"]), editor_value(editors["backtest_origins"])
        from crimedesk.models.forecast.history import span_support  # sklearn: not at start-up

        support = span_support(span, *values)
        horizon = editors["horizon"]
        assert isinstance(horizon, QSpinBox)
        horizon.setMaximum(max(1, support.max_horizon))
        return support.describe()

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
        for name in ("freq", "backtest_origins"):
            editor = self.form.editors.get(name)
            if isinstance(editor, QComboBox):
                editor.currentTextChanged.connect(self._forecast_changed)
            elif isinstance(editor, QSpinBox):
                editor.valueChanged.connect(self._forecast_changed)
        self._fit_to_span()

    def _forecast_changed(self) -> None:
        """Counts per day or week, or the origins, changed: the horizon's limit and note follow
        (the windows keep the analyst's values)."""
        span = self.span_days()
        support = None if span is None else self._fit_forecast(span)
        if support is not None:
            self.span_note.setText(f"{span:,} days of incidents: {support}.")

    def request(self) -> TrainRequest:
        assert self.form is not None
        filters = FilterSnapshot()
        if self.limit_dates.isChecked():
            start: date = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date = self.date_to.date().toPython()  # type: ignore[assignment]
            filters = FilterSnapshot(date_from=start, date_to=end)
        return TrainRequest(self.selected_kind(), self.form.values(), self.seed.value(), filters)
