"""Region aggregates out to a file: the map's counts, CompStat's cells and the boundary polygons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from pyproj import CRS
from sqlalchemy import Engine

from crimedesk.analytics.compstat import compstat
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.regions.store import import_boundary_layer, layer_regions_gdf
from crimedesk.reports.exports.service import export_regions
from tests.reports.conftest import PROJECTED
from tests.reports.test_exports import ANALYST

FILTERS = FilterSnapshot(
    date_from=date(2017, 1, 1), date_to=date(2017, 1, 3), categories=frozenset({"property"})
)


@pytest.fixture
def districts(chicago_store: Engine, data_dir: Path) -> int:
    result = import_boundary_layer(
        chicago_store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        incident_field="district",
    )
    return result.layer_id


def test_gpkg_holds_counts_compstat_and_polygons(
    chicago_store: Engine, chicago_df: pd.DataFrame, districts: int, tmp_path: Path
) -> None:
    out = tmp_path / "districts.gpkg"
    result = export_regions(chicago_store, ANALYST, FILTERS, districts, "gpkg", out, crs="projected")
    frame = pyogrio.read_dataframe(out).set_index("region_id")
    assert CRS.from_user_input(pyogrio.read_info(out)["crs"]).to_epsg() == PROJECTED
    assert len(frame) == result.rows == 23 and set(frame.geometry.geom_type) == {"MultiPolygon"}
    # counts: points inside the polygons, computed here with geopandas from the source file
    with chicago_store.connect() as conn:
        polygons = layer_regions_gdf(conn, districts)
    points = chicago_df[(chicago_df["category"] == "property") & chicago_df["latitude"].notna()]
    import geopandas as gpd

    located = gpd.GeoDataFrame(
        points, geometry=gpd.points_from_xy(points["longitude"], points["latitude"]), crs=4326
    )
    joined = gpd.sjoin(located, polygons, predicate="within").groupby("region_id").size()
    for region_id, row in frame.iterrows():
        assert row["count"] == joined.get(region_id, 0), region_id
    with chicago_store.connect() as conn:
        table = compstat(conn, FILTERS, districts, FILTERS.date_to).table.set_index("region")
    for region_id, row in frame.iterrows():
        for column in ("d28", "ytd_prev"):  # a region with no incident is no CompStat row: 0
            assert row[column] == table[column].get(region_id, 0), (region_id, column)
    assert (frame["per_km2"] - frame["count"] / frame["area_km2"]).abs().max() < 1e-9


def test_csv_has_no_geometry(chicago_store: Engine, districts: int, tmp_path: Path) -> None:
    out = tmp_path / "districts.csv"
    export_regions(chicago_store, ANALYST, FILTERS, districts, "csv", out)
    frame = pd.read_csv(out, dtype={"region_id": str})
    assert "geometry" not in frame and len(frame) == 23 and frame["count"].sum() > 0


def test_export_regions_command(chicago_store: Engine, districts: int, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crimedesk.cli import app

    db = ["--db", chicago_store.url.render_as_string(hide_password=False)]
    out = tmp_path / "d.geojson"
    args = ["export", "regions", *db, "--layer", "districts", "--format", "geojson", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--from", "2017-01-01", "--to", "2017-01-03"])
    assert result.exit_code == 0, result.output
    assert "23 regions written" in result.output and len(pyogrio.read_dataframe(out)) == 23
    result = CliRunner().invoke(app, [*args[:4], "--layer", "district", "--format", "csv", "--out", "x.csv"])
    assert result.exit_code == 1 and "must name a loaded boundary layer" in result.output
