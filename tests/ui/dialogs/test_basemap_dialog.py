"""File ▸ Prepare offline basemap… against a local tile server started by the test (issue 18)."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import Engine

from crimedesk.mapping.basemap import TilePlan, data_bbox
from crimedesk.mapping.tiles import MBTiles
from crimedesk.ui.dialogs.basemap_dialog import BasemapDialog
from crimedesk.ui.panes.map.map_settings import MapSettings
from tests.layers import import_districts
from tests.mapping.test_basemap import TileServer, tile_server  # noqa: F401  (the fixture)


def test_estimate_then_download_cancel_and_resume(
    qtbot,
    chicago_sample_store: Engine,
    data_dir: Path,
    tile_server: TileServer,  # noqa: F811
    tmp_path: Path,
    artifacts,
) -> None:
    import_districts(chicago_sample_store, data_dir)
    dialog = BasemapDialog(chicago_sample_store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.area.itemText(i) for i in range(dialog.area.count())] == [
        "The data's extent",
        "Boundary layer districts",
    ]
    dialog.min_zoom.setValue(11)
    dialog.max_zoom.setValue(12)
    with chicago_sample_store.connect() as conn:
        plan = TilePlan(data_bbox(conn), 11, 12)
    assert dialog.estimate.text().startswith(f"{plan.count:,} tiles, about {plan.count * 0.015:,.1f} MB")
    assert tile_server.requests() == []  # nothing fetched for the estimate
    dialog.url.setText(tile_server.url)
    dialog.attribution.setText("test tiles <b>not bold</b>")
    dialog.rate.setValue(10.0)
    out = tmp_path / "chicago.mbtiles"
    dialog.path.setText(str(out))

    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10_000)
    dialog.cancel.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert "kept" in dialog.message.text()
    first = len(tile_server.requests())
    assert 0 < first < plan.count
    with qtbot.waitSignal(dialog.prepared, timeout=30_000) as done:
        dialog.start.click()
    assert done.args == [out]
    requests = tile_server.requests()
    assert len(requests) == plan.count  # resumed: no tile fetched twice
    assert len({r["path"] for r in requests}) == plan.count
    assert all(r["ua"].startswith("crimedesk/") for r in requests)
    times = sorted(r["t"] for r in requests[first:])
    # The cap holds over the run (each gap is logged on arrival, so one may be late by a few ms).
    assert times[-1] - times[0] >= (len(times) - 1) / 10 - 0.02
    assert min(b - a for a, b in itertools.pairwise(times)) > 1 / 20
    tiles = MBTiles(out)
    assert all(tiles.tile(*t) for t in plan.tiles())  # every tile is there for the map, offline
    tiles.close()
    dialog.grab().save(str(artifacts / "basemap_dialog.png"))

    settings = MapSettings(tmp_path / "settings.json")
    settings.set_basemap("mbtiles", None, out)
    assert settings.page_options().basemap.attribution == "test tiles <b>not bold</b>"


def test_too_many_tiles_cannot_start(qtbot, chicago_sample_store: Engine) -> None:
    dialog = BasemapDialog(chicago_sample_store)
    qtbot.addWidget(dialog)
    dialog.min_zoom.setValue(10)
    dialog.max_zoom.setValue(19)
    assert "more than the limit" in dialog.estimate.text()
    assert not dialog.start.isEnabled()
