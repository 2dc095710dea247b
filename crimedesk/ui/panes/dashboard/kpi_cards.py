"""KPI cards: count or share, change vs the previous equal period, tinted only when |z| >= 2."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from crimedesk.analytics.kpis import COUNTS, SHARES, Kpi, KpiReport
from crimedesk.ui.widgets.plain_text import PlainLabel

TITLES = {
    "total": "Total",
    "violent": "Violent",
    "property": "Property",
    "drug": "Drug",
    "other": "Other",
    "arrest_rate": "Arrest rate",
    "domestic_share": "Domestic",
    "mappable_share": "Mappable",
}
NEUTRAL, UP, DOWN = "#f7f7f7", "#fde2de", "#dcf0dd"


class KpiCard(QFrame):
    clicked = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(TITLES[name])
        self.value = QLabel("…")
        self.value.setStyleSheet("font-size: 20pt; font-weight: bold")
        self.change = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for label in (self.title, self.value, self.change):
            layout.addWidget(label)
        self.tint = NEUTRAL
        self._paint(NEUTRAL)
        if name in COUNTS:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip("Click to filter by this category" if name != "total" else "Click for all")

    def show_kpi(self, kpi: Kpi) -> None:
        if kpi.name in SHARES:
            self.value.setText("—" if kpi.current is None else f"{kpi.current:.1f} %")
            self.change.setText("" if kpi.change is None else f"{kpi.change:+.1f} pp vs previous")
            self._paint(NEUTRAL)
            return
        self.value.setText(f"{int(kpi.current or 0):,}")
        pct = "" if kpi.pct_change is None else f" ({kpi.pct_change:+.0f} %)"
        self.change.setText(f"{int(kpi.change or 0):+,}{pct} · z {kpi.z:+.1f}")
        self._paint((UP if (kpi.z or 0) > 0 else DOWN) if kpi.significant else NEUTRAL)

    def _paint(self, colour: str) -> None:
        self.tint = colour
        self.setStyleSheet(f"KpiCard {{ background: {colour}; border-radius: 6px; }}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.name in COUNTS:
            self.clicked.emit(self.name)
        super().mouseReleaseEvent(event)


class KpiCards(QWidget):
    category_clicked = Signal(str)  # "total" for all categories

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {name: KpiCard(name) for name in (*COUNTS, *SHARES)}
        self.period = PlainLabel()
        self.period.setStyleSheet("color: #666")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, card in enumerate(self.cards.values()):
            layout.addWidget(card, 0, i)
            card.clicked.connect(self.category_clicked)
        layout.addWidget(self.period, 1, 0, 1, len(self.cards))

    def show_report(self, report: KpiReport) -> None:
        for name, kpi in report.kpis.items():
            self.cards[name].show_kpi(kpi)
        now, before = report.current_period, report.previous_period
        self.period.setText(
            f"{now.start} – {now.end} vs {before.start} – {before.end}"
            " · tinted when |z| ≥ 2 (red up, green down) · click a count to filter by it"
        )

    def show_error(self, exc: Exception) -> None:
        self.period.setText(f"⚠ {exc}")
