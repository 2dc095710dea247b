"""What the map pane remembers (QSettings): view, visible layers, basemap, choropleth layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QSettings

from crimedesk.mapping.options import OSM_ATTRIBUTION, OSM_URL, Basemap, PageOptions
from crimedesk.mapping.tiles import MBTiles, TileCache
from crimedesk.ui.panes.map.map_scheme import MapSchemeHandler

BASEMAPS = ("none", "xyz", "mbtiles")
NO_LAYER = -1


def tile_cache_root() -> Path:
    return Path(platformdirs.user_cache_dir("crimedesk", appauthor=False)) / "tiles"


class MapSettings:
    def __init__(self, settings: QSettings) -> None:
        self.q = settings

    def center(self) -> tuple[float, float]:
        return float(str(self.q.value("map/lat", 41.84))), float(str(self.q.value("map/lon", -87.68)))

    def save_view(self, view: dict[str, Any]) -> None:
        self.q.setValue("map/lat", float(view["lat"]))
        self.q.setValue("map/lon", float(view["lon"]))
        self.q.setValue("map/zoom", int(view["zoom"]))
        self.q.setValue("map/visible", json.dumps(list(view["visible"])))

    def basemap(self) -> tuple[str, str | None, str | None]:
        """(kind, tile URL template or None for OSM, MBTiles path or None)."""
        url, mbtiles = str(self.q.value("map/tile_url", "")), str(self.q.value("map/mbtiles", ""))
        return str(self.q.value("map/basemap", "none")), url or None, mbtiles or None

    def set_basemap(
        self, kind: str, url: str | None, mbtiles: Path | None, attribution: str | None = None
    ) -> None:
        if kind not in BASEMAPS:
            raise ValueError(f"unknown basemap {kind!r}; expected one of {BASEMAPS}")
        if kind == "mbtiles" and (mbtiles is None or not mbtiles.is_file()):
            raise FileNotFoundError(f"MBTiles file not found: {mbtiles}")
        self.q.setValue("map/basemap", kind)
        if url is not None:
            self.q.setValue("map/tile_url", url)
            self.q.setValue("map/tile_attribution", attribution or "")
        if mbtiles is not None:
            self.q.setValue("map/mbtiles", str(mbtiles))

    def page_options(self) -> PageOptions:
        kind, url, _mbtiles = self.basemap()
        attribution = str(self.q.value("map/tile_attribution", "")) or (
            OSM_ATTRIBUTION if url in (None, OSM_URL) else f"tiles: {url}"
        )
        visible = json.loads(str(self.q.value("map/visible", "null"))) or PageOptions.visible
        return PageOptions(
            center=self.center(),
            zoom=int(str(self.q.value("map/zoom", 11))),
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
        """The choropleth layer chosen: a layer id, ``NO_LAYER``, or 0 when none was ever chosen."""
        return int(str(self.q.value("map/region_layer", 0)))

    def set_region_layer(self, layer_id: int | None) -> None:
        self.q.setValue("map/region_layer", NO_LAYER if layer_id is None else layer_id)


def pick_region_layer(choice: int, layer_ids: list[int]) -> int | None:
    """The boundary layer drawn as choropleth: the chosen one if loaded, else the first loaded."""
    if choice == NO_LAYER:
        return None
    return choice if choice in layer_ids else (layer_ids[0] if layer_ids else None)
