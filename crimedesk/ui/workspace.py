"""The analyst workspace: builds the panes around one FilterState and wires the window's behaviour.

Window geometry/state and the last filters persist in settings.json (``Settings.window`` and
``Settings.filters``); the map keeps its own part of that file. Presets are re-anchored to the
newest incident day each time the store is read.
"""

from __future__ import annotations

import base64
import binascii
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.auth.login import kept_attempts
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User
from crimedesk.config.secrets import shown_url
from crimedesk.config.settings import Settings, WindowLayout, load_settings, update_settings
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.regions.store import BoundaryImportResult
from crimedesk.state.filters import FilterState
from crimedesk.state.selection import SelectionState
from crimedesk.storage.summary import store_label
from crimedesk.ui.dialogs.boundary_dialog import BoundaryDialog
from crimedesk.ui.dialogs.login_dialog import LoginDialog
from crimedesk.ui.dialogs.offline_dialog import BringBackDialog, TakeOfflineDialog
from crimedesk.ui.dialogs.password_dialog import OwnPasswordDialog
from crimedesk.ui.dialogs.server_setup_dialog import ServerSetupDialog
from crimedesk.ui.dialogs.settings_dialog import SettingsDialog
from crimedesk.ui.filter_panel import FilterPanel
from crimedesk.ui.help.dialogs import GuideDialog, about_box
from crimedesk.ui.main_window import MainWindow
from crimedesk.ui.panes.admin.admin_pane import AdminPane
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane
from crimedesk.ui.panes.data.data_pane import DataPane
from crimedesk.ui.panes.data.zero_reason import active_spatial, zero_reason
from crimedesk.ui.panes.feeds.feeds_pane import FeedsPane
from crimedesk.ui.panes.feeds.live import InView, LiveRefresh, TabBadge
from crimedesk.ui.panes.feeds.scheduler import FeedScheduler
from crimedesk.ui.panes.feeds.sensor_alerts import SensorAlerts
from crimedesk.ui.panes.map.map_pane import MapPane
from crimedesk.ui.panes.models.models_pane import ModelsPane
from crimedesk.ui.panes.reports.reports_pane import ReportsPane
from crimedesk.ui.panes.ucr.ucr_pane import UcrPane
from crimedesk.ui.runtime.auth_gate import SINGLE_USER, gate, who
from crimedesk.ui.runtime.idle_lock import StoreIdleLock
from crimedesk.ui.runtime.mirror_keeper import MirrorKeeper
from crimedesk.ui.runtime.store_facts import StoreFacts, store_facts
from crimedesk.ui.runtime.workers import LatestQuery, wait_for_workers
from crimedesk.ui.welcome import WelcomePage
from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text

if TYPE_CHECKING:
    from crimedesk.ui.dialogs.basemap_dialog import BasemapDialog
    from crimedesk.ui.dialogs.import_dialog import ImportDialog

log = logging.getLogger(__name__)
DEFAULT_PRESET = "last_28"


class Workspace(QObject):
    def __init__(
        self, engine: Engine, settings_file: Path, parent: QObject | None = None, user: User | None = None
    ) -> None:
        """``user``: who logged in (None: the user the store is opened as)."""
        super().__init__(parent)
        self.engine, self.settings_file = engine, settings_file
        self.user = user or acting_user(engine)
        saved = load_settings(settings_file)
        self.state, restore_error = _restored_filters(saved)
        self.selection = SelectionState()  # an incident clicked on the map shows in the Data pane
        name = store_label(engine)
        self.filter_panel = FilterPanel(self.state, engine, settings_file=settings_file)
        self.mirror = MirrorKeeper(engine, self.show_error)
        self.dashboard = DashboardPane(engine, self.state, query_engine=self.mirror.query_engine)
        self.data = DataPane(engine, self.state, selection=self.selection, user=self.user)
        self.ucr = UcrPane(engine)
        self.map = MapPane(
            engine,
            self.state,
            query_engine=self.mirror.query_engine,
            settings_file=settings_file,
            selection=self.selection,
        )
        self.models = ModelsPane(engine, self.state, show_on_map=self._show_on_map)
        self.reports = ReportsPane(
            engine, self.state, query_engine=self.mirror.query_engine, settings_file=settings_file
        )
        self.scheduler = FeedScheduler(engine, self.user, self)
        self.feeds = FeedsPane(engine, self.user, self.scheduler, settings_file)
        panes: dict[str, QWidget] = {
            "Dashboard": self.dashboard,
            "UCR": self.ucr,
            "Map": self.map,
            "Data": self.data,
            "Models": self.models,
            "Reports": self.reports,
            "Feeds": self.feeds,
        }
        self.admin: AdminPane | None = None
        if self.user.role is Role.ADMIN and engine.dialect.name == "postgresql":
            self.admin = panes["Admin"] = AdminPane(engine, self.user)
        self.welcome = WelcomePage(name)
        self.window = MainWindow(self.filter_panel, panes, self.welcome, name)
        self.user_label = PlainLabel(who(self.user, engine.dialect.name))
        if engine.dialect.name == "sqlite":
            self.user_label.setToolTip(SINGLE_USER)
            self.window.password_action.setVisible(False)  # the OS account is the user: no password
        self.window.menuBar().setCornerWidget(self.user_label)  # the status bar's room is for messages
        self.live = LiveRefresh(self._live_refresh, self)  # feed batches: one refresh a second at most
        tabs = self.window.tabs
        self.badges = [TabBadge(tabs, self.map, "Map"), TabBadge(tabs, self.feeds, "Feeds")]
        self.in_view = {  # what a live refresh redraws: only the pane in front, the others when shown
            name: InView(tabs, pane, refresh)
            for name, pane, refresh in (
                ("map", self.map, self.map.refresh),
                ("dashboard", self.dashboard, self.dashboard.refresh),
                ("uploads", self.data, self.data.uploads.refresh),
                ("models", self.models, self.models.refresh),
            )
        }
        self.sensors = SensorAlerts(engine, settings_file, self.map, self.window)
        self._gate()
        if self.admin is not None:  # reachable on an empty store too, where the welcome page shows
            self.admin_action = self.window.menuBar().addMenu("&Admin").addAction("&Users and audit log…")
            self.admin_action.triggered.connect(self.open_admin)
        self.idle_lock = StoreIdleLock(engine, saved.idle_lock_minutes, self.lock, self.window, self)
        self.facts: StoreFacts | None = None
        self.guide: GuideDialog | None = None
        self.closed = False
        self.error_source: QObject | None = None  # the pane whose error the status bar shows
        self._store_query = LatestQuery(self._show_store, self.show_error, self)
        self._live_store_query = LatestQuery(self._show_live_store, self.show_error, self)
        self._zero_query = LatestQuery(self._show_zero_reason, self.show_error, self)
        self._connect()
        self._restore_window(saved.window)
        if restore_error:
            self.show_error(restore_error)

    def _connect(self) -> None:
        w = self.window
        for action, slot in (
            (w.import_action, self.open_import),
            (w.boundaries_action, self.open_boundaries),
            (w.take_offline_action, self.open_take_offline),
            (w.bring_back_action, self.open_bring_back),
            (w.basemap_action, self.open_basemap),
            (w.settings_action, self.open_settings),
            (w.server_setup_action, self.open_server_setup),
            (w.password_action, lambda: OwnPasswordDialog(self.engine, self.user, w).show()),
            (w.quit_action, w.close),
            (w.portal_action, self.open_portal),
            (w.guide_action, self.open_guide),
            (w.about_action, lambda: about_box(w).exec()),
        ):
            action.triggered.connect(slot)
        self.welcome.import_button.clicked.connect(self.open_import)
        self.welcome.portal_button.clicked.connect(self.open_portal)
        self.welcome.boundaries_button.clicked.connect(self.open_boundaries)
        panes: list[Any] = [self.filter_panel, self.dashboard, self.data, self.ucr, self.models]
        for source in [*panes, self.reports, self.feeds]:
            source.error.connect(lambda text, s=source: self.show_error(text, s))
        for source in (self.dashboard, self.ucr, self.models, self.reports):  # a success clears their error
            source.recovered.connect(lambda s=source: self.clear_error(s))
        self.data.model.count_loaded.connect(self._data_loaded)
        self.data.uploads.deleted.connect(lambda _done: self.reload())  # dashboard, map, filters
        self.feeds.recovered.connect(lambda: self.clear_error(self.feeds))
        self.scheduler.batch.connect(self._feed_batch)
        self.scheduler.message.connect(lambda text: self.show_error(text, self.scheduler))
        self.scheduler.recovered.connect(lambda: self.clear_error(self.scheduler))
        w.tabs.currentChanged.connect(
            lambda _i: self.feeds.refresh() if w.tabs.currentWidget() is self.feeds else None
        )
        self.data.model.count_loaded.connect(self._filtered_count)
        if self.admin is not None:
            admin = self.admin
            w.tabs.currentChanged.connect(
                lambda _i: admin.refresh() if w.tabs.currentWidget() is admin else None
            )
            admin.store_settings.changed.connect(lambda: self.idle_lock.follow_settings())
        w.closing.connect(self.save)
        w.closing.connect(self._detach)

    def _gate(self) -> None:
        """What the role may not do is hidden (the core and the server refuse it anyway)."""
        w, m = self.window, self.models
        gate(
            self.user,
            [
                (w.import_action, Action.IMPORT),
                (w.boundaries_action, Action.LOAD_BOUNDARIES),
                (w.portal_action, Action.MANAGE_FEEDS),
                (w.bring_back_action, Action.RETURN_OFFLINE),
                (self.welcome.import_button, Action.IMPORT),
                (self.welcome.portal_button, Action.IMPORT),
                (self.welcome.boundaries_button, Action.LOAD_BOUNDARIES),
                (m.train_button, Action.TRAIN_MODEL),
                (m.promote_button, Action.PROMOTE_MODEL),
                (m.delete_button, Action.DELETE_EXPERIMENT),
                (self.data.uploads.delete_button, Action.DELETE_IMPORT),
            ],
        )

    def open_admin(self) -> None:
        if self.admin is not None:
            self.window.show_welcome(False)
            self.window.tabs.setCurrentWidget(self.admin)

    def lock(self) -> bool:
        """Hide the data and ask for the password again; True when unlocked, else the window closes."""
        w = self.window
        w.stack.hide()
        w.filter_dock.hide()
        store = self.engine.url.set(username=self.user.name)
        dialog = LoginDialog(store, kept_attempts(store, self.settings_file), lock=True, parent=w)
        unlocked = bool(dialog.exec())
        if dialog.engine is not None:
            dialog.engine.dispose()  # it only proved the password; the session goes on
        if not unlocked:
            w.close()
            return False
        w.stack.show()
        w.filter_dock.setVisible(w.stack.currentWidget() is w.tabs)
        return True

    def reload(self) -> None:
        """Read the store (on a worker); then the welcome page or every pane, from the store (which
        may have changed) until the mirror's sync begun here ends."""
        if self.closed:  # closed before its first read (the start-up benchmark closes at once)
            return
        self.mirror.fell_behind()
        self._store_query.run(lambda: store_facts(self.engine))
        self._sync_mirror(with_map=True)

    def _sync_mirror(self, with_map: bool) -> None:
        """Bring the mirror up to date; then the panes that query it (the map only if ``with_map``:
        live arrivals reach it from the store without waiting for the mirror)."""
        self.mirror.sync(lambda changed: self._mirror_synced(changed, with_map))

    def start_feeds(self) -> None:
        """Run the feeds on their schedule while the window is open (a viewer's app runs none)."""
        self.scheduler.start()
        self.feeds.refresh()
        self.sensors.read()

    def _feed_batch(self, kind: str, _name: str, inserted: int, updated: int) -> None:
        """A feed committed a batch: incidents refresh the panes (coalesced); the tabs count them."""
        arrived = inserted + updated
        if kind == "mqtt":
            self.sensors.arrived(arrived)
        elif arrived > 0:
            self.mirror.fell_behind()
            self.live.note(inserted, updated)
        for badge in self.badges:
            badge.add(arrived)

    def _live_refresh(self, changed: bool) -> None:
        """New incidents: the map in view takes them from the store at once (all of it again when
        stored ones ``changed``); the store's figures follow, the mirror catches up behind. The
        first incidents of an empty store read it all (the welcome page goes, the filters start)."""
        if self.closed:
            return
        if self.facts is None or self.facts.is_empty:
            self.reload()
            return
        self.in_view["map"].request(lambda: self.map.add_arrivals(changed))
        self._live_store_query.run(lambda: store_facts(self.engine))
        self._sync_mirror(with_map=False)

    def _mirror_synced(self, changed: bool, with_map: bool) -> None:
        if changed and not self.closed and self.facts is not None and not self.facts.is_empty:
            self.in_view["dashboard"].request()
            if with_map:
                self.map.refresh()

    def shutdown(self) -> None:
        """Stop the mirror's copy (it can take a minute on millions of rows), wait, drop the mirror."""
        self.mirror.stop()
        wait_for_workers()
        self.mirror.close()

    def _show_store(self, facts: StoreFacts) -> None:
        if self.closed:
            return
        self.facts = facts
        self.window.show_welcome(facts.is_empty and not facts.has_ucr)
        self.window.dataset_label.setText(facts.described())
        self.ucr.refresh()  # a UCR import shows at once, even on the tab in front
        if facts.is_empty:
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

    def _show_live_store(self, facts: StoreFacts) -> None:
        """The store's figures after live arrivals: the status bar's counts, and the panes in view
        (the others when shown); a later newest day moves a preset, which refreshes every pane."""
        if self.closed:
            return
        self.facts = facts
        self.window.dataset_label.setText(facts.described())
        self.filter_panel.set_latest(facts.latest)
        self.filter_panel.load_choices()  # a feed may bring new offense types
        preset = self.state.preset
        if preset != "custom" and facts.latest is not None and self.state.apply_preset(preset, facts.latest):
            return
        self.data.model.set_filters(self.state.snapshot)  # the matching count in the status bar
        self.in_view["uploads"].request()
        self.in_view["models"].request()

    def _filtered_count(self, count: int) -> None:
        total = self.facts.total if self.facts else 0
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
            self._say(text)

    def open_portal(self) -> None:
        from crimedesk.ui.dialogs.portal_dialog import open_portal_dialog  # not at start: as the import

        open_portal_dialog(self.engine, self.window, self.reload, self.user)

    def open_import(self) -> ImportDialog:
        # Imported when asked for: the import pipeline (pandas, pyarrow) must not delay the start.
        from crimedesk.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.engine, self.user, parent=self.window)
        dialog.imported.connect(lambda _result: self.reload())
        dialog.show()
        return dialog

    def open_boundaries(self) -> BoundaryDialog:
        dialog = BoundaryDialog(self.engine, parent=self.window)
        dialog.loaded.connect(self._boundaries_loaded)
        if dialog.ask_file():
            dialog.show()
        return dialog

    def _boundaries_loaded(self, result: BoundaryImportResult) -> None:
        """A first layer becomes the filters' region layer, so the map draws what was just loaded;
        a layer already chosen stays chosen."""
        if self.state.region_layer_id is None:
            self.state.update(region_layer_id=result.layer_id, region_ids=frozenset())
        self.reload()

    def open_take_offline(self) -> TakeOfflineDialog:
        dialog = TakeOfflineDialog(self.engine, self.state.snapshot, parent=self.window)
        if dialog.ask_file():
            dialog.show()
        return dialog

    def open_bring_back(self) -> BringBackDialog:
        dialog = BringBackDialog(self.engine, parent=self.window)
        dialog.completed.connect(lambda _result: self.reload())
        if dialog.ask_file():
            dialog.show()
        return dialog

    def open_basemap(self) -> BasemapDialog:
        from crimedesk.ui.dialogs.basemap_dialog import BasemapDialog  # not at start: regions, httpx

        dialog = BasemapDialog(self.engine, parent=self.window)
        dialog.prepared.connect(lambda path: self.map.set_basemap("mbtiles", mbtiles=path))
        if dialog.ask_file():
            dialog.show()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(
            self.settings_file, shown_url(self.engine.url), self.window, self.engine, self.user
        )
        dialog.saved.connect(self._settings_saved)
        dialog.show()
        return dialog

    def open_server_setup(self) -> ServerSetupDialog:
        """Prefilled with this store's database when it is on a server (no user, no password)."""
        url = self.engine.url
        shown = url._replace(username=None, password=None) if url.get_backend_name() == "postgresql" else None
        dialog = ServerSetupDialog("" if shown is None else shown.render_as_string(), self.window)
        dialog.show()
        return dialog

    def _settings_saved(self, settings: Settings) -> None:
        """The basemap and units reach the map at once, the idle lock its new time (PostgreSQL only)."""
        self.map.reload_preferences()
        self.idle_lock.follow_settings(settings.idle_lock_minutes)

    def _show_on_map(self, name: str, geojson: dict) -> None:
        """Model output goes to the map, which comes to the front."""
        self.window.tabs.setCurrentWidget(self.map)
        self.map.show_overlay(name, geojson)

    def open_guide(self) -> None:
        """The user guide, modeless: it can stay open beside the window."""
        if self.guide is None:
            self.guide = GuideDialog(self.window)
        self.guide.show()
        self.guide.raise_()

    def _detach(self) -> None:
        """The window is going: late answers from background work must not reach its widgets."""
        self.closed = True
        self.scheduler.stop()
        self.live.stop()
        self.sensors.stop()
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
        self._say(f"⚠ {text}")

    def _data_loaded(self, _count: int) -> None:
        self.clear_error(self.data)

    def clear_error(self, source: QObject) -> None:
        """``source`` works again: its error message goes (another pane's stays)."""
        if self.error_source is source:
            self.error_source = None
            self._say("")

    def _say(self, text: str) -> None:
        """The status bar's message; while there is one, it takes the dataset line's room (the
        dataset line is back when the message goes)."""
        self.window.message_label.setText(text)
        self.window.message_label.setToolTip(as_rich_text(text) if text else "")
        self.window.dataset_label.setVisible(not text)


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
