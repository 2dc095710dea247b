"""The offline basemap under the report's map page: tiles of an MBTiles file made here, placed by
their Web Mercator position, with the file's attribution; nothing is fetched."""

from __future__ import annotations

import io
import socket
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy import Engine

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.config.settings import Settings, save_settings
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.basemap import lonlat_to_tile
from crimedesk.reports.basemap import basemap_image, configured_mbtiles
from crimedesk.reports.context import ReportOptions
from crimedesk.reports.service import make_report
from tests.analytics.incidents_frame import load_incidents
from tests.layers import import_districts
from tests.mbtiles import make_mbtiles

VIEWER = User("vera", Role.VIEWER, "desk")
FILTERS = FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 1, 3))
CHICAGO = (-87.95, 41.64, -87.52, 42.03)  # the districts' bounds, rounded out
ZOOM = 10
GREEN = (0, 200, 0)
ATTRIBUTION = "Test Tiles contributors"


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


def tile_colour(x: int, y: int) -> tuple[int, int, int]:
    return (x * 37) % 256, (y * 53) % 256, 99


def chicago_tiles(colour=None) -> dict[tuple[int, int, int], bytes]:
    (x0, y0), (x1, y1) = lonlat_to_tile(CHICAGO[0], CHICAGO[3], ZOOM), lonlat_to_tile(*CHICAGO[2:0:-1], ZOOM)
    return {
        (ZOOM, x, y): png(colour or tile_colour(x, y)) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)
    }


def test_each_pixel_shows_the_tile_under_it(tmp_path: Path) -> None:
    tiles = chicago_tiles()
    missing = min(tiles)  # the north-west tile is left out: its pixels show the plain background
    del tiles[missing]
    path = make_mbtiles(tmp_path / "city.mbtiles", tiles)
    width, height = 300, 270
    made = basemap_image(path, CHICAGO, (width, height))
    assert made is not None and made.zoom == ZOOM and made.image.size == (width, height)
    pixels = np.asarray(made.image)
    for col in range(5, width, 23):
        for row in range(5, height, 19):
            lon = CHICAGO[0] + (col + 0.5) / width * (CHICAGO[2] - CHICAGO[0])
            lat = CHICAGO[3] - (row + 0.5) / height * (CHICAGO[3] - CHICAGO[1])
            x, y = lonlat_to_tile(lon, lat, ZOOM)
            expected = (235, 235, 235) if (ZOOM, x, y) == missing else tile_colour(x, y)
            assert tuple(pixels[row, col]) == expected, (lon, lat)
    assert made.attribution == "Basemap: city.mbtiles"  # the file names none


def test_only_an_offline_basemap_is_configured_for_reports(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.json"
    settings = Settings()
    settings.map.basemap, settings.map.mbtiles = "mbtiles", str(tmp_path / "city.mbtiles")
    save_settings(settings, settings_file)
    assert configured_mbtiles(settings_file) == str(tmp_path / "city.mbtiles")
    settings.map.basemap = "xyz"  # online tiles: never fetched for a report
    save_settings(settings, settings_file)
    assert configured_mbtiles(settings_file) is None


@pytest.fixture
def districts_store(sqlite_store: Engine, chicago_df: pd.DataFrame, data_dir: Path) -> Engine:
    load_incidents(sqlite_store, chicago_df)
    import_districts(sqlite_store, data_dir)
    return sqlite_store


def map_page(engine: Engine, out: Path, basemap: str | None) -> tuple[str, np.ndarray]:
    options = ReportOptions("district", sections=("map",), basemap=basemap)
    make_report(engine, VIEWER, "compstat", FILTERS, out, options)
    words = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True)
    last = str(words.stdout.count("\f"))  # the map is the last page
    prefix = str(out.with_suffix(""))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", last, "-singlefile", str(out), prefix], check=True)
    return words.stdout, np.asarray(Image.open(f"{prefix}.png").convert("RGB"))


def green_pixels(page: np.ndarray) -> int:
    r, g, b = page[..., 0].astype(int), page[..., 1].astype(int), page[..., 2].astype(int)
    return int(((g > 150) & (r < 60) & (b < 60)).sum())


def test_the_map_page_draws_the_tiles_under_the_regions_without_network(
    districts_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiles = make_mbtiles(tmp_path / "city.mbtiles", chicago_tiles(GREEN))
    with __import__("sqlite3").connect(tiles) as conn:
        conn.execute("insert into metadata values ('attribution', ?)", (ATTRIBUTION,))

    def refuse(*_args: object) -> None:
        raise AssertionError("the report tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    words, page = map_page(districts_store, tmp_path / "with.pdf", str(tiles))
    plain_words, plain_page = map_page(districts_store, tmp_path / "without.pdf", None)
    assert ATTRIBUTION in words and ATTRIBUTION not in plain_words
    assert "Map: last 28 days by region" in words and "Basemap not drawn" not in words
    assert green_pixels(page) > 2_000  # the tiles, around and (faintly) under the districts
    assert green_pixels(plain_page) == 0


def test_a_missing_basemap_file_is_said_on_the_page(districts_store: Engine, tmp_path: Path) -> None:
    words, _ = map_page(districts_store, tmp_path / "gone.pdf", str(tmp_path / "gone.mbtiles"))
    assert "Basemap not drawn: MBTiles file not found" in words
