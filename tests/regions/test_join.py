from datetime import datetime

import geopandas as gpd
import numpy as np
import pytest
import shapely
from sqlalchemy import func, select

from crimedesk.regions.join import (
    RegionIndex,
    delete_incident_regions,
    region_sort_key,
    write_region_positions,
)
from crimedesk.regions.read import read_boundary_file
from crimedesk.storage.schema import boundary_layers, incident_regions
from tests.regions.helpers import sample_points


def _index(data_dir, name, id_field, layer_id=1):
    regions = read_boundary_file(data_dir / name, id_field=id_field).regions
    return RegionIndex(layer_id, regions["region_id"].tolist(), regions.geometry.array), regions


@pytest.mark.parametrize(
    ("name", "id_field"),
    [
        ("chicago_police_districts_2012.geojson", "DIST_NUM"),
        ("chicago_police_beats_2012.geojson", "BEAT_NUM"),
    ],
)
def test_locate_agrees_with_geopandas_sjoin(data_dir, chicago_sample, name, id_field):
    index, regions = _index(data_dir, name, id_field)
    points = sample_points(chicago_sample)
    located = index.locate(points["Longitude"].to_numpy(), points["Latitude"].to_numpy())
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(points["Longitude"], points["Latitude"]), crs=4326)
    joined = gpd.sjoin(frame, regions[["region_id", "geometry"]], predicate="intersects", how="left")
    lowest = joined.groupby(level=0)["region_id"].agg(  # a border point has several matches
        lambda ids: min(ids.dropna(), key=region_sort_key, default=None)
    )
    assert len(points) > 2000
    assert located.tolist() == [r if isinstance(r, str) else None for r in lowest.loc[points.index]]


def test_locate_handles_outside_nan_and_empty(data_dir):
    index, _ = _index(data_dir, "chicago_police_districts_2012.geojson", "DIST_NUM")
    lon = np.array([-87.6298, -74.0, np.nan, -87.6298])
    lat = np.array([41.8781, 40.7, 41.8, np.nan])
    assert index.locate(lon, lat).tolist() == ["1", None, None, None]
    assert index.locate(np.array([]), np.array([])).tolist() == []


def test_shared_border_goes_to_the_lowest_region_id():
    left = shapely.box(0, 0, 1, 1)
    right = shapely.box(1, 0, 2, 1)
    index = RegionIndex(1, ["10", "9"], [right, left])
    assert index.locate(np.array([1.0, 0.5, 1.5]), np.array([0.5, 0.5, 0.5])).tolist() == ["9", "9", "10"]


def test_write_region_positions_in_the_callers_transaction(store):
    ids = np.arange(1, 1001, dtype=np.int64)
    names = [f"r\t{k}\\x" for k in range(7)]
    positions = np.where(ids % 10 == 0, len(names), ids % 7)  # every tenth outside every region
    with store.begin() as conn:
        layer_id = _new_layer(conn)
        assert write_region_positions(conn, layer_id, ids, positions, names) == 900
        conn.rollback()
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incident_regions)).scalar() == 0
    with store.begin() as conn:
        layer_id = _new_layer(conn)
        write_region_positions(conn, layer_id, ids, positions, names)
    with store.connect() as conn:
        stored = dict(
            conn.execute(select(incident_regions.c.incident_id, incident_regions.c.region_id)).all()
        )
    assert len(stored) == 900 and stored[3] == "r\t3\\x"  # tabs and backslashes survive COPY


@pytest.mark.parametrize("rows", [30, 4_000])  # per batch, and one INSERT per region on SQLite
def test_write_region_positions_names_each_region_and_skips_the_outside(store, rows):
    names = ["9", "10", "O'Hare"]
    ids = np.arange(1, rows + 1, dtype=np.int64)
    positions = ids % 4  # 3 is past the names: outside every region
    with store.begin() as conn:
        layer_id = _new_layer(conn)
        assert write_region_positions(conn, layer_id, ids, positions, names) == rows - rows // 4
    with store.connect() as conn:
        stored = conn.execute(select(incident_regions.c.incident_id, incident_regions.c.region_id)).all()
    assert sorted(stored) == [(int(i), names[p]) for i, p in zip(ids, positions, strict=True) if p < 3]


def test_delete_incident_regions_forgets_every_layer(store):
    ids = np.arange(1, 101, dtype=np.int64)
    with store.begin() as conn:
        for _ in range(2):
            write_region_positions(conn, _new_layer(conn), ids, np.zeros(100, dtype=np.int64), ["A"])
        delete_incident_regions(conn, ids[:40])
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incident_regions)).scalar() == 120


def _new_layer(conn):
    count = conn.execute(select(func.count()).select_from(boundary_layers)).scalar()
    return conn.execute(
        boundary_layers.insert()
        .values(name=f"l{count}", source_file="t", id_field="id", crs="EPSG:4326", loaded_at=datetime.now())
        .returning(boundary_layers.c.id)
    ).scalar_one()
