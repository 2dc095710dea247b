"""Dashboard pane: KPI cards, trend, top offenses, hour-of-week grid and CompStat table.

Each part re-queries on its own worker when the filters change (one refresh per change) and shows
only the answer to the newest filters. Every number comes from ``crimedesk.analytics``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget
from sqlalchemy import Engine

from crimedesk.analytics.closed_range import closed_range
from crimedesk.analytics.hour_of_week import hour_of_week
from crimedesk.analytics.kpis import kpis
from crimedesk.analytics.same_result import same_result
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.dashboard.kpi_cards import KpiCards
from crimedesk.ui.runtime.subscriptions import subscribe_while_alive
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.deferred import DeferredWidget
from crimedesk.ui.widgets.error_text import error_sentence

if TYPE_CHECKING:  # pandas and pyqtgraph: imported on the first query, after the window paints
    from crimedesk.analytics.compstat import CompStat
    from crimedesk.ui.panes.dashboard.compstat_table import CompStatTable
    from crimedesk.ui.panes.dashboard.hour_grid import HourGrid
    from crimedesk.ui.panes.dashboard.offense_bars import OffenseBars
    from crimedesk.ui.panes.dashboard.trend_chart import TrendChart

log = logging.getLogger(__name__)


class ShowsErrors(Protocol):
    def show_error(self, exc: Exception) -> None: ...


PARTS = ("kpis", "trend", "offenses", "hours", "compstat")
_NOTHING = object()  # no result shown yet
PART_NAMES = {
    "kpis": "key figures",
    "trend": "trend",
    "offenses": "top offense types",
    "hours": "hour-of-week grid",
    "compstat": "CompStat table",
}


class DashboardPane(QWidget):
    error = Signal(str)
    recovered = Signal()  # every part that had failed shows an answer again

    def __init__(
        self,
        engine: Engine,
        state: FilterState,
        parent: QWidget | None = None,
        query_engine: Callable[[], Engine] | None = None,
    ) -> None:
        """``query_engine`` picks where the aggregates run (the analytics mirror once it is ready)."""
        super().__init__(parent)
        self.engine, self.state = engine, state
        self.query_engine = query_engine or (lambda: engine)
        self.kpis = KpiCards()
        self.slots: dict[str, DeferredWidget[Any]] = {
            "trend": DeferredWidget(self._make_trend),
            "offenses": DeferredWidget(self._make_offenses),
            "hours": DeferredWidget(self._make_hours),
            "compstat": DeferredWidget(self._make_compstat),
        }
        self.refreshes = 0
        self.failed: set[str] = set()
        self.shown: dict[str, FilterSnapshot | None] = dict.fromkeys(PARTS)
        self.results: dict[str, Any] = {}  # what each part shows
        self._runners = {part: self._runner(part) for part in PARTS}
        self._build()
        self.kpis.category_clicked.connect(self._category_clicked)
        subscribe_while_alive(self, state.subscribe, lambda _snapshot, _changed: self.refresh())

    def _build(self) -> None:
        self.split = QSplitter(Qt.Orientation.Vertical)  # drag it to give CompStat more rows
        slots = self.slots
        for left, right in ((slots["trend"], slots["offenses"]), (slots["hours"], slots["compstat"])):
            row = QWidget()
            pair = QHBoxLayout(row)
            pair.setContentsMargins(0, 0, 0, 0)
            pair.addWidget(left, stretch=3)
            pair.addWidget(right, stretch=2)
            self.split.addWidget(row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kpis)
        layout.addWidget(self.split, stretch=1)

    @property
    def trend(self) -> TrendChart:
        return self.slots["trend"].widget()

    @property
    def offenses(self) -> OffenseBars:
        return self.slots["offenses"].widget()

    @property
    def hours(self) -> HourGrid:
        return self.slots["hours"].widget()

    @property
    def compstat(self) -> CompStatTable:
        return self.slots["compstat"].widget()

    def _make_trend(self) -> TrendChart:
        from crimedesk.ui.panes.dashboard.trend_chart import TrendChart

        chart = TrendChart(self.state, engine=self.engine)
        chart.bucket_changed.connect(lambda _b: self._run("trend", self.state.snapshot))
        return chart

    def _make_offenses(self) -> OffenseBars:
        from crimedesk.ui.panes.dashboard.offense_bars import OffenseBars

        return OffenseBars(self.state, engine=self.engine)

    def _make_hours(self) -> HourGrid:
        from crimedesk.ui.panes.dashboard.hour_grid import HourGrid

        return HourGrid(engine=self.engine)

    def _make_compstat(self) -> CompStatTable:
        from crimedesk.ui.panes.dashboard.compstat_table import CompStatTable

        return CompStatTable(self.state, self.engine)

    def refresh(self) -> None:
        """Re-query every part for the current filters."""
        self.refreshes += 1
        for slot in self.slots.values():  # built here, on the GUI thread, before their modules are
            slot.widget()  # needed by the queries' workers (the first refresh follows the first paint)
        snapshot = self.state.snapshot
        for part in PARTS:
            self._run(part, snapshot)

    def is_current(self) -> bool:
        """True once every part shows the current filters."""
        return all(shown == self.state.snapshot for shown in self.shown.values())

    def _run(self, part: str, snapshot: FilterSnapshot) -> None:
        engine, query = self.query_engine(), self._query(part)

        def task() -> tuple[FilterSnapshot, Any]:
            with engine.connect() as conn:
                closed = closed_range(conn, snapshot)
                return snapshot, None if closed is None else query(conn, closed)

        self._runners[part].run(task)

    def _query(self, part: str) -> Callable[[Any, FilterSnapshot], Any]:
        from crimedesk.analytics.offenses import top_offenses
        from crimedesk.analytics.trend import trend

        bucket = self.trend.selected_bucket()
        return {
            "kpis": kpis,
            "trend": lambda conn, f: trend(conn, f, bucket),
            "offenses": top_offenses,
            "hours": hour_of_week,
            "compstat": _compstat,
        }[part]

    def _runner(self, part: str) -> LatestQuery:
        return LatestQuery(
            lambda result: self._show(part, *result), lambda exc: self._failed(part, exc), self
        )

    def _show(self, part: str, snapshot: FilterSnapshot, result: Any) -> None:
        unchanged = part not in self.failed and same_result(self.results.get(part, _NOTHING), result)
        self.shown[part] = snapshot
        if unchanged:  # the mirror taking over answers the same: no redraw on the GUI thread
            return
        self.results[part] = result
        if part in self.failed:
            self.failed.discard(part)
            if not self.failed:
                self.recovered.emit()
        if result is None:  # empty store: nothing to show yet
            return
        shows: dict[str, Callable[[Any], None]] = {
            "kpis": self.kpis.show_report,
            "trend": self.trend.show_frame,
            "offenses": self.offenses.show_frame,
            "hours": self.hours.show_grid,
            "compstat": lambda layer_result: self.compstat.show_result(*layer_result),
        }
        shows[part](result)

    def _failed(self, part: str, exc: Exception) -> None:
        log.error("dashboard %s query failed: %s", part, exc)
        widgets: dict[str, ShowsErrors] = {
            "kpis": self.kpis,
            "trend": self.trend,
            "offenses": self.offenses,
            "hours": self.hours,
        }
        widgets.get(part, self.compstat).show_error(exc)
        self.failed.add(part)
        self.error.emit(error_sentence(f"the dashboard's {PART_NAMES[part]} could not be computed", exc))

    def _category_clicked(self, name: str) -> None:
        self.state.update(categories=frozenset() if name == "total" else {name})


def _compstat(conn: Any, f: FilterSnapshot) -> tuple[CompStat, str | int]:
    """CompStat by the filter's region layer (districts when none is chosen), as of its end date."""
    if f.date_to is None:  # _run passes the closed range
        raise ValueError("CompStat needs the end date of the filter range")
    from crimedesk.analytics.compstat import compstat

    layer = f.region_layer_id or "district"
    return compstat(conn, f, layer, f.date_to), layer
