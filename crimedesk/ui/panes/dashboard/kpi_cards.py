"""KPI cards: count or share, change vs the previous equal period and vs the same days a year
earlier (CompStat's rule); a count is tinted only when its change is significant (p < 0.05)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from crimedesk.analytics.kpis import COUNTS, SHARES, Kpi, KpiReport
from crimedesk.analytics.significance import ALPHA, ChangeTest
from crimedesk.analytics.sqltime import YEAR_BACK_RULE
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
        self.year_ago = QLabel()
        self.year_ago.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for label in (self.title, self.value, self.change, self.year_ago):
            layout.addWidget(label)
        self.tint = NEUTRAL
        self._paint(NEUTRAL)
        self.click_hint = ""
        if name in COUNTS:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.click_hint = "Click to filter by this category" if name != "total" else "Click for all"
            self.setToolTip(self.click_hint)

    def show_kpi(self, kpi: Kpi, report: KpiReport) -> None:
        if kpi.name in SHARES:
            self.value.setText("—" if kpi.current is None else f"{kpi.current:.1f} %")
            self.change.setText("" if kpi.change is None else f"{kpi.change:+.1f} pp vs previous")
            self.year_ago.setText("" if kpi.year_ago is None else f"LY {kpi.year_ago:.1f} %")
            self._paint(NEUTRAL)
            return
        current, previous, year_ago = int(kpi.current or 0), int(kpi.previous or 0), int(kpi.year_ago or 0)
        self.value.setText(f"{current:,}")
        self.change.setText(f"{_change(current, previous)} vs previous{_mark(kpi.test)}")
        self.year_ago.setText(f"{_change(current, year_ago)} vs LY ({year_ago:,}){_mark(kpi.year_ago_test)}")
        self.setToolTip(_count_tooltip(kpi, report, self.click_hint))
        up = current > previous
        self._paint((UP if up else DOWN) if kpi.significant else NEUTRAL)

    def _paint(self, colour: str) -> None:
        self.tint = colour
        self.setStyleSheet(f"KpiCard {{ background: {colour}; border-radius: 6px; }}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.name in COUNTS:
            self.clicked.emit(self.name)
        super().mouseReleaseEvent(event)


class KpiCards(QWidget):
    """The cards in one row, or in two rows of half as many when one row would not fit (a
    1366 px laptop screen), so the dashboard never forces the window wider."""

    category_clicked = Signal(str)  # "total" for all categories

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {name: KpiCard(name) for name in (*COUNTS, *SHARES)}
        self.period = PlainLabel()
        self.period.setStyleSheet("color: #666")
        self.period.setWordWrap(True)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for card in self.cards.values():
            card.clicked.connect(self.category_clicked)
        self.columns = 0
        self._arrange(len(self.cards))

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for i, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, i // columns, i % columns)  # re-adding moves the card
        self.grid.addWidget(self.period, (len(self.cards) - 1) // columns + 1, 0, 1, columns)
        self.updateGeometry()

    def _width_for(self, columns: int) -> int:
        widths = [card.minimumSizeHint().width() for card in self.cards.values()]
        per_column = [max(widths[i::columns]) for i in range(columns)]
        return sum(per_column) + self.grid.horizontalSpacing() * (columns - 1)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the two-row arrangement."""
        return QSize(self._width_for(len(self.cards) // 2), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        one_row = self._width_for(len(self.cards)) <= event.size().width()
        self._arrange(len(self.cards) if one_row else len(self.cards) // 2)
        super().resizeEvent(event)

    def show_report(self, report: KpiReport) -> None:
        for name, kpi in report.kpis.items():
            self.cards[name].show_kpi(kpi, report)
        now, before, ly = report.current_period, report.previous_period, report.year_ago_period
        self.period.setText(
            f"{now.start} – {now.end} vs previous {before.start} – {before.end}"
            f" and LY {ly.start} – {ly.end} ({YEAR_BACK_RULE})"
            f" · tinted when the change vs previous is significant (p < {ALPHA:g}; red up, green down)"
            " · * marks p < 0.05 · click a count to filter by it"
        )

    def show_error(self, exc: Exception) -> None:
        self.period.setText(f"⚠ {exc}")


def _change(current: int, base: int) -> str:
    pct = "" if base == 0 else f" ({100.0 * (current - base) / base:+.0f} %)"
    return f"{current - base:+,}{pct}"


def _mark(test: ChangeTest | None) -> str:
    return " *" if test is not None and test.significant else ""


def _count_tooltip(kpi: Kpi, report: KpiReport, hint: str) -> str:
    """Both comparisons with their periods and tests, as plain text."""
    now, before, ly = report.current_period, report.previous_period, report.year_ago_period
    lines = [f"{TITLES[kpi.name]}: {int(kpi.current or 0):,} in {now.start} – {now.end}"]
    for label, period, count, test in (
        ("previous equal period", before, kpi.previous, kpi.test),
        (f"last year ({YEAR_BACK_RULE})", ly, kpi.year_ago, kpi.year_ago_test),
    ):
        verdict = "" if test is None else f"; {test.describe()}"
        lines.append(f"vs {label} {period.start} – {period.end}: {int(count or 0):,}{verdict}")
    return "\n".join([*lines, hint] if hint else lines)
