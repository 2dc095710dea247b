"""A minimal MBTiles file for the tile and basemap tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    """A minimal MBTiles file; ``tiles`` keyed by XYZ (z, x, y), stored with TMS rows."""
    conn = sqlite3.connect(path)
    conn.execute("create table metadata (name text, value text)")
    conn.execute("create table tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)")
    conn.executemany("insert into metadata values (?, ?)", [("name", "test"), ("format", "png")])
    conn.executemany(
        "insert into tiles values (?, ?, ?, ?)", [(z, x, 2**z - 1 - y, d) for (z, x, y), d in tiles.items()]
    )
    conn.commit()
    conn.close()
    return path
