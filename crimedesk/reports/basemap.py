"""The offline basemap under the report's map: tiles of the configured MBTiles file, reprojected
from Web Mercator onto the map page's longitude/latitude frame. Only the file is read: no network.
"""

from __future__ import annotations

import io
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from crimedesk.config.settings import load_settings
from crimedesk.mapping.tiles import MBTiles

TILE = 256
MAX_TILES = 144  # the mosaic read for one map stays under ~30 MB
MISSING = 235  # light grey where the file has no tile
BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class BasemapImage:
    image: Image.Image  # RGB, north up, covering the bbox it was made for
    attribution: str
    zoom: int


def configured_mbtiles(settings_file: Path | None = None) -> str | None:
    """The MBTiles file the map shows, when its basemap is that offline file (an online XYZ
    basemap is never fetched for a report)."""
    prefs = load_settings(settings_file).map
    return prefs.mbtiles if prefs.basemap == "mbtiles" and prefs.mbtiles else None


def basemap_image(path: Path, bbox: BBox, size: tuple[int, int]) -> BasemapImage | None:
    """The basemap of ``bbox`` as a ``size`` (width, height) image whose pixels are linear in
    longitude and latitude, as the map page draws; None when the file has no tile there."""
    tiles = MBTiles(path)
    try:
        zooms = tiles.zooms()
        if not zooms:
            return None
        zoom = _zoom_for(zooms, bbox, size[0])
        rgb = _reprojected(tiles, zoom, bbox, size)
        if rgb is None:
            return None
        return BasemapImage(Image.fromarray(rgb, "RGB"), _attribution(tiles, path), zoom)
    finally:
        tiles.close()


def _zoom_for(zooms: list[int], bbox: BBox, width: int) -> int:
    """The coarsest zoom in the file at least as sharp as the image, within the tile budget."""
    degrees_per_pixel = (bbox[2] - bbox[0]) / width
    sharp = [z for z in zooms if 360 / (TILE * 2**z) <= degrees_per_pixel]
    zoom = sharp[0] if sharp else zooms[-1]
    while zoom > zooms[0] and _tile_count(zoom, bbox) > MAX_TILES:
        zoom = max(z for z in zooms if z < zoom)
    return zoom


def _tile_count(zoom: int, bbox: BBox) -> int:
    x0, y1 = _world_pixels(np.array([bbox[0]]), np.array([bbox[1]]), zoom)
    x1, y0 = _world_pixels(np.array([bbox[2]]), np.array([bbox[3]]), zoom)
    return (int(x1[0] // TILE) - int(x0[0] // TILE) + 1) * (int(y1[0] // TILE) - int(y0[0] // TILE) + 1)


def _world_pixels(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates of the whole world at ``zoom`` (y counts from the north)."""
    world = TILE * 2**zoom
    x = (lon + 180) / 360 * world
    y = (1 - np.arcsinh(np.tan(np.radians(lat))) / math.pi) / 2 * world
    return x, y


def _reprojected(tiles: MBTiles, zoom: int, bbox: BBox, size: tuple[int, int]) -> np.ndarray | None:
    width, height = size
    lon = bbox[0] + (np.arange(width) + 0.5) / width * (bbox[2] - bbox[0])
    lat = bbox[3] - (np.arange(height) + 0.5) / height * (bbox[3] - bbox[1])
    px, _ = _world_pixels(lon, np.zeros_like(lon), zoom)
    _, py = _world_pixels(np.zeros_like(lat), lat, zoom)
    col, row = px.astype(np.int64), py.astype(np.int64)
    x0, y0 = int(col.min()) // TILE, int(row.min()) // TILE
    nx, ny = int(col.max()) // TILE - x0 + 1, int(row.max()) // TILE - y0 + 1
    mosaic = np.full((ny * TILE, nx * TILE, 3), MISSING, dtype=np.uint8)  # where the file has no tile
    found = False
    for tx in range(x0, x0 + nx):
        for ty in range(y0, y0 + ny):
            data = tiles.tile(zoom, tx, ty) if 0 <= ty < 2**zoom else None
            if data is None:
                continue
            found = True
            image = Image.open(io.BytesIO(data)).convert("RGB").resize((TILE, TILE))
            top, left = (ty - y0) * TILE, (tx - x0) * TILE
            mosaic[top : top + TILE, left : left + TILE] = np.asarray(image)
    if not found:
        return None
    return mosaic[(row - y0 * TILE)[:, None], (col - x0 * TILE)[None, :]]


def _attribution(tiles: MBTiles, path: Path) -> str:
    try:
        named = tiles.metadata().get("attribution")
    except sqlite3.Error:  # no metadata table
        named = None
    return named or f"Basemap: {path.name}"
