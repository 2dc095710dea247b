"""The exports' reader (driver cursor -> Arrow) and WKB points, checked against independent paths.

The reader's rows are compared with SQLAlchemy's own typed result for the same filters, on both
backends, over real Chicago and NYPD rows (NYPD has end times, report dates and no arrest flags,
so the null cases are real); the WKB points with shapely's.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import shapely
from pyproj import Transformer
from sqlalchemy import Connection, Engine, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.analytics.incident_table import count_incidents
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import list_layers
from crimedesk.reports.exports.geometry import point_wkb, with_geometry
from crimedesk.reports.exports.rows import INCIDENT_SCHEMA, incident_batches
from crimedesk.storage.schema import incidents
from tests.filter_variants import filter_variants
from tests.layers import import_districts
from tests.reports.conftest import PROJECTED

CHUNK = 997  # not a divisor of any count here: the last batch is short
#: A triangle over the Loop and the Near West Side (its SQL has a modulo, ``%%`` for psycopg).
TRIANGLE = "POLYGON((-87.70 41.85, -87.60 41.85, -87.65 41.92, -87.70 41.85))"


@pytest.fixture
def two_cities(store: Engine, data_dir: Path, chicago_sample: Path, nypd_sample: Path) -> Engine:
    import_districts(store, data_dir)
    import_file(store, chicago_sample)
    import_file(store, nypd_sample)
    return store


def every_filter(conn: Connection) -> list[FilterSnapshot]:
    base = FilterSnapshot()
    return [
        *filter_variants(base, list_layers(conn)[0].id),
        replace(base, polygon_wkt=TRIANGLE),
        replace(base, text="50% off_", offense_types=frozenset({"THEFT", "BATTERY"})),
        FilterSnapshot.from_dict({"date_from": "2017-01-02", "date_to": "2017-01-02"}),
    ]


def sqlalchemy_rows(conn: Connection, filters: FilterSnapshot) -> list[dict]:
    """The same rows through SQLAlchemy's typed result (datetimes, booleans), not the driver's."""
    columns = [incidents.c[name] for name in INCIDENT_SCHEMA.names]
    query = select(*columns).where(where_clause(filters, incidents)).order_by(incidents.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def test_batches_are_sqlalchemys_rows_for_every_filter(two_cities: Engine) -> None:
    with two_cities.connect() as conn:
        for filters in every_filter(conn):
            batches = list(incident_batches(conn, filters, chunk_rows=CHUNK))
            got = pa.Table.from_batches(batches, INCIDENT_SCHEMA).to_pylist()
            assert got == sqlalchemy_rows(conn, filters), filters
            assert len(got) == count_incidents(conn, filters)
            assert [b.num_rows for b in batches[:-1]] == [CHUNK] * (len(batches) - 1)


def test_the_real_rows_carry_every_kind_of_value(two_cities: Engine) -> None:
    """The comparison above means something: nulls and values in every time and flag column."""
    with two_cities.connect() as conn:
        table = pa.Table.from_batches(incident_batches(conn, FilterSnapshot()), INCIDENT_SCHEMA)
    assert table.num_rows > 10_000
    for name in ("occurred_to", "reported_at", "arrest", "latitude"):
        assert 0 < table.column(name).null_count < table.num_rows, name
    assert table.column("arrest").to_pylist().count(True) > 0
    assert table.column("id").to_pylist() == sorted(table.column("id").to_pylist())


def test_closing_the_batches_closes_the_query(two_cities: Engine) -> None:
    """A cancel mid-export closes the cursor: the same connection streams the next export whole
    (on PostgreSQL a server-side cursor left open would clash by name)."""
    with two_cities.connect() as conn:
        batches = incident_batches(conn, FilterSnapshot(), chunk_rows=CHUNK)
        assert next(batches).num_rows == CHUNK
        batches.close()
        again = sum(batch.num_rows for batch in incident_batches(conn, FilterSnapshot(), chunk_rows=CHUNK))
        assert again == count_incidents(conn, FilterSnapshot()) > CHUNK


@pytest.mark.parametrize("epsg", [4326, PROJECTED])
def test_wkb_points_are_shapelys(two_cities: Engine, epsg: int) -> None:
    with two_cities.connect() as conn:
        batch = next(incident_batches(conn, FilterSnapshot(), chunk_rows=20_000))
    lon, lat = (batch.column(c).to_numpy(zero_copy_only=False) for c in ("longitude", "latitude"))
    placed = ~(np.isnan(lon) | np.isnan(lat))
    assert 0 < placed.sum() < len(placed)
    x, y = lon[placed], lat[placed]
    if epsg != 4326:
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(x, y)
    points = np.full(len(lon), None, dtype=object)
    points[placed] = shapely.points(x, y)
    want = pa.array(shapely.to_wkb(points), pa.binary())
    [got] = with_geometry(iter([batch]), epsg)
    assert got.column("geometry").equals(want)
    assert point_wkb(x, y, placed).equals(want)


def test_wkb_of_a_chunk_with_every_point_placed() -> None:
    x, y = np.array([-87.6, -73.9]), np.array([41.8, 40.7])
    got = point_wkb(x, y, np.ones(2, bool))
    assert got.null_count == 0
    assert shapely.from_wkb(got.to_numpy(zero_copy_only=False)).tolist() == shapely.points(x, y).tolist()
