"""Basemap tiles from disk: an MBTiles file, and the cache that keeps online tiles usable offline.

Pure (no Qt): the URL scheme handler in ``crimedesk.ui.panes.map.map_scheme`` asks these for bytes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from crimedesk.config.private_files import FILE_MODE, make_private_dirs

MAX_ZOOM = 24


def check_tile(z: int, x: int, y: int) -> None:
    """A ValueError unless (z, x, y) is a tile of the Web Mercator pyramid."""
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise ValueError(f"no tile {z}/{x}/{y}")


def image_type(data: bytes) -> str:
    """The MIME type of a tile image, from its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[8:12] == b"WEBP":
        return "image/webp"
    raise ValueError("tile is not a PNG, JPEG or WebP image")


class MBTiles:
    """Read-only tiles of an MBTiles file (rows are TMS: y counts from the south)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"MBTiles file not found: {path}")
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        tables = {r[0] for r in self._conn.execute("select name from sqlite_master")}
        if "tiles" not in tables:
            self._conn.close()
            raise ValueError(f"{path.name} is not an MBTiles file (no 'tiles' table)")

    def metadata(self) -> dict[str, str]:
        return dict(self._conn.execute("select name, value from metadata").fetchall())

    def zooms(self) -> list[int]:
        """The zoom levels the file holds tiles of, lowest first."""
        rows = self._conn.execute("select distinct zoom_level from tiles order by zoom_level")
        return [int(z) for (z,) in rows]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The image of XYZ tile (z, x, y), or None where the file has none."""
        check_tile(z, x, y)
        row = self._conn.execute(
            "select tile_data from tiles where zoom_level = ? and tile_column = ? and tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        self._conn.close()


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """``template`` with {z}/{x}/{y} (and a fixed {s} subdomain) filled in."""
    return template.replace("{s}", "a").format(z=z, x=x, y=y)


class TileCache:
    """Online tiles kept on disk per source URL, served from there first (and when offline)."""

    def __init__(self, root: Path, template: str) -> None:
        self.template = template
        self.dir = root / hashlib.sha256(template.encode()).hexdigest()[:16]

    def path(self, z: int, x: int, y: int) -> Path:
        check_tile(z, x, y)
        return self.dir / str(z) / str(x) / f"{y}.tile"

    def get(self, z: int, x: int, y: int) -> bytes | None:
        path = self.path(z, x, y)
        return path.read_bytes() if path.is_file() else None

    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        """Store a tile atomically (a crash never leaves half an image behind), owner-only like
        everything crimedesk keeps: the tiles show where the analyst looked."""
        image_type(data)
        path = self.path(z, x, y)
        make_private_dirs(path.parent)
        partial = path.with_suffix(".part")
        with os.fdopen(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE), "wb") as out:
            out.write(data)
        partial.replace(path)
