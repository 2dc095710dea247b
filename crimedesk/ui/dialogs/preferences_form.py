"""The Settings dialog's other settings, in one place: the map's basemap and distance units, and
the idle lock (minutes without input before a PostgreSQL store locks). A PostgreSQL store sets a
limit for every workstation (crimedesk.auth.store_settings): the form shows it and refuses a longer
time, or none."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from crimedesk.auth.store_settings import MAX_IDLE_MINUTES, check_workstation_idle, effective_idle_minutes
from crimedesk.config.settings import Settings
from crimedesk.ui.widgets.plain_text import PlainLabel

BASEMAPS = (("none", "No basemap (offline)"), ("xyz", "Online tiles"), ("mbtiles", "MBTiles file (offline)"))
UNITS = (("m", "Metres and kilometres"), ("ft", "Feet and miles"))


class PreferencesForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.basemap, self.units = QComboBox(), QComboBox()
        for box, choices in ((self.basemap, BASEMAPS), (self.units, UNITS)):
            for key, label in choices:
                box.addItem(label, key)
        self.mbtiles = QLineEdit()
        self.mbtiles.setPlaceholderText("an .mbtiles file (Map ▸ Prepare offline basemap… makes one)")
        self.browse_mbtiles = QPushButton("Browse…")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" min")
        self.idle_minutes.setSpecialValueText("never")
        self.idle_minutes.setToolTip("Minutes without input before a PostgreSQL store locks; 0: never")
        self.idle_limit_note = PlainLabel()
        self.store_limit: float | None = None
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(self.idle_limit_note, 1)
        mbtiles_row = QHBoxLayout()
        mbtiles_row.addWidget(self.mbtiles, 1)
        mbtiles_row.addWidget(self.browse_mbtiles)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Basemap", self.basemap)
        form.addRow("MBTiles file", mbtiles_row)
        form.addRow("Distances in", self.units)
        form.addRow("Lock when idle for", idle_row)
        self.basemap.currentIndexChanged.connect(self._show_mbtiles)
        self.browse_mbtiles.clicked.connect(self.choose_mbtiles)

    def set_store_limit(self, minutes: float | None) -> None:
        """The open store's limit on the idle time (None: no limit, not a PostgreSQL store)."""
        self.store_limit = minutes
        shown = "" if minutes is None else f"this store: at most {minutes:g} min (set by its admin)"
        self.idle_limit_note.setText(shown)

    def show_settings(self, settings: Settings) -> None:
        """Shows ``settings``; the idle time as it applies: a longer time (or none) is the store's limit."""
        self.basemap.setCurrentIndex(max(self.basemap.findData(settings.map.basemap), 0))
        self.mbtiles.setText(settings.map.mbtiles or "")
        self.units.setCurrentIndex(max(self.units.findData(settings.map.units), 0))
        idle = settings.idle_lock_minutes
        if self.store_limit is not None:
            idle = effective_idle_minutes(idle, self.store_limit)
        self.idle_minutes.setValue(round(idle))
        self._show_mbtiles()

    def apply_to(self, settings: Settings) -> None:
        """Write the form into ``settings``; ValueError (a sentence) when an MBTiles basemap has no
        file, or the idle time is not within the store's limit."""
        if self.store_limit is not None:
            check_workstation_idle(self.idle_minutes.value(), self.store_limit)
        kind, mbtiles = self.basemap.currentData(), self.mbtiles.text().strip()
        if kind == "mbtiles" and not Path(mbtiles).expanduser().is_file():
            raise ValueError("choose an existing MBTiles file for the offline basemap (Browse…)")
        settings.map.basemap = kind
        settings.map.mbtiles = str(Path(mbtiles).expanduser()) if mbtiles else settings.map.mbtiles
        settings.map.units = self.units.currentData()
        settings.idle_lock_minutes = float(self.idle_minutes.value())

    def choose_mbtiles(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "MBTiles basemap", self.mbtiles.text(), "MBTiles (*.mbtiles);;All files (*)"
        )
        if name:
            self.mbtiles.setText(name)

    def _show_mbtiles(self) -> None:
        chosen = self.basemap.currentData() == "mbtiles"
        self.mbtiles.setEnabled(chosen)
        self.browse_mbtiles.setEnabled(chosen)
