import io
import sqlite3

import pytest
from PIL import Image

from crimedesk.mapping.tiles import MBTiles, TileCache, check_tile, image_type, tile_url
from tests.mbtiles import make_mbtiles


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(out, "PNG")
    return out.getvalue()


def test_mbtiles_rows_are_flipped_to_xyz(tmp_path):
    red, blue = png("red"), png("blue")
    mb = MBTiles(make_mbtiles(tmp_path / "t.mbtiles", {(1, 0, 0): red, (1, 0, 1): blue}))
    assert mb.tile(1, 0, 0) == red and mb.tile(1, 0, 1) == blue
    assert mb.tile(1, 1, 1) is None
    assert mb.metadata()["format"] == "png"
    with pytest.raises(ValueError, match="no tile"):
        mb.tile(1, 2, 0)
    mb.close()


def test_mbtiles_refuses_other_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        MBTiles(tmp_path / "missing.mbtiles")
    sqlite3.connect(tmp_path / "x.sqlite").execute("create table t (a)").connection.commit()
    with pytest.raises(ValueError, match="not an MBTiles file"):
        MBTiles(tmp_path / "x.sqlite")


def test_tile_cache_is_per_source_and_keeps_only_images(tmp_path):
    a = TileCache(tmp_path, "https://a.example/{z}/{x}/{y}.png")
    b = TileCache(tmp_path, "https://b.example/{z}/{x}/{y}.png")
    a.put(3, 2, 1, png("red"))
    assert a.get(3, 2, 1) == png("red") and b.get(3, 2, 1) is None
    with pytest.raises(ValueError, match="not a PNG"):
        a.put(3, 2, 2, b"<html>rate limited</html>")
    assert a.get(3, 2, 2) is None


def test_tile_helpers():
    assert tile_url("https://{s}.tile.example/{z}/{x}/{y}.png", 5, 6, 7) == "https://a.tile.example/5/6/7.png"
    assert image_type(png("red")) == "image/png"
    assert image_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    check_tile(0, 0, 0)
    with pytest.raises(ValueError):
        check_tile(2, 0, 4)
