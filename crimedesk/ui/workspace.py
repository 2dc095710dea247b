"""The analyst workspace: builds the panes around one FilterState and wires the window's behaviour.

Window geometry/state and the last filters persist in settings.json (``Settings.window`` and
``Settings.filters``); the map keeps its own part of that file. Presets are re-anchored to the
newest incident day each time the store is read.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import Engine, select

from crimedesk.analytics.extent import latest_occurrence
from crimedesk.config.secrets import shown_url
from crimedesk.config.settings import Settings, WindowLayout, load_settings, update_settings
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.state.filters import FilterState
from crimedesk.state.selection import SelectionState
from crimedesk.storage.schema import ucr_counts
from crimedesk.storage.summary import StoreSummary, store_label, store_summary
from crimedesk.ui.dialogs.boundary_dialog import BoundaryDialog
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.dialogs.portal_dialog import open_portal_dialog
from crimedesk.ui.dialogs.settings_dialog import SettingsDialog
from crimedesk.ui.filter_panel import FilterPanel
from crimedesk.ui.main_window import MainWindow
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane
from crimedesk.ui.panes.data.data_pane import DataPane
from crimedesk.ui.panes.data.zero_reason import active_spatial, zero_reason
from crimedesk.ui.panes.map.map_pane import MapPane
from crimedesk.ui.panes.models.models_pane import ModelsPane
from crimedesk.ui.panes.ucr.ucr_pane import UcrPane
from crimedesk.ui.runtime.workers import Job, LatestQuery, submit, wait_for_workers
from crimedesk.ui.welcome import WelcomePage
from crimedesk.ui.widgets.plain_text import as_rich_text

if TYPE_CHECKING:
    from crimedesk.analytics.mirror import AnalyticsMirror

log = logging.getLogger(__name__)
DEFAULT_PRESET = "last_28"


@dataclass(frozen=True)
class StoreFacts:
    summary: StoreSummary
    latest: date | None
    has_ucr: bool  # FBI UCR figures on file (a store may hold only those)


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #666; font-size: 14pt")
    label.setWordWrap(True)
    return label


class Workspace(QObject):
    def __init__(self, engine: Engine, settings_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine, self.settings_file = engine, settings_file
        saved = load_settings(settings_file)
        self.state, restore_error = _restored_filters(saved)
        self.selection = SelectionState()  # an incident clicked on the map shows in the Data pane
        name = store_label(engine)
        self.filter_panel = FilterPanel(self.state, engine)
        self.mirror: AnalyticsMirror | None = None  # made on the first reload, after the window paints
        self.dashboard = DashboardPane(engine, self.state, query_engine=self._analytics_engine)
        self.data = DataPane(engine, self.state, selection=self.selection)
        self.ucr = UcrPane(engine)
        self.map = MapPane(
            engine,
            self.state,
            query_engine=self._analytics_engine,
            settings_file=settings_file,
            selection=self.selection,
        )
        self.models = ModelsPane(engine, self.state, show_on_map=self._show_on_map)
        panes: dict[str, QWidget] = {
            "Dashboard": self.dashboard,
            "UCR": self.ucr,
            "Map": self.map,
            "Data": self.data,
            "Models": self.models,
            "Reports": _placeholder("Reports: PDF reports for command staff will appear here."),
        }
        self.welcome = WelcomePage(name)
        self.window = MainWindow(self.filter_panel, panes, self.welcome, name)
        self.facts: StoreFacts | None = None
        self.closed = False
        self.error_source: QObject | None = None  # the pane whose error the status bar shows
        self._store_query = LatestQuery(self._show_store, self.show_error, self)
        self._zero_query = LatestQuery(self._show_zero_reason, self.show_error, self)
        self._mirror_job: Job | None = None
        self._connect()
        self._restore_window(saved.window)
        if restore_error:
            self.show_error(restore_error)

    def _connect(self) -> None:
        w = self.window
        for action, slot in (
            (w.import_action, self.open_import),
            (w.boundaries_action, self.open_boundaries),
            (w.settings_action, self.open_settings),
            (w.quit_action, w.close),
        ):
            action.triggered.connect(slot)
        self.welcome.import_button.clicked.connect(self.open_import)
        self.welcome.portal_button.clicked.connect(lambda: open_portal_dialog(self.engine, w, self.reload))
        self.welcome.boundaries_button.clicked.connect(self.open_boundaries)
        for source in (self.filter_panel, self.dashboard, self.data, self.ucr, self.models):
            source.error.connect(lambda text, s=source: self.show_error(text, s))
        for source in (self.dashboard, self.ucr, self.models):  # their next success clears their error
            source.recovered.connect(lambda s=source: self.clear_error(s))
        self.data.model.count_loaded.connect(self._data_loaded)
        self.data.model.count_loaded.connect(self._filtered_count)
        w.closing.connect(self.save)
        w.closing.connect(self._detach)

    def reload(self) -> None:
        """Read the store (on a worker); then show the welcome page or refresh every pane."""
        engine = self.engine

        def query() -> StoreFacts:
            with engine.connect() as conn:
                latest = latest_occurrence(conn)
                has_ucr = conn.execute(select(ucr_counts.c.year).limit(1)).first() is not None
            return StoreFacts(store_summary(engine), latest, has_ucr)

        self._store_query.run(query)
        if self.mirror is None:
            from crimedesk.analytics.mirror import AnalyticsMirror  # DuckDB loads after first paint

            self.mirror = AnalyticsMirror(engine)
        mirror = self.mirror
        self._mirror_job = submit(
            lambda progress, cancel: mirror.sync(progress, cancel),
            finished=self._mirror_synced,
            failed=self.show_error,
        )

    def _analytics_engine(self) -> Engine:
        """Dashboard and map aggregates run on the DuckDB mirror once it holds the store, else on
        the store."""
        return self.mirror.engine if self.mirror is not None and self.mirror.ready else self.engine

    def _mirror_synced(self, changed: bool) -> None:
        if changed and not self.closed and self.facts is not None and not self.facts.summary.is_empty:
            self.dashboard.refresh()
            self.map.refresh()

    def shutdown(self) -> None:
        """Stop the mirror's copy (it can take a minute on millions of rows), wait, drop the mirror."""
        if self._mirror_job is not None:
            self._mirror_job.cancel()
        wait_for_workers()
        if self.mirror is not None:
            self.mirror.close()

    def _show_store(self, facts: StoreFacts) -> None:
        if self.closed:
            return
        self.facts = facts
        s = facts.summary
        self.window.show_welcome(s.is_empty and not facts.has_ucr)
        sources = ", ".join(s.by_source) or "no data"
        self.window.dataset_label.setText(f"Dataset: {sources} · {s.total_incidents:,} incidents")
        self.ucr.refresh()  # a UCR import shows at once, even on the tab in front
        if s.is_empty:
            if facts.has_ucr:
                self.window.tabs.setCurrentWidget(self.ucr)  # the figures there are all it holds
            return
        self.filter_panel.set_latest(facts.latest)
        self.filter_panel.load_choices()
        preset = (
            self.state.preset if self.state.preset != "custom" or self.state.date_from else DEFAULT_PRESET
        )
        changed = (
            preset != "custom" and facts.latest is not None and self.state.apply_preset(preset, facts.latest)
        )
        if not changed:  # an unchanged filter triggers no refresh by itself
            self.dashboard.refresh()
            self.data.model.set_filters(self.state.snapshot)
        self.data.uploads.refresh()
        self.models.refresh()  # the Train dialog's dates follow the store's new extent

    def _filtered_count(self, count: int) -> None:
        total = self.facts.summary.total_incidents if self.facts else 0
        self.window.counts_label.setText(f"{count:,} of {total:,} incidents match the filters")
        snapshot = self.state.snapshot
        if count == 0 and len(active_spatial(snapshot)) > 1:
            engine = self.engine

            def why() -> str | None:
                with engine.connect() as conn:
                    return zero_reason(conn, snapshot)

            self._zero_query.run(lambda: (snapshot, why()))

    def _show_zero_reason(self, found: tuple[FilterSnapshot, str | None]) -> None:
        """Say why the place filters match nothing, until the next count (as the Data pane's note)."""
        snapshot, reason = found
        if reason and snapshot == self.state.snapshot and not self.closed:
            text = f"No incident matches: {reason}."
            self.error_source = self.data
            self.window.message_label.setText(text)
            self.window.message_label.setToolTip(as_rich_text(text))

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self.engine, parent=self.window)
        dialog.imported.connect(lambda _result: self.reload())
        dialog.show()
        return dialog

    def open_boundaries(self) -> BoundaryDialog:
        dialog = BoundaryDialog(self.engine, parent=self.window)
        dialog.loaded.connect(lambda _result: self.reload())
        if dialog.ask_file():
            dialog.show()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings_file, shown_url(self.engine.url), parent=self.window)
        dialog.show()
        return dialog

    def _show_on_map(self, name: str, geojson: dict) -> None:
        """Model output goes to the map, which comes to the front."""
        self.window.tabs.setCurrentWidget(self.map)
        self.map.show_overlay(name, geojson)

    def _detach(self) -> None:
        """The window is going: late answers from background work must not reach its widgets."""
        self.closed = True
        self.data.model.count_loaded.disconnect(self._filtered_count)
        self.data.model.count_loaded.disconnect(self._data_loaded)

    def save(self) -> None:
        """Keep the window layout and the filters (only those parts of the settings file)."""
        layout = WindowLayout(_base64(self.window.saveGeometry()), _base64(self.window.saveState()))
        filters = self.state.to_dict()

        def change(settings: Settings) -> None:
            settings.window, settings.filters = layout, filters

        update_settings(change, self.settings_file)

    def _restore_window(self, layout: WindowLayout) -> None:
        try:
            if layout.geometry:
                self.window.restoreGeometry(QByteArray(base64.b64decode(layout.geometry)))
            if layout.state:
                self.window.restoreState(QByteArray(base64.b64decode(layout.state)))
        except binascii.Error:
            log.warning("the saved window layout is not base64; the default layout is used")

    def show_error(self, message: object, source: QObject | None = None) -> None:
        """Show ``message`` in the status bar until ``source`` (a pane) next succeeds."""
        text = str(message)
        log.error("%s", text)
        self.error_source = source
        self.window.message_label.setText(f"⚠ {text}")
        self.window.message_label.setToolTip(as_rich_text(text))

    def _data_loaded(self, _count: int) -> None:
        self.clear_error(self.data)

    def clear_error(self, source: QObject) -> None:
        """``source`` works again: its error message goes (another pane's stays)."""
        if self.error_source is source:
            self.error_source = None
            self.window.message_label.setText("")
            self.window.message_label.setToolTip("")


def _base64(data: QByteArray) -> str:
    return base64.b64encode(data.data()).decode("ascii")


def _restored_filters(settings: Settings) -> tuple[FilterState, str | None]:
    """The last session's filters; unreadable ones are replaced by defaults and the error returned."""
    if not settings.filters:
        return FilterState(), None
    try:
        return FilterState.from_dict(settings.filters), None
    except (ValueError, TypeError) as exc:
        return FilterState(), f"The filters saved last time could not be read ({exc}); using defaults"
