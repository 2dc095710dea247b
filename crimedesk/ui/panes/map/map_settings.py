"""What the map pane remembers (the ``map`` part of settings.json): view, visible layers, basemap,
symbology. Each change is written at once, to that part of the file only. The choropleth's layer
is not here: it is FilterState's region layer, the one choice the filter panel shows too."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import platformdirs

from crimedesk.config.settings import BASEMAPS, Settings, load_settings, update_settings
from crimedesk.mapping.options import OSM_ATTRIBUTION, OSM_URL, Basemap, PageOptions, Symbology
from crimedesk.mapping.tiles import MBTiles, TileCache
from crimedesk.ui.panes.map.map_scheme import MapSchemeHandler


def tile_cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("crimedesk", appauthor=False)) / "tiles"


class MapSettings:
    def __init__(self, settings_file: Path) -> None:
        self.settings_file = settings_file
        self.prefs = load_settings(settings_file).map

    def _save(self, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self.prefs, name, value)

        def change(settings: Settings) -> None:
            for name, value in changes.items():
                setattr(settings.map, name, value)

        update_settings(change, self.settings_file)

    def reload(self) -> bool:
        """Read the file again (another window changed it); whether the page must be rebuilt: a
        new basemap or distance units."""
        old, self.prefs = self.prefs, load_settings(self.settings_file).map
        return (old.basemap, old.mbtiles, old.units) != (
            self.prefs.basemap,
            self.prefs.mbtiles,
            self.prefs.units,
        )

    def center(self) -> tuple[float, float]:
        return self.prefs.lat, self.prefs.lon

    def save_view(self, view: dict[str, Any]) -> None:
        self._save(
            lat=float(view["lat"]),
            lon=float(view["lon"]),
            zoom=int(view["zoom"]),
            visible=[str(name) for name in view["visible"]],
        )

    def basemap(self) -> tuple[str, str | None, str | None]:
        """(kind, tile URL template or None for OSM, MBTiles path or None)."""
        return self.prefs.basemap, self.prefs.tile_url or None, self.prefs.mbtiles or None

    def set_basemap(
        self, kind: str, url: str | None, mbtiles: Path | None, attribution: str | None = None
    ) -> None:
        if kind not in BASEMAPS:
            raise ValueError(f"unknown basemap {kind!r}; expected one of {BASEMAPS}")
        if kind == "mbtiles" and (mbtiles is None or not mbtiles.is_file()):
            raise FileNotFoundError(f"MBTiles file not found: {mbtiles}")
        changes: dict[str, Any] = {"basemap": kind}
        if url is not None:
            changes.update(tile_url=url, tile_attribution=attribution or None)
        if mbtiles is not None:
            changes["mbtiles"] = str(mbtiles)
        self._save(**changes)

    def page_options(self) -> PageOptions:
        kind, url, mbtiles = self.basemap()
        attribution = self.prefs.tile_attribution or (
            OSM_ATTRIBUTION if url in (None, OSM_URL) else f"tiles: {url}"
        )
        if kind == "mbtiles" and mbtiles:
            attribution = mbtiles_attribution(Path(mbtiles)) or attribution
        visible = self.prefs.visible or PageOptions.visible
        return PageOptions(
            center=self.center(),
            zoom=self.prefs.zoom,
            basemap=Basemap(kind, url or OSM_URL, attribution),  # type: ignore[arg-type]
            visible=tuple(visible),
            units=self.prefs.units if self.prefs.units in ("m", "ft") else "m",
        )

    def apply_tiles(self, handler: MapSchemeHandler) -> None:
        """Point the scheme handler at the chosen tile source."""
        kind, url, mbtiles = self.basemap()
        if handler.mbtiles is not None:
            handler.mbtiles.close()
        handler.mbtiles = MBTiles(Path(mbtiles)) if kind == "mbtiles" and mbtiles else None
        handler.cache = TileCache(tile_cache_root(), url or OSM_URL)
        handler.online = kind == "xyz"

    def symbology(self) -> Symbology:
        """The saved symbology; the defaults where the file holds values no longer valid."""
        p = self.prefs
        try:
            return Symbology(p.palette, p.classes, p.heat_radius, p.heat_blur, p.heat_intensity, p.measure)
        except ValueError:
            return Symbology()

    def set_symbology(self, style: Symbology) -> None:
        self._save(
            palette=style.palette,
            classes=style.method,
            heat_radius=style.heat_radius,
            heat_blur=style.heat_blur,
            heat_intensity=style.heat_intensity,
            measure=style.measure,
        )


def mbtiles_attribution(path: Path) -> str | None:
    """The ``attribution`` an MBTiles file names in its metadata (None when it names none)."""
    try:
        tiles = MBTiles(path)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        return tiles.metadata().get("attribution") or None
    except sqlite3.Error:  # no metadata table
        return None
    finally:
        tiles.close()


def boundary_layer(region_layer: int | str | None, layer_ids: list[int]) -> int | None:
    """The choropleth's layer: the filter's region layer when it is a loaded boundary layer (a
    source region column such as ``district`` has no shapes to draw)."""
    if isinstance(region_layer, int) and region_layer in layer_ids:
        return region_layer
    return None
