"""The filter panel: widgets that write to :class:`FilterState` and show whatever it holds.

Every user action becomes exactly one ``FilterState.update`` (one refresh of every pane); changes
made elsewhere (a click on a chart, restored settings) are shown with the widgets' signals blocked.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.analytics import choices
from crimedesk.analytics.region_basis import RegionBasis, region_basis
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.error_text import error_sentence
from crimedesk.ui.widgets.multiselect import MultiSelect
from crimedesk.ui.widgets.saved_filters import SavedFilterSets
from crimedesk.ui.widgets.time_filter import TimeFilter

PRESET_LABELS = {
    "last_7": "Last 7 days",
    "last_28": "Last 28 days",
    "month": "Month to date",
    "ytd": "Year to date",
    "custom": "Custom",
}
NO_DATE = QDate(1970, 1, 1)
TEXT_DELAY_MS = 300


class FilterPanel(QWidget):
    error = Signal(str)

    def __init__(
        self,
        state: FilterState,
        engine: Engine,
        parent: QWidget | None = None,
        settings_file: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.state, self._engine = state, engine
        self.latest: date | None = None
        self.saved = SavedFilterSets(state, lambda: self.latest, settings_file)
        self.time = TimeFilter()
        self.preset = QComboBox()
        for key, label in PRESET_LABELS.items():
            self.preset.addItem(label, key)
        self.date_from, self.date_to = _date_edit(), _date_edit()
        self.layer = QComboBox()
        self.regions = MultiSelect("Search regions…")
        self.basis = QLabel()  # what the layer's regions rest on: codes or polygons
        self.basis.setTextFormat(Qt.TextFormat.PlainText)  # a layer's name is data: never HTML
        self.basis.setWordWrap(True)
        self.basis.setStyleSheet("color: #666")
        self.categories = {name: QCheckBox(name.title()) for name in CATEGORIES}
        self.offenses = MultiSelect("Search offense types…")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Block, location or case number contains…")
        self.text.setClearButtonEnabled(True)
        self.mappable = QCheckBox("Mappable only")
        self.reset = QPushButton("Reset filters")
        self._text_timer = QTimer(self, singleShot=True, interval=TEXT_DELAY_MS)
        self._choices = LatestQuery(
            self._show_choices, partial(self._failed, "the filter choices could not be loaded"), self
        )
        self._region_choices = LatestQuery(
            self.regions.set_items, partial(self._failed, "the layer's regions could not be listed"), self
        )
        self._basis = LatestQuery(
            self._show_basis, partial(self._failed, "the region filter's basis could not be read"), self
        )
        self._build()
        self._connect()
        self.show_snapshot(state.snapshot)
        state.subscribe(lambda snapshot, _changed: self.show_snapshot(snapshot))

    def _build(self) -> None:
        when = QFormLayout()
        when.addRow("Period", self.preset)
        when.addRow("From", self.date_from)
        when.addRow("To", self.date_to)
        when.addRow("Hours", self.time)
        where = QVBoxLayout()
        where.addWidget(self.layer)
        where.addWidget(self.basis)
        where.addWidget(self.regions)
        what = QVBoxLayout()
        boxes = QHBoxLayout()
        for box in self.categories.values():
            boxes.addWidget(box)
        what.addLayout(boxes)
        what.addWidget(self.offenses)
        layout = QVBoxLayout(self)
        layout.addWidget(self.saved)
        for title, inner in (("When", when), ("Where", where), ("What", what)):
            group = QGroupBox(title)
            group.setLayout(inner)
            layout.addWidget(group, stretch=0 if title == "When" else 1)
        layout.addWidget(self.text)
        layout.addWidget(self.mappable)
        layout.addWidget(self.reset)

    def _connect(self) -> None:
        self.preset.activated.connect(self._preset_chosen)
        self.date_from.dateChanged.connect(lambda _d: self._dates_edited(from_changed=True))
        self.date_to.dateChanged.connect(lambda _d: self._dates_edited(from_changed=False))
        self.layer.activated.connect(self._layer_chosen)
        self.regions.selection_changed.connect(lambda ids: self.state.update(region_ids=ids))
        for box in self.categories.values():
            box.toggled.connect(self._categories_edited)
        self.offenses.selection_changed.connect(lambda types: self.state.update(offense_types=types))
        self.text.textEdited.connect(lambda _t: self._text_timer.start())
        self.text.returnPressed.connect(self._text_edited)
        self._text_timer.timeout.connect(self._text_edited)
        self.mappable.toggled.connect(lambda on: self.state.update(mappable_only=on))
        self.time.hours_changed.connect(lambda hours: self.state.update(hours=hours))
        self.time.weekdays_changed.connect(lambda days: self.state.update(weekdays=days))
        self.saved.error.connect(self.error)
        self.reset.clicked.connect(self._reset)

    def load_choices(self) -> None:
        """Fetch offense types and region layers on a worker (after an import, say)."""
        engine = self._engine

        def query() -> tuple[list[str], list[tuple[int | str, str]]]:
            with engine.connect() as conn:
                return choices.offense_types(conn), choices.region_layers(conn)

        self._choices.run(query)

    def set_latest(self, latest: date | None) -> None:
        """The newest incident day: presets end there."""
        self.latest = latest
        self.preset.setEnabled(latest is not None)

    def show_snapshot(self, f: FilterSnapshot) -> None:
        """State -> widgets, without writing back."""
        widgets = [self.preset, self.date_from, self.date_to, self.layer, self.mappable, self.text]
        blockers = [QSignalBlocker(w) for w in [*widgets, *self.categories.values()]]
        self.preset.setCurrentIndex(self.preset.findData(f.preset))
        self.date_from.setDate(_qdate(f.date_from))
        self.date_to.setDate(_qdate(f.date_to))
        self._select_layer(f.region_layer_id)
        for name, box in self.categories.items():
            box.setChecked(name in f.categories)
        if self.text.text() != f.text:
            self.text.setText(f.text)
        self.mappable.setChecked(f.mappable_only)
        self.time.show_values(f.hours, f.weekdays)
        del blockers
        self.regions.set_selected(f.region_ids)
        self.regions.setEnabled(f.region_layer_id is not None)
        self.offenses.set_selected(f.offense_types)
        self._query_basis(f)

    def _query_basis(self, f: FilterSnapshot) -> None:
        """Name the layer's basis and count the incidents it cannot place (on a worker)."""
        layer = f.region_layer_id
        if layer is None:
            self._basis.run(lambda: None)
            return
        engine = self._engine

        def query() -> RegionBasis:
            with engine.connect() as conn:
                return region_basis(conn, f, layer)

        self._basis.run(query)

    def _show_basis(self, basis: RegionBasis | None) -> None:
        self.basis.setText("" if basis is None else basis.caption())
        self.basis.setVisible(basis is not None)

    def _show_choices(self, result: tuple[list[str], list[tuple[int | str, str]]]) -> None:
        offense_types, layers = result
        self.offenses.set_items((t, t) for t in offense_types)
        with QSignalBlocker(self.layer):
            self.layer.clear()
            self.layer.addItem("No region layer", None)
            for layer, label in layers:
                self.layer.addItem(label, layer)
        chosen = self.state.region_layer_id
        if chosen is not None and chosen not in {layer for layer, _ in layers}:
            self._drop_missing_layer(chosen)
        self._select_layer(self.state.region_layer_id)

    def _select_layer(self, layer: int | str | None) -> None:
        index = self.layer.findData(layer)
        if index < 0 and layer is not None:  # shown by its id until the layers are listed again:
            self.layer.addItem(str(layer), layer)  # just loaded, or gone (a saved set's, say)
            index = self.layer.count() - 1
            self.load_choices()
        with QSignalBlocker(self.layer):
            self.layer.setCurrentIndex(max(index, 0))
        if layer is None:  # no layer's regions listed (a request still running for one is dropped)
            self.regions.setProperty("layer", None)
            self._region_choices.run(list)
        elif self.regions.property("layer") != layer:
            self.regions.setProperty("layer", layer)
            engine = self._engine

            def query() -> list[tuple[str, str]]:
                with engine.connect() as conn:
                    return choices.regions(conn, layer)

            self._region_choices.run(query)

    def _preset_chosen(self, _index: int) -> None:
        name = self.preset.currentData()
        if name == "custom" or self.latest is None:
            self.state.update(preset="custom")
        else:
            self.state.apply_preset(name, self.latest)

    def _dates_edited(self, from_changed: bool) -> None:
        start, end = _value(self.date_from), _value(self.date_to)
        if start and end and start > end:  # keep the range valid: move the other end along
            start, end = (start, start) if from_changed else (end, end)
        self.state.update(date_from=start, date_to=end)

    def _layer_chosen(self, _index: int) -> None:
        self.state.update(region_layer_id=self.layer.currentData(), region_ids=frozenset())

    def _categories_edited(self) -> None:
        chosen = frozenset(name for name, box in self.categories.items() if box.isChecked())
        self.state.update(categories=chosen)

    def _text_edited(self) -> None:
        self._text_timer.stop()
        self.state.update(text=self.text.text())

    def _reset(self) -> None:
        """Clear everything but the period."""
        self.state.update(
            region_layer_id=None,
            region_ids=frozenset(),
            categories=frozenset(),
            offense_types=frozenset(),
            text="",
            mappable_only=False,
            bbox=None,
            polygon_wkt=None,
            hours=None,
            weekdays=frozenset(),
        )

    def _drop_missing_layer(self, layer: int | str) -> None:
        """A region filter on a boundary layer the store's latest listing lacks (replaced or deleted
        since the filter was set, restored or saved) selects nothing: it is cleared, and said so.
        Only a listing decides: a layer chosen as it is loaded is listed by the reload after it."""
        self.state.update(region_layer_id=None, region_ids=frozenset())
        self.error.emit(
            f"The region filter was cleared: boundary layer {layer} is no longer in the store (replaced"
            " or deleted); choose the layer again."
        )

    def _failed(self, what: str, exc: Exception) -> None:
        self.error.emit(error_sentence(what, exc))


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("any")
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def _qdate(day: date | None) -> QDate:
    return NO_DATE if day is None else QDate(day.year, day.month, day.day)


def _value(edit: QDateEdit) -> date | None:
    shown = edit.date()
    return None if shown == NO_DATE else date(shown.year(), shown.month(), shown.day())
