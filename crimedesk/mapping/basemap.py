"""Offline basemap: the XYZ tiles of an area downloaded once into an MBTiles file, politely.

A field laptop has no network, so the map's streets and place names must travel with it. The plan
(:class:`TilePlan`) says how many tiles and about how many bytes before anything is fetched;
:func:`prepare_basemap` then follows the OpenStreetMap tile usage policy: a User-Agent that names
crimedesk, at most ``rate`` requests a second (two by default), a hard cap on the number of tiles,
``Retry-After`` obeyed on 429/503, and tiles already in the file never fetched again — so a cancelled
or interrupted preparation resumes where it stopped. Tiles are committed every few dozen, so a
crash loses at most those.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Connection, select

from crimedesk import __version__
from crimedesk.config.private_files import create_private_file
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.domain.explain import explain
from crimedesk.mapping.tiles import image_type, tile_url
from crimedesk.storage.schema import boundaries, boundary_layers, incidents

OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
USER_AGENT = f"crimedesk/{__version__} (offline basemap for a crime analysis field laptop)"
MAX_TILES = 20_000  # a city at zoom 10–16 is a few thousand; bulk downloads are against OSM policy
TYPICAL_TILE_BYTES = 15_000  # OSM raster tiles at city zooms: 5–30 KB
COMMIT_EVERY = 25
RETRIES = 4

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat (WGS84)


class BasemapError(CrimedeskError):
    """The tile server refused or failed; what is in the file so far is kept for a resume."""


@dataclass(frozen=True)
class TilePlan:
    bbox: BBox
    min_zoom: int
    max_zoom: int

    def __post_init__(self) -> None:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (-180 <= min_lon < max_lon <= 180 and -85.06 <= min_lat < max_lat <= 85.06):
            raise ValueError(f"not an area in lon/lat: {self.bbox}")
        if not 0 <= self.min_zoom <= self.max_zoom <= 19:
            raise ValueError(f"zooms must satisfy 0 ≤ min ≤ max ≤ 19, got {self.min_zoom}–{self.max_zoom}")

    def ranges(self) -> Iterator[tuple[int, range, range]]:
        """Per zoom, the x and y tile ranges covering the area."""
        min_lon, min_lat, max_lon, max_lat = self.bbox
        for z in range(self.min_zoom, self.max_zoom + 1):
            x0, y0 = lonlat_to_tile(min_lon, max_lat, z)
            x1, y1 = lonlat_to_tile(max_lon, min_lat, z)
            yield z, range(x0, x1 + 1), range(y0, y1 + 1)

    def tiles(self) -> Iterator[tuple[int, int, int]]:
        for z, xs, ys in self.ranges():
            for x in xs:
                for y in ys:
                    yield z, x, y

    @property
    def count(self) -> int:
        return sum(len(xs) * len(ys) for _z, xs, ys in self.ranges())

    @property
    def estimated_bytes(self) -> int:
        return self.count * TYPICAL_TILE_BYTES


@dataclass(frozen=True)
class PrepareReport:
    downloaded: int  # tiles fetched in this run
    already_present: int  # tiles a previous run had stored
    missing: int  # tiles the server does not have (404)
    bytes: int  # bytes fetched in this run
    seconds: float


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator tile holding a point (slippy-map numbering, y from the north)."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def prepare_basemap(
    plan: TilePlan,
    out: Path,
    template: str = OSM_TEMPLATE,
    *,
    attribution: str = OSM_ATTRIBUTION,
    rate: float = 2.0,
    max_tiles: int = MAX_TILES,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> PrepareReport:
    """Download the plan's tiles from ``template`` into the MBTiles file ``out`` (created 0600)."""
    if plan.count > max_tiles:
        raise BasemapError(
            f"{plan.count:,} tiles is more than the limit of {max_tiles:,}: choose a smaller area or "
            "fewer zoom levels (bulk downloads overload volunteer-run tile servers)"
        )
    if rate <= 0 or rate > 10:
        raise ValueError(f"rate must be in (0, 10] requests a second, got {rate}")
    started = time.monotonic()
    own_client = client is None
    http = client or httpx.Client(timeout=30.0, follow_redirects=True)
    conn = _open_mbtiles(out, plan, attribution, template)
    try:
        return _download(plan, conn, template, http, 1.0 / rate, progress, cancel, started)
    finally:
        conn.commit()
        conn.close()
        if own_client:
            http.close()


def _download(
    plan: TilePlan,
    conn: sqlite3.Connection,
    template: str,
    http: httpx.Client,
    interval: float,
    progress: Progress | None,
    cancel: Cancel | None,
    started: float,
) -> PrepareReport:
    present = set(conn.execute("select zoom_level, tile_column, tile_row from tiles"))
    downloaded = missing = fetched_bytes = done = 0
    pacer = _Pacer(interval)
    total = plan.count
    for z, x, y in plan.tiles():
        done += 1
        if (z, x, 2**z - 1 - y) in present:
            continue
        if cancel is not None and cancel():
            raise ImportCancelled(f"Basemap preparation cancelled after {downloaded:,} new tiles (kept).")
        data = _fetch(http, tile_url(template, z, x, y), pacer)
        if data is None:
            missing += 1
            continue
        conn.execute("insert into tiles values (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
        downloaded, fetched_bytes = downloaded + 1, fetched_bytes + len(data)
        if downloaded % COMMIT_EVERY == 0:
            conn.commit()
        if progress is not None:
            progress(done / total, f"tile {done:,} of {total:,} (zoom {z})")
    return PrepareReport(downloaded, len(present), missing, fetched_bytes, time.monotonic() - started)


class _Pacer:
    """Spaces request starts at least ``interval`` seconds apart."""

    def __init__(self, interval: float) -> None:
        self.interval, self.last = interval, -math.inf

    def wait(self, extra: float = 0.0) -> None:
        delay = max(self.last + self.interval - time.monotonic(), extra)
        if delay > 0:
            time.sleep(delay)
        self.last = time.monotonic()


def _fetch(http: httpx.Client, url: str, pacer: _Pacer) -> bytes | None:
    """One tile's bytes, None for a tile the server does not have; retries what may pass."""
    backoff, last = 0.0, ""
    for _attempt in range(RETRIES):
        pacer.wait(backoff)
        try:
            answer = http.get(url, headers={"User-Agent": USER_AGENT})
        except httpx.TransportError as exc:
            backoff = max(2 * backoff, 1.0)
            last = explain(exc)
            continue
        if answer.status_code == 404:
            return None
        if answer.status_code in (429, 502, 503, 504):
            backoff = _retry_after(answer, backoff)
            last = f"HTTP {answer.status_code}"
            continue
        if answer.status_code != 200:
            raise BasemapError(f"the tile server answered HTTP {answer.status_code} for {url}; stopped")
        try:
            image_type(answer.content)
        except ValueError as exc:
            raise BasemapError(f"{url} did not return an image ({exc}); stopped") from None
        return answer.content
    raise BasemapError(f"the tile server kept failing for {url} ({last}); the tiles so far are kept")


def _retry_after(answer: httpx.Response, backoff: float) -> float:
    header = answer.headers.get("Retry-After", "")
    wait = float(header) if header.replace(".", "", 1).isdigit() else max(2 * backoff, 1.0)
    return min(wait, 120.0)


def _open_mbtiles(out: Path, plan: TilePlan, attribution: str, template: str) -> sqlite3.Connection:
    create_private_file(out)
    conn = sqlite3.connect(out)
    conn.execute("create table if not exists metadata (name text primary key, value text)")
    conn.execute(
        "create table if not exists tiles (zoom_level integer, tile_column integer, tile_row integer,"
        " tile_data blob, primary key (zoom_level, tile_column, tile_row))"
    )
    source = template.split("{", 1)[0]
    metadata = {
        "name": out.stem,
        "format": "png" if ".png" in template else "jpg" if ".jp" in template else "png",
        "bounds": ",".join(f"{v:.6f}" for v in plan.bbox),
        "minzoom": str(plan.min_zoom),
        "maxzoom": str(plan.max_zoom),
        "attribution": attribution,
        "description": f"prepared by crimedesk from {source}",
        "type": "baselayer",
    }
    conn.executemany("insert or replace into metadata values (?, ?)", metadata.items())
    conn.commit()
    return conn


def layer_bbox(conn: Connection, layer: str) -> BBox:
    """The extent of a boundary layer's regions (lon/lat)."""
    import shapely

    b = boundaries.c
    query = (
        select(b.geometry_wkb)
        .join(boundary_layers, boundary_layers.c.id == b.layer_id)
        .where(boundary_layers.c.name == layer)
    )
    shapes = shapely.from_wkb([row[0] for row in conn.execute(query)])
    if not len(shapes):
        raise BasemapError(f"no boundary layer named {layer!r}")
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(shapes)
    return float(min_lon), float(min_lat), float(max_lon), float(max_lat)


def data_bbox(conn: Connection, trim: float = 0.001) -> BBox:
    """The dense extent of the mappable incidents: the ``trim`` and ``1 - trim`` quantiles of
    longitude and latitude, so a few far-off geocoding misses do not stretch it across the country."""
    import numpy as np

    i = incidents.c
    rows = conn.execute(select(i.longitude, i.latitude).where(i.mappable.is_(True))).all()
    if not rows:
        raise BasemapError("the store has no mappable incidents to take an extent from")
    points = np.asarray(rows, dtype=float)
    low, high = np.quantile(points, [trim, 1 - trim], axis=0)
    return float(low[0]), float(low[1]), float(high[0]), float(high[1])
