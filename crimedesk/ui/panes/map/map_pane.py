"""Map tab: the folium/Leaflet page in a QWebEngineView that follows FilterState without reloading.

Call :func:`register_map_schemes` before the QApplication exists. The page comes from the
``cdmap`` scheme; data is pushed with ``runJavaScript`` after every filter change (queried on a
worker), and clicks and drawings come back over QWebChannel. An interceptor blocks any request
that would leave the machine.

First paint: when the pane is first shown, folium renders the page on one worker while the first
data is queried on another; the answer waits for the page if it comes first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from PySide6.QtCore import QEventLoop, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crimedesk.auth import audit
from crimedesk.config.settings import settings_path
from crimedesk.mapping.export_text import filter_words, period_words
from crimedesk.mapping.options import PAGE_URL, Symbology
from crimedesk.regions.store import layer_names
from crimedesk.state.filters import FilterState
from crimedesk.state.selection import SelectionState
from crimedesk.ui.panes.map.map_bridge import MapBridge
from crimedesk.ui.panes.map.map_export import ExportError, ExportRequest, PageInfo, compose, map_size
from crimedesk.ui.panes.map.map_page import MapPage
from crimedesk.ui.panes.map.map_scheme import (
    SCHEME,
    MapSchemeHandler,
    OfflineGuard,
    register_map_schemes,
    schemes_registered,
)
from crimedesk.ui.panes.map.map_settings import MapSettings, boundary_layer
from crimedesk.ui.panes.map.map_toolbar import MapToolbar
from crimedesk.ui.runtime.subscriptions import subscribe_while_alive
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.plain_text import PlainLabel

if TYPE_CHECKING:
    from crimedesk.domain.filters import FilterSnapshot
    from crimedesk.mapping.data import MapData
    from crimedesk.mapping.options import PageOptions
    from crimedesk.mapping.query import MapUpdate

__all__ = ["MapPane", "register_map_schemes"]


class Collected(NamedTuple):
    """What one refresh found on a worker."""

    update: MapUpdate
    script: str  # the JavaScript that puts it on the page
    layers: list[tuple[int, str]]  # (id, name) of every boundary layer, for the export's words


class MapPane(QWidget):
    incident_selected = Signal(int)  # clicked on the map; the pane selects it in its SelectionState
    updated = Signal(object)  # the MapData the page now shows
    ready = Signal()  # page loaded and its channel connected

    def __init__(
        self,
        engine: Engine,
        filters: FilterState,
        parent: QWidget | None = None,
        query_engine: Callable[[], Engine] | None = None,
        settings_file: Path | None = None,
        selection: SelectionState | None = None,
    ) -> None:
        """``query_engine`` picks where points and counts are queried (the analytics mirror once it
        is ready); region shapes and incident details always come from the store ``engine``.
        A clicked incident becomes the ``selection`` (shared with the other panes); an incident
        selected elsewhere opens its popup here."""
        super().__init__(parent)
        if not schemes_registered():
            raise RuntimeError(
                "call crimedesk.ui.panes.map.map_pane.register_map_schemes() before QApplication()"
            )
        self.engine, self.filters = engine, filters
        self.selection = selection or SelectionState()
        self.query_engine = query_engine or (lambda: engine)
        self.point_limit: int | None = None  # None: crimedesk.mapping.data.POINT_LIMIT
        self.settings = MapSettings(settings_file or settings_path())
        self.view = QWebEngineView(self)  # created before the profile, hence destroyed before it
        self.profile = QWebEngineProfile(self)
        self.handler = MapSchemeHandler(self.profile)
        self.profile.installUrlSchemeHandler(SCHEME, self.handler)
        self.guard = OfflineGuard(self.profile)
        self.profile.setUrlRequestInterceptor(self.guard)
        page = MapPage(self.profile, self.view)
        page.script_error.connect(self._page_error)
        self.page_errors: list[str] = []
        self.view.setPage(page)
        self.bridge = MapBridge(self)
        channel = QWebChannel(page)
        channel.registerObject("bridge", self.bridge)
        page.setWebChannel(channel)
        self.status = PlainLabel()  # errors may quote data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toolbar = MapToolbar(self)
        self.toolbar.show_basemap(self.settings.basemap()[0])
        self.export_incidents = QPushButton("Export incidents…")  # the filtered ones, drawn area included
        self.export_incidents.clicked.connect(self._export_incidents)
        cast(QHBoxLayout, self.toolbar.layout()).addWidget(self.export_incidents)
        self.toolbar.style_form.show_style(self.settings.symbology())
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.page_ready = False
        self._regions_shown: int | None = None
        self._layer_shown: int | None = None
        self._layer_names: dict[int, str] = {}
        self._popup_for: int | None = None  # the incident whose popup was opened last
        self._pending: Collected | None = None  # data that arrived before the page was ready
        self.shown: MapUpdate | None = None  # what the page holds (None: not yet, or being replaced)
        self.arrivals_added = 0  # live arrivals added to the page's points without querying it all
        self._overlays: dict[str, str] = {}  # model and alert layers by name (GeoJSON text)
        self._query = LatestQuery(self._show, self._show_error, self)
        self._page_query = LatestQuery(self._page_rendered, self._show_error, self)
        self._details_query = LatestQuery(self._show_details, self._show_error, self)
        self._debounce = QTimer(self, singleShot=True, interval=30)
        self._debounce.timeout.connect(self.refresh)
        self._connect_bridge()
        self._connect_toolbar()
        self.incident_selected.connect(self.selection.select)
        subscribe_while_alive(self, filters.subscribe, lambda _snapshot, _changed: self._debounce.start())
        subscribe_while_alive(self, self.selection.subscribe, self._follow_selection)
        self._page_built = False  # built when first shown: folium's import must not delay app start

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._page_built:
            self._page_built = True
            QTimer.singleShot(0, self.load_page)

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.ready.connect(self._on_ready)
        b.incident_clicked.connect(self.show_incident)
        b.region_clicked.connect(self.toggle_region)
        b.shape_drawn.connect(self._on_shape)
        b.shape_cleared.connect(lambda: self.filters.update(bbox=None, polygon_wkt=None))
        b.view_changed.connect(lambda view: self.settings.save_view(json.loads(view)))

    def _connect_toolbar(self) -> None:
        bar = self.toolbar
        bar.basemap_chosen.connect(self._basemap_chosen)
        bar.style_chosen.connect(self.set_symbology)
        bar.export_requested.connect(self._export_requested)

    def _basemap_chosen(self, kind: str, url: str | None, mbtiles: Path | None) -> None:
        try:
            self.set_basemap(kind, url=url, mbtiles=mbtiles)
        except (ValueError, OSError) as exc:  # e.g. the MBTiles file went away: keep the old basemap
            self.status.setText(f"Basemap not changed: {exc}")
            self.toolbar.show_basemap(self.settings.basemap()[0])
        self.toolbar.style_form.show_style(self.settings.symbology())

    def _export_incidents(self) -> None:
        from crimedesk.ui.dialogs.export_dialog import ExportDialog  # GDAL/pandas: not at start-up

        ExportDialog(self.engine, self.filters.snapshot, self).open()

    def _export_requested(self, request: ExportRequest) -> None:
        try:
            self.export_map(request)
        except (OSError, ExportError) as exc:
            self.status.setText(f"Map not exported: {exc}")
        except SQLAlchemyError as exc:  # e.g. a read-only store: the export cannot be recorded
            reason = getattr(exc, "orig", None) or exc
            self.status.setText(f"Map not exported: the store could not record the export ({reason})")
        else:
            self.status.setText(f"Map exported to {request.path}")

    def load_page(self) -> None:
        """(Re)build the page for the current basemap and view: rendered on a worker while the data
        for it is queried on another."""
        self.settings.apply_tiles(self.handler)
        self.page_ready, self._regions_shown, self._page_built = False, None, True
        self._pending = None
        options = self.settings.page_options()
        self._page_query.run(lambda: _render(options))
        self.refresh()

    def _page_rendered(self, html: str) -> None:
        self.handler.html = html.encode()
        self.view.load(QUrl(PAGE_URL))

    def set_basemap(
        self, kind: str, url: str | None = None, mbtiles: Path | None = None, attribution: str | None = None
    ) -> None:
        """``none``, online ``xyz`` tiles (``url`` template, OSM by default; ``attribution`` is the
        user's own HTML) or an ``mbtiles`` file. Reloads the page; the data follows."""
        self.settings.set_basemap(kind, url, mbtiles, attribution)
        self.toolbar.show_basemap(kind)
        self.load_page()

    def reload_preferences(self) -> None:
        """The Settings dialog saved: take its basemap and units, rebuilding a built page if they changed."""
        if self.settings.reload():
            self.toolbar.show_basemap(self.settings.prefs.basemap)
            if self._page_built:
                self.load_page()

    @property
    def region_layer_id(self) -> int | None:
        """The boundary layer of the latest update: FilterState's region layer when it is a loaded
        boundary layer, else none (the filter panel is where the layer is chosen)."""
        return self._layer_shown

    def set_symbology(self, style: Symbology) -> None:
        """Keep the style and redraw: the choropleth's classes are cut on a worker, the heat's
        radius, blur and intensity are set on the page at once."""
        self.settings.set_symbology(style)
        self.toolbar.style_form.show_style(style)
        if self.page_ready:
            self.view.page().runJavaScript(f"crimedesk.setHeatStyle({json.dumps(style.heat())})")
        self.refresh()

    def _on_ready(self) -> None:
        """The page is up: show the data that came first (else it is shown when it arrives)."""
        self.page_ready = True
        for name, geojson in self._overlays.items():
            self._draw_overlay(name, geojson)
        self.ready.emit()
        pending, self._pending = self._pending, None
        if pending is not None:
            self._push(pending)

    def refresh(self) -> None:
        """Query what the map shows for the current filters (worker thread), then push it.

        Nothing to do before the pane was first shown: showing it builds the page and queries.
        """
        if not self._page_built:
            return
        store, counts_on, snapshot = self.engine, self.query_engine(), self.filters.snapshot
        regions_shown, style = self._regions_shown, self.settings.symbology()
        limit, latitude = self.point_limit, self.settings.center()[0]
        self.status.setText("Updating map…")
        self.shown = None
        self._query.run(lambda: _collect(store, counts_on, snapshot, regions_shown, limit, latitude, style))

    def add_arrivals(self, changed: bool = False) -> None:
        """Incidents just stored: the page's points of the current filters get the new ones (queried
        on a worker from the store, with SQL's count of the filters to check that they are all it
        lacks, else the whole map is queried there). A page being replaced, a choropleth (its
        counts and classes move) or stored incidents that ``changed``: :meth:`refresh`."""
        shown = self.shown
        if changed or shown is None or shown.layer is not None or shown.snapshot != self.filters.snapshot:
            self.refresh()
            return
        store, counts_on, limit = self.engine, self.query_engine(), self.point_limit
        latitude, style = self.settings.center()[0], self.settings.symbology()
        self._query.run(
            lambda: (
                _arrivals(store, shown, limit)
                or _collect(store, counts_on, shown.snapshot, None, limit, latitude, style)
            )
        )

    def _show(self, collected: Collected | Arrived) -> None:
        if isinstance(collected, Arrived):
            self._add(collected)
            return
        self._layer_shown = collected.update.layer
        self._layer_names = dict(collected.layers)
        self.toolbar.default_title = f"Incidents, {period_words(collected.update.snapshot)}"
        if self.page_ready:
            self._push(collected)
        else:  # the page is still loading: it takes this update when ready
            self._pending = collected

    def _push(self, collected: Collected) -> None:
        update = collected.update
        if update.regions is not None or update.layer is None:
            self._regions_shown = update.layer
        self._put(update, collected.script)

    def _add(self, arrived: Arrived) -> None:
        """New points onto the page's, when the page still holds what they were queried after."""
        shown = self.shown
        if shown is not arrived.after or not self.page_ready:
            self.refresh()
            return
        self.arrivals_added += 1
        d, new = shown.data, arrived.data
        data = replace(d, total=new.total, points=d.points + new.points, heat=d.heat + new.heat)
        self._put(replace(shown, data=data), arrived.script)

    def _put(self, update: MapUpdate, script: str) -> None:
        """Run ``script`` on the page, which then shows ``update``."""
        data = update.data
        hint = ""
        if update.layer is None and self._layer_names:
            hint = " · choose a boundary layer under Filters ▸ Where to colour its regions"
        self.status.setText(f"{data.total:,} incidents on the map ({data.mode}){hint}")
        self.shown = update
        self.view.page().runJavaScript(script, 0, lambda _r: self.updated.emit(data))

    def _show_error(self, error: Exception) -> None:
        self.status.setText(f"Map update failed: {error}")

    def _page_error(self, message: str) -> None:
        """A script error on the page: said in the status line (the other layers were updated)."""
        self.page_errors.append(message)
        self.status.setText(f"⚠ The map page reported an error; some of it may be out of date: {message}")

    def toggle_region(self, layer_id: int, region_id: str) -> None:
        """Add or remove a clicked region from the filter (a region of another layer starts afresh)."""
        f = self.filters.snapshot
        ids = set(f.region_ids) if f.region_layer_id == layer_id else set()
        self.filters.update(region_layer_id=layer_id, region_ids=frozenset(ids ^ {region_id}))

    def _on_shape(self, layer_type: str, geometry: str) -> None:
        from crimedesk.mapping.layers import drawn_filter

        try:
            self.filters.update(**drawn_filter(layer_type, geometry))
        except ValueError as exc:  # a shape the spatial filter cannot use: say so, keep the old filter
            self.status.setText(f"Spatial filter not set: {exc}")

    def show_incident(self, incident_id: int) -> None:
        """Open the incident's popup (details as text, queried on a worker) and select it."""
        self._open_popup(incident_id)
        self.incident_selected.emit(incident_id)

    def _follow_selection(self, ids: tuple[int, ...]) -> None:
        """An incident selected in another pane opens its popup, once the page is up."""
        current = ids[-1] if ids else None
        if current is not None and current != self._popup_for and self.page_ready:
            self._open_popup(current)

    def _open_popup(self, incident_id: int) -> None:
        self._popup_for, engine = incident_id, self.engine
        self._details_query.run(lambda: _popup_details(engine, incident_id))

    def _show_details(self, found: tuple[Any, ...] | None) -> None:
        if found is not None:
            args = json.dumps(list(found))[1:-1]
            self.view.page().runJavaScript(f"crimedesk.showDetails({args})")

    def show_overlay(self, name: str, geojson: dict[str, Any]) -> None:
        """Add or replace a model layer (see ``crimedesk.mapping.layers.overlay_geojson``)."""
        self.show_overlay_json(name, json.dumps(geojson))

    def show_overlay_json(self, name: str, geojson: str) -> None:
        """:meth:`show_overlay` with the GeoJSON already as text (made on a worker: a live layer).
        Kept here and drawn on every page built later: a layer sent before the map was first shown,
        or before a basemap change rebuilt the page, was lost."""
        self._overlays[name] = geojson
        if self.page_ready:
            self._draw_overlay(name, geojson)

    def _draw_overlay(self, name: str, geojson: str) -> None:
        self.view.page().runJavaScript(f"crimedesk.setOverlay({json.dumps(name)}, {geojson})")

    def set_visible_layers(self, names: list[str]) -> None:
        """Show exactly these of points, clusters, heat, aggregates, regions."""
        self.view.page().runJavaScript(f"crimedesk.setVisible({json.dumps(names)})")

    def remove_overlay(self, name: str) -> None:
        self._overlays.pop(name, None)
        if self.page_ready:
            self.view.page().runJavaScript(f"crimedesk.removeOverlay({json.dumps(name)})")

    def export_png(self, path: Path, width: int, height: int, settle_ms: int = 800) -> QImage:
        """The presentable export at screen resolution, titled "Incidents"."""
        return self.export_map(ExportRequest(path, "Incidents", width, height, 96), settle_ms)

    def export_map(self, request: ExportRequest, settle_ms: int = 800) -> QImage:
        """Save the map as a presentable PNG of exactly the requested size and DPI (title, filters
        in words, legend, scale bar, north arrow, source, time made). The view leaves the pane's
        layout while it renders at the map's size (the page zoomed by DPI / 96, its controls
        hidden), so neither the pane nor the window changes size."""
        width, height, zoom = map_size(request)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        position = layout.indexOf(self.view)
        layout.removeWidget(self.view)
        self.view.resize(width, height)
        self.view.setZoomFactor(zoom)
        try:
            found = json.loads(self._page_value("JSON.stringify(crimedesk.exportMode(true))", settle_ms))
            shot = self.view.grab().toImage()
        finally:
            self.view.setZoomFactor(1.0)
            self.view.page().runJavaScript("crimedesk.exportMode(false)")
            layout.insertWidget(position, self.view, 1)
        info = PageInfo(found["lat"], found["zoom"], found["legend"], found["attribution"])
        words = filter_words(self.filters.snapshot, self._layer_names)
        image = compose(shot, info, replace(request, units=self.settings.prefs.units), words)

        def save(_conn: Connection) -> None:
            if not image.save(str(request.path), "PNG"):  # type: ignore[call-overload]  # stub wants bytes
                raise OSError(f"could not write {request.path}")

        size = {"width": request.width, "height": request.height, "dpi": request.dpi}
        details = {"title": request.title, **size, "file": str(request.path)}
        details["filters"] = self.filters.snapshot.to_dict()
        audit.record_export(self.engine, "map", request.path.name, details, save)
        return image

    def _page_value(self, script: str, settle_ms: int) -> Any:
        """The value of ``script`` on the page, after ``settle_ms`` for the page to redraw."""
        out: list[Any] = []
        self.view.page().runJavaScript(script, 0, out.append)
        loop = QEventLoop()
        QTimer.singleShot(settle_ms, loop.quit)
        loop.exec()
        while not out:  # a slow page: wait for its answer too
            QEventLoop().processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return out[0]


def _collect(
    store: Engine,
    counts_on: Engine,
    snapshot: FilterSnapshot,
    regions_shown: int | None,
    point_limit: int | None,
    latitude: float,
    style: Symbology,
) -> Collected:
    """What the map shows (crimedesk.mapping.query.collect) and the script that shows it, both made
    on the worker: JSON for 20,000 points takes tens of milliseconds. The region shapes are sent
    only when the page does not hold the layer's yet."""
    from crimedesk.mapping.query import collect

    with store.connect() as conn:
        layers = layer_names(conn)
    layer = boundary_layer(snapshot.region_layer_id, [layer_id for layer_id, _name in layers])
    geometry = layer is not None and layer != regions_shown
    update = collect(store, snapshot, layer, geometry, point_limit, latitude, counts_on, style)
    return Collected(update, update.script(), layers)


class Arrived(NamedTuple):
    """Points stored since the page's ``after`` was queried (:func:`_arrivals`)."""

    after: MapUpdate
    data: MapData  # the new points only, with the filters' new total
    script: str  # the JavaScript that adds them


def _arrivals(store: Engine, shown: MapUpdate, point_limit: int | None) -> Arrived | None:
    """The points stored since ``shown``, None when they are not all the page lacks."""
    from crimedesk.mapping.data import POINT_LIMIT, arrived_points
    from crimedesk.mapping.query import arrivals_script

    with store.connect() as conn:
        data = arrived_points(conn, shown.snapshot, shown.data, point_limit or POINT_LIMIT)
    return None if data is None else Arrived(shown, data, arrivals_script(data))


def _popup_details(engine: Engine, incident_id: int) -> tuple[Any, ...] | None:
    """The arguments of the page's ``showDetails`` for one incident, None if it is gone."""
    from crimedesk.mapping.data import incident_details

    with engine.connect() as conn:
        found = incident_details(conn, incident_id)
    return None if found is None else (incident_id, *found)


def _render(options: PageOptions) -> str:
    """The page's HTML; runs on a worker (importing folium takes most of a second)."""
    from crimedesk.mapping.page import render_page

    return render_page(options)
