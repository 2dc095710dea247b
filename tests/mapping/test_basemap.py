"""Offline basemap preparation against a local tile server (started and stopped by the test)."""

from __future__ import annotations

import itertools
import json
import math
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crimedesk.domain.errors import ImportCancelled
from crimedesk.mapping.basemap import (
    USER_AGENT,
    BasemapError,
    TilePlan,
    data_bbox,
    layer_bbox,
    prepare_basemap,
)
from crimedesk.mapping.tiles import MBTiles

SERVER = Path(__file__).with_name("tile_server.py")
LOOP = (-87.64, 41.87, -87.61, 41.89)  # Chicago's Loop


@dataclass
class TileServer:
    url: str
    log: Path

    def requests(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []


def _start(tmp_path: Path, *flags: str) -> Iterator[TileServer]:
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), str(log), *flags], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(proc.stdout.readline())
        yield TileServer(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", log)
    finally:
        os.kill(proc.pid, 15)
        proc.wait(timeout=10)
        proc.stdout.close()


@pytest.fixture
def tile_server(tmp_path: Path) -> Iterator[TileServer]:
    yield from _start(tmp_path)


@pytest.fixture
def throttling_server(tmp_path: Path) -> Iterator[TileServer]:
    yield from _start(tmp_path, "--throttle-first")


def _slippy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The OSM wiki's formula, written out independently."""
    n = 2**z
    lat_r = math.radians(lat)
    return int((lon + 180) / 360 * n), int(
        (1 - math.log(math.tan(lat_r) + 1 / math.cos(lat_r)) / math.pi) / 2 * n
    )


def test_plan_counts_the_tiles_covering_the_area() -> None:
    plan = TilePlan(LOOP, 12, 15)
    expected = 0
    for z in range(12, 16):
        (x0, y0), (x1, y1) = _slippy(LOOP[0], LOOP[3], z), _slippy(LOOP[2], LOOP[1], z)
        expected += (x1 - x0 + 1) * (y1 - y0 + 1)
    assert plan.count == expected == len(set(plan.tiles()))
    assert plan.estimated_bytes == plan.count * 15_000


def test_prepare_downloads_every_tile_politely(tile_server: TileServer, tmp_path: Path) -> None:
    plan = TilePlan(LOOP, 13, 15)
    out = tmp_path / "loop.mbtiles"
    report = prepare_basemap(plan, out, tile_server.url, rate=8.0)
    requests = tile_server.requests()
    assert report.downloaded == plan.count == len(requests)
    assert {r["ua"] for r in requests} == {USER_AGENT}
    gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(requests)]
    # the rate cap holds over the whole run, and no two requests come in a burst; single gaps seen
    # by the server vary with the machine's load (87 ms for 125 once, with both cores busy)
    assert requests[-1]["t"] - requests[0]["t"] >= (len(requests) - 1) / 8 - 0.1
    assert min(gaps) >= 1 / 16
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    tiles = MBTiles(out)
    try:
        assert tiles.metadata()["attribution"] == "© OpenStreetMap contributors"
        z, x, y = next(plan.tiles())
        assert tiles.tile(z, x, y)[:4] == b"\x89PNG"
        assert report.bytes == sum(len(tiles.tile(*t)) for t in plan.tiles())
    finally:
        tiles.close()


def test_cancel_then_resume_fetches_only_the_rest(tile_server: TileServer, tmp_path: Path) -> None:
    plan = TilePlan(LOOP, 13, 15)
    out = tmp_path / "loop.mbtiles"
    progress: list[float] = []
    with pytest.raises(ImportCancelled, match="kept"):
        prepare_basemap(
            plan,
            out,
            tile_server.url,
            rate=10.0,
            progress=lambda f, _m: progress.append(f),
            cancel=lambda: len(progress) >= 5,
        )
    first = len(tile_server.requests())
    assert first == 5
    report = prepare_basemap(plan, out, tile_server.url, rate=10.0)
    assert report.already_present == 5 and report.downloaded == plan.count - 5
    assert len(tile_server.requests()) == plan.count  # no tile fetched twice


def test_429_waits_as_told(throttling_server: TileServer, tmp_path: Path) -> None:
    plan = TilePlan(LOOP, 14, 14)
    report = prepare_basemap(plan, tmp_path / "t.mbtiles", throttling_server.url, rate=10.0)
    requests = throttling_server.requests()
    assert report.downloaded == plan.count and len(requests) == plan.count + 1
    assert requests[1]["t"] - requests[0]["t"] >= 0.99  # Retry-After: 1


def test_the_tile_cap_refuses_before_any_request(tile_server: TileServer, tmp_path: Path) -> None:
    plan = TilePlan(LOOP, 10, 17)
    with pytest.raises(BasemapError, match="more than the limit of 100"):
        prepare_basemap(plan, tmp_path / "big.mbtiles", tile_server.url, max_tiles=100)
    assert tile_server.requests() == []


def test_a_server_error_stops_with_a_sentence(tmp_path: Path) -> None:
    plan = TilePlan(LOOP, 14, 14)
    with pytest.raises(BasemapError, match="kept failing") as failed:
        prepare_basemap(plan, tmp_path / "x.mbtiles", "http://127.0.0.1:9/{z}/{x}/{y}.png", rate=10.0)
    assert "Connection refused" in str(failed.value) and "ConnectError" not in str(failed.value)


def test_extents_from_a_layer_and_from_the_data(store, chicago_sample, data_dir) -> None:
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.regions.store import import_boundary_layer

    import_boundary_layer(
        store, data_dir / "chicago_police_districts_2012.geojson", layer_name="districts", id_field="DIST_NUM"
    )
    import_file(store, chicago_sample)
    with store.connect() as conn:
        layer = layer_bbox(conn, "districts")
        data = data_bbox(conn)
        with pytest.raises(BasemapError, match="no boundary layer named 'beats'"):
            layer_bbox(conn, "beats")
    assert layer == pytest.approx((-87.94, 41.64, -87.52, 42.02), abs=0.01)
    assert layer[0] <= data[0] < data[2] <= layer[2] and layer[1] <= data[1] < data[3] <= layer[3]


def test_cli_prepares_the_data_extent(tile_server: TileServer, tmp_path: Path, sqlite_store, chicago_sample):
    from typer.testing import CliRunner

    from crimedesk.cli import app
    from crimedesk.ingest.pipeline import import_file

    import_file(sqlite_store, chicago_sample)
    url = str(sqlite_store.url)
    out = tmp_path / "field.mbtiles"
    args = ["basemap", "prepare", str(out), "--min-zoom", "9", "--max-zoom", "10", "--url", tile_server.url]
    result = CliRunner().invoke(app, [*args, "--rate", "10", "--yes", "--db", url])
    assert result.exit_code == 0, result.output
    with sqlite_store.connect() as conn:
        plan = TilePlan(data_bbox(conn), 9, 10)
    assert f"the data's extent: {plan.count:,} tiles at zoom 9–10" in result.output
    assert f"{plan.count:,} tiles fetched" in result.output
    assert len(tile_server.requests()) == plan.count
