"""Region basis: codes or polygons named, and the incidents each cannot place, against DuckDB."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from sqlalchemy import Engine

from crimedesk.analytics.region_basis import region_basis
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer


def raw_count(path, where: str) -> int:
    [(count,)] = duckdb.execute(
        f"""select count(*) from read_csv('{path}', all_varchar = true)
            where strptime("Date", '%m/%d/%Y %I:%M:%S %p') < DATE '2017-01-03' and {where}"""
    ).fetchall()
    return count


def test_codes_and_polygons_named_with_what_they_leave_out(store: Engine, chicago_sample, data_dir) -> None:
    layer = import_boundary_layer(
        store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
    ).layer_id
    import_file(store, chicago_sample)
    two_days = FilterSnapshot(
        date_from=date(2017, 1, 1),
        date_to=date(2017, 1, 2),
        region_layer_id="district",
        region_ids=frozenset({"011"}),
    )
    with store.connect() as conn:
        codes = region_basis(conn, two_days, "district")
        polygons = region_basis(conn, two_days, layer)
    assert codes.description == "the source's district codes"
    assert codes.unplaced == raw_count(chicago_sample, '"District" is null')  # the region choice aside
    assert polygons.description == "districts boundaries (points inside polygons)"
    assert polygons.unplaced == raw_count(chicago_sample, '"Latitude" is null') > 0
    assert polygons.caption() == (
        "Regions: districts boundaries (points inside polygons);"
        f" {polygons.unplaced:,} incidents with no usable coordinates (unmappable) are in none of them"
    )


def test_unknown_layer_is_a_clear_error(store: Engine) -> None:
    with store.connect() as conn, pytest.raises(ValueError, match="boundary layer 42 does not exist"):
        region_basis(conn, FilterSnapshot(), 42)
