"""Basemaps in a real page: MBTiles through the cdmap scheme, and online tiles kept on disk."""

from __future__ import annotations

import io
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PIL import Image, ImageDraw

from crimedesk.ui.panes.map.map_pane import register_map_schemes
from tests.mbtiles import make_mbtiles
from tests.ui.panes.map.mapjs import assert_stayed_offline, js, wait_js

register_map_schemes()
pytestmark = pytest.mark.webengine
LOADED = "document.querySelectorAll('.leaflet-tile-loaded').length"


def tile_xy(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def tile_png(z: int, x: int, y: int, fill: str = "#e8f0e0") -> bytes:
    image = Image.new("RGB", (256, 256), fill)
    draw = ImageDraw.Draw(image)
    for i in range(0, 256, 64):
        draw.line([(i, 0), (i, 255)], fill="#b8c8b0")
        draw.line([(0, i), (255, i)], fill="#b8c8b0")
    draw.rectangle([0, 0, 255, 255], outline="#789070")
    draw.text((8, 8), f"{z}/{x}/{y}", fill="#405038")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def chicago_tiles() -> dict[tuple[int, int, int], bytes]:
    tiles = {}
    for z in (10, 11, 12):
        (x0, y0), (x1, y1) = tile_xy(42.05, -87.95, z), tile_xy(41.62, -87.50, z)
        for x in range(x0 - 1, x1 + 2):
            for y in range(y0 - 1, y1 + 2):
                tiles[(z, x, y)] = tile_png(z, x, y)
    return tiles


def test_mbtiles_basemap_is_fully_offline(qtbot, districts_store, make_pane, tmp_path, artifacts):
    path = make_mbtiles(tmp_path / "chicago.mbtiles", chicago_tiles())
    pane = make_pane(districts_store)
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        pane.set_basemap("mbtiles", mbtiles=path)
    wait_js(qtbot, pane, f"{LOADED} >= 6")
    assert any("/mbtiles/11/" in url for url in pane.guard.seen)
    pane.set_visible_layers(["regions", "clusters"])
    js(qtbot, pane, "crimedesk.layers.regions.eachLayer(g => g.setStyle({fillOpacity: 0.25})) && 1")
    pane.export_png(artifacts / "map_mbtiles.png", 900, 700)
    assert_stayed_offline(pane)


class _Tiles(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Tiles.hits.append(self.path)
        z, x, y = (int(v) for v in self.path.removesuffix(".png").strip("/").split("/"))
        body = tile_png(z, x, y, "#f0e8e0")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_online_tiles_are_cached_and_still_shown_offline(
    qtbot, districts_store, make_pane, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    pane = make_pane(districts_store)
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        pane.set_basemap("xyz", url=url, attribution="Test tiles")
    wait_js(qtbot, pane, f"{LOADED} >= 6")
    served = len(_Tiles.hits)
    assert served >= 6
    assert len(list((tmp_path / "cache").rglob("*.tile"))) == served
    server.shutdown()
    server.server_close()
    with qtbot.waitSignal(pane.updated, timeout=30_000):
        pane.load_page()  # same view, server gone: every tile comes from the cache
    wait_js(qtbot, pane, f"{LOADED} >= 6")
    assert len(_Tiles.hits) == served
    assert pane.guard.blocked == [] and not any(u.startswith("http") for u in pane.guard.seen)
    assert "OpenStreetMap" not in js(
        qtbot, pane, "document.querySelector('.leaflet-control-attribution').textContent"
    )
