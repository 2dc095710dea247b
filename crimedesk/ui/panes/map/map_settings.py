"""What the map pane remembers (the ``map`` part of settings.json): view, visible layers, basemap,
choropleth layer. Each change is written at once, to that part of the file only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs

from crimedesk.config.settings import BASEMAPS, NO_REGION_LAYER, Settings, load_settings, update_settings
from crimedesk.mapping.options import OSM_ATTRIBUTION, OSM_URL, Basemap, PageOptions
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
        kind, url, _mbtiles = self.basemap()
        attribution = self.prefs.tile_attribution or (
            OSM_ATTRIBUTION if url in (None, OSM_URL) else f"tiles: {url}"
        )
        visible = self.prefs.visible or PageOptions.visible
        return PageOptions(
            center=self.center(),
            zoom=self.prefs.zoom,
            basemap=Basemap(kind, url or OSM_URL, attribution),  # type: ignore[arg-type]
            visible=tuple(visible),
        )

    def apply_tiles(self, handler: MapSchemeHandler) -> None:
        """Point the scheme handler at the chosen tile source."""
        kind, url, mbtiles = self.basemap()
        if handler.mbtiles is not None:
            handler.mbtiles.close()
        handler.mbtiles = MBTiles(Path(mbtiles)) if kind == "mbtiles" and mbtiles else None
        handler.cache = TileCache(tile_cache_root(), url or OSM_URL)
        handler.online = kind == "xyz"

    def region_layer_choice(self) -> int:
        """The choropleth layer chosen: a layer id, ``NO_REGION_LAYER``, or 0 when none was ever chosen."""
        return self.prefs.region_layer

    def set_region_layer(self, layer_id: int | None) -> None:
        self._save(region_layer=NO_REGION_LAYER if layer_id is None else layer_id)


def pick_region_layer(choice: int, layer_ids: list[int]) -> int | None:
    """The boundary layer drawn as choropleth: the chosen one if loaded, else the first loaded."""
    if choice == NO_REGION_LAYER:
        return None
    return choice if choice in layer_ids else (layer_ids[0] if layer_ids else None)
