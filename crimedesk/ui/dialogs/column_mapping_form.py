"""The fields of a ColumnMapping as widgets: one source-column picker per canonical field.

Pickers start on the file's column whose normalised name equals the canonical one, so a file
that already uses canonical names needs only its date format and key. The time zone, the
source shared on purpose (``same_source_as``), the delimiter and the encoding are the mapping's
own fields: "Sniffed" leaves the last two to the engine (``crimedesk.ingest.textformat``).
So are a source without ids, the resolution of its times and its area (bbox), as in the file's
fields (``crimedesk.ingest.mapping_schema``).
"""

from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.domain.display_text import html_text
from crimedesk.ingest.mappings import ColumnMapping
from crimedesk.ingest.profiles.base import normalize_header
from crimedesk.ingest.textformat import DELIMITERS, ENCODINGS
from crimedesk.ingest.validate.dates import pretty_format
from crimedesk.ui.widgets.multiselect import MultiSelect
from crimedesk.ui.widgets.plain_text import rich_label

NONE = "—"
DEFAULT_FORMAT = "%m/%d/%Y %H:%M"
OPTIONAL = (
    "occurred_time",
    "occurred_to",
    "occurred_to_time",
    "latitude",
    "longitude",
    "x",
    "y",
    "arrest",
    "domestic",
    "category_column",
)
TEXT_FIELDS = tuple(c for c in SOURCE_TEXT_COLUMNS if c != "offense_type")
SNIFFED = "Sniffed"
DELIMITER_LABELS = {"\t": "tab"}  # shown names of delimiters that have no visible character


def format_combo(values: tuple[str, ...]) -> QComboBox:
    """ "Sniffed" then ``values`` (delimiters shown by name when invisible); the value as item data."""
    combo = QComboBox()
    combo.addItem(SNIFFED, None)
    for value in values:
        combo.addItem(DELIMITER_LABELS.get(value, value), value)
    return combo


def delimiter_combo() -> QComboBox:
    return format_combo(DELIMITERS)


def encoding_combo() -> QComboBox:
    return format_combo(ENCODINGS)


class MappingForm(QWidget):
    """Emits ``changed`` on every edit; :meth:`mapping` builds the ColumnMapping or raises ValueError."""

    changed = Signal()

    def __init__(
        self, header: tuple[str, ...], sources: tuple[str, ...] = (), parent: QWidget | None = None
    ) -> None:
        """``sources``: the built-in profiles and saved mappings a mapping may share a source with."""
        super().__init__(parent)
        self.header = header
        self.name, self.source = QLineEdit(), QLineEdit()
        self.name.setPlaceholderText("e.g. springfield_pd")
        self.source.setPlaceholderText("source label stored with each incident")
        self.key = MultiSelect("Key column(s)…")
        self.key.set_items((h, h) for h in header)
        self.key.clear_button.setText("Clear")
        self.key.clear_button.setToolTip("Untick every key column")
        self.key.setMaximumHeight(110)
        self.combos = {f: self._combo(f, required=True) for f in ("occurred", "offense_type")}
        self.combos |= {f: self._combo(f, required=False) for f in (*OPTIONAL, *TEXT_FIELDS)}
        self.date_format = QLineEdit(DEFAULT_FORMAT)
        self.pretty = rich_label()
        self.epsg = QSpinBox()
        self.epsg.setRange(0, 999_999)
        self.epsg.setSpecialValueText("none")
        self.categories = QTableWidget(0, 2)
        self.categories.setHorizontalHeaderLabels(["value", "category"])
        self.categories.horizontalHeader().setStretchLastSection(True)
        self.categories.setMaximumHeight(110)
        self.add_category = QPushButton("Add value")
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(["", *sorted(available_timezones())])
        self.time_zone.setToolTip(
            "The source's IANA time zone: empty for none; needed when the format has %z"
        )
        self.same_source_as = QComboBox()
        self.same_source_as.addItems([NONE, *sources])
        self.same_source_as.setToolTip("Share the source of a built-in profile or saved mapping, on purpose")
        self.delimiter, self.encoding = delimiter_combo(), encoding_combo()
        self._build_keyless_and_area()
        self._build()
        self._show_pretty()
        for edit in (self.name, self.source, self.date_format):
            edit.textChanged.connect(self.changed)
        self.date_format.textChanged.connect(self._show_pretty)
        self.key.selection_changed.connect(self.changed)
        self.epsg.valueChanged.connect(self.changed)
        self.categories.cellChanged.connect(self.changed)
        self.time_zone.currentTextChanged.connect(self.changed)
        for combo in (self.same_source_as, self.delimiter, self.encoding):
            combo.currentIndexChanged.connect(self.changed)
        self.add_category.clicked.connect(lambda: self.add_category_row("", CATEGORIES[0]))
        self.no_key.toggled.connect(self._key_mode)
        for combo in (self.repeated_rows, self.time_resolution):
            combo.currentIndexChanged.connect(self.changed)
        self.bbox.textChanged.connect(self.changed)

    def _build_keyless_and_area(self) -> None:
        """The fields of issue 21: no id column, how identical rows count, the source's time
        resolution and the plausible area (bbox); every one is a field of the mapping file."""
        self.no_key = QCheckBox("No id column: every row is an incident")
        self.no_key.setToolTip("The key becomes a hash of the row, so re-importing changes nothing")
        self.repeated_rows = QComboBox()
        self.repeated_rows.addItem("are one incident (duplicates)", "duplicates")
        self.repeated_rows.addItem("are separate incidents", "incidents")
        self.repeated_rows.setEnabled(False)
        self.time_resolution = QComboBox()
        self.time_resolution.addItem("minutes: 00:00 may mean unknown", "minute")
        self.time_resolution.addItem("hours: 00:00 is midnight", "hour")
        self.bbox = QLineEdit()
        self.bbox.setPlaceholderText("min lon, min lat, max lon, max lat (empty: the data's own area)")
        self.bbox.setToolTip(
            "Points outside are kept as unmappable. When empty, points far from the data's dense core"
            " (geocoder misses) are flagged instead."
        )

    def _key_mode(self, keyless: bool) -> None:
        self.key.setEnabled(not keyless)
        self.repeated_rows.setEnabled(keyless)
        self.changed.emit()

    def _bbox(self) -> tuple[float, float, float, float] | None:
        text = self.bbox.text().strip()
        if not text:
            return None
        try:
            values = [float(part) for part in text.replace(";", ",").split(",")]
        except ValueError:
            values = []
        if len(values) != 4:
            raise ValueError("the area (bbox) is four numbers: min lon, min lat, max lon, max lat")
        return values[0], values[1], values[2], values[3]

    def _combo(self, field: str, *, required: bool) -> QComboBox:
        combo = QComboBox()
        combo.addItems(([] if required else [NONE]) + list(self.header))
        guess = [h for h in self.header if normalize_header(h) == field]
        if guess:
            combo.setCurrentText(guess[0])
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _build(self) -> None:
        c = self.combos
        left, right = QFormLayout(), QFormLayout()
        left.addRow("Mapping name", self.name)
        left.addRow("Source label", self.source)
        left.addRow("Same source as", self.same_source_as)
        left.addRow("Delimiter", self.delimiter)
        left.addRow("Encoding", self.encoding)
        left.addRow("Key (one or more)", self.key)
        left.addRow("", self.no_key)
        left.addRow("Identical rows", self.repeated_rows)
        left.addRow("Occurred date", c["occurred"])
        left.addRow("Time column", c["occurred_time"])
        left.addRow("Occurred to (date)", c["occurred_to"])
        left.addRow("Occurred to time", c["occurred_to_time"])
        left.addRow("Date format", self.date_format)
        left.addRow("", self.pretty)
        left.addRow("Time zone", self.time_zone)
        left.addRow("Times recorded to", self.time_resolution)
        left.addRow("Offense type", c["offense_type"])
        for label, field in (("Latitude", "latitude"), ("Longitude", "longitude"), ("X", "x"), ("Y", "y")):
            left.addRow(label, c[field])
        left.addRow("X/Y EPSG", self.epsg)
        left.addRow("Area (bbox)", self.bbox)
        for field in (*TEXT_FIELDS, "arrest", "domestic"):
            right.addRow(field.replace("_", " ").capitalize(), c[field])
        right.addRow("Category column", c["category_column"])
        right.addRow(self.categories)
        right.addRow(self.add_category)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for form in (left, right):
            box = QVBoxLayout()
            box.addLayout(form)
            box.addStretch(1)
            row.addLayout(box, stretch=1)

    def _show_pretty(self) -> None:
        self.pretty.setText(f"reads as <b>{html_text(pretty_format(self.date_format.text()))}</b>")

    def add_category_row(self, value: str, category: str) -> None:
        """A value of the category column and the category it stands for."""
        row = self.categories.rowCount()
        self.categories.insertRow(row)
        combo = QComboBox()
        combo.addItems(CATEGORIES)
        combo.setCurrentText(category)
        combo.currentIndexChanged.connect(self.changed)
        self.categories.setCellWidget(row, 1, combo)
        self.categories.setItem(row, 0, QTableWidgetItem(value))

    def column(self, field: str) -> str | None:
        text = self.combos[field].currentText()
        return None if text in ("", NONE) else text

    def mapping(self) -> ColumnMapping:
        """The mapping as the widgets stand (raises ValueError/ImportFileError naming what is missing)."""
        keyless = self.no_key.isChecked()
        key = () if keyless else tuple(h for h in self.header if h in self.key.selected())
        given = (
            ("a key column (or tick: no id column)", keyless or key),
            ("a mapping name", self.name.text().strip()),
        )
        missing = [label for label, value in given if not value]
        if missing:
            raise ValueError(f"choose {' and '.join(missing)}")
        column = self.column
        return ColumnMapping(
            name=self.name.text().strip(),
            source=self.source.text().strip() or self.name.text().strip(),
            key=key,
            repeated_rows=self.repeated_rows.currentData(),
            time_resolution=self.time_resolution.currentData(),
            bbox=self._bbox(),
            occurred=self.combos["occurred"].currentText(),
            date_format=self.date_format.text(),
            offense_type=self.combos["offense_type"].currentText(),
            columns={f: col for f in TEXT_FIELDS if (col := self.column(f))},
            projected_epsg=self.epsg.value() or None,
            categories=self._category_values(),
            occurred_time=column("occurred_time"),
            occurred_to=column("occurred_to"),
            occurred_to_time=column("occurred_to_time"),
            latitude=column("latitude"),
            longitude=column("longitude"),
            x=column("x"),
            y=column("y"),
            arrest=column("arrest"),
            domestic=column("domestic"),
            category_column=column("category_column"),
            time_zone=self.time_zone.currentText().strip() or None,
            same_source_as=None
            if self.same_source_as.currentText() == NONE
            else self.same_source_as.currentText(),
            delimiter=self.delimiter.currentData(),
            encoding=self.encoding.currentData(),
        )

    def _category_values(self) -> dict[str, str]:
        values = {}
        for row in range(self.categories.rowCount()):
            item, combo = self.categories.item(row, 0), self.categories.cellWidget(row, 1)
            if item and item.text().strip() and isinstance(combo, QComboBox):
                values[item.text().strip()] = combo.currentText()
        return values
