"""Every export format read back with an independent reader and compared row for row with the store."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from pyproj import CRS, Transformer
from sqlalchemy import Engine

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.reports.exports.catalog import format_names
from crimedesk.reports.exports.formats import FORMATS
from crimedesk.reports.exports.service import export_incidents
from tests.reports.conftest import PROJECTED

ANALYST = User("ana", Role.ANALYST, "desk")
FILTERS = FilterSnapshot(
    date_from=date(2017, 1, 2), date_to=date(2017, 1, 3), categories=frozenset({"violent", "property"})
)


def expected(chicago_df: pd.DataFrame) -> pd.DataFrame:
    """The rows FILTERS select, computed from the source file without crimedesk's SQL."""
    day = chicago_df["occurred"].dt.date
    keep = (day >= FILTERS.date_from) & (day <= FILTERS.date_to)
    keep &= chicago_df["category"].isin(FILTERS.categories)
    return chicago_df[keep].sort_values("source_key").reset_index(drop=True)


def check_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.sort_values("source_key").reset_index(drop=True)
    assert got["source_key"].tolist() == want["source_key"].tolist()
    assert pd.to_datetime(got["occurred_from"]).tolist() == want["occurred"].tolist()
    assert got["category"].tolist() == want["category"].tolist()
    assert got["offense_type"].tolist() == want["offense_type"].tolist()
    assert got["id"].is_unique


def check_points(lon: np.ndarray, lat: np.ndarray, want: pd.DataFrame) -> None:
    np.testing.assert_allclose(lon, want["longitude"].to_numpy(), atol=1e-7, rtol=0)
    np.testing.assert_allclose(lat, want["latitude"].to_numpy(), atol=1e-7, rtol=0)


def test_registry_holds_each_format_once() -> None:
    assert format_names() == ["csv", "geojson", "gpkg", "parquet"]
    assert all(FORMATS[name].name == name for name in FORMATS)


def test_csv_with_bom_reads_back(chicago_store: Engine, chicago_df: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "incidents.csv"
    result = export_incidents(chicago_store, ANALYST, FILTERS, "csv", out, bom=True)
    want = expected(chicago_df)
    assert result.rows == len(want) > 100
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        got = pd.DataFrame(list(csv.DictReader(handle)))
    got["latitude"] = pd.to_numeric(got["latitude"])
    got["longitude"] = pd.to_numeric(got["longitude"])
    check_rows(got, want)
    got = got.sort_values("source_key")
    check_points(got["longitude"].to_numpy(), got["latitude"].to_numpy(), want)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_gdal_formats_read_back_in_wgs84(
    chicago_store: Engine, chicago_df: pd.DataFrame, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"incidents.{fmt}"
    export_incidents(chicago_store, ANALYST, FILTERS, fmt, out)
    assert CRS.from_user_input(pyogrio.read_info(out)["crs"]).to_epsg() == 4326
    got = pyogrio.read_dataframe(out).sort_values("source_key")
    want = expected(chicago_df)
    check_rows(got, want)
    placed = want["latitude"].notna().to_numpy()
    assert got.geometry.isna().to_numpy().tolist() == (~placed).tolist()
    check_points(got.geometry[placed].x.to_numpy(), got.geometry[placed].y.to_numpy(), want[placed])
    if fmt == "geojson":
        assert "crs" not in json.loads(out.read_text())  # RFC 7946 has no crs member


def test_gpkg_in_the_stores_projected_crs(
    chicago_store: Engine, chicago_df: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "projected.gpkg"
    result = export_incidents(chicago_store, ANALYST, FILTERS, "gpkg", out, crs="projected")
    assert result.epsg == PROJECTED
    assert CRS.from_user_input(pyogrio.read_info(out)["crs"]).to_epsg() == PROJECTED
    got = pyogrio.read_dataframe(out).sort_values("source_key")
    want = expected(chicago_df)
    placed = want["latitude"].notna().to_numpy()
    back = Transformer.from_crs(PROJECTED, 4326, always_xy=True)
    lon, lat = back.transform(got.geometry[placed].x.to_numpy(), got.geometry[placed].y.to_numpy())
    check_points(lon, lat, want[placed])


def test_geoparquet_reads_back_with_pyarrow(
    chicago_store: Engine, chicago_df: pd.DataFrame, tmp_path: Path
) -> None:
    out = tmp_path / "incidents.parquet"
    export_incidents(chicago_store, ANALYST, FILTERS, "parquet", out)
    table = pq.read_table(out)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert CRS.from_json_dict(geo["columns"]["geometry"]["crs"]) == CRS.from_user_input("OGC:CRS84")
    got = table.to_pandas().sort_values("source_key")
    want = expected(chicago_df)
    check_rows(got, want)
    points = shapely.from_wkb(got["geometry"].to_numpy())
    placed = want["latitude"].notna().to_numpy()
    check_points(shapely.get_x(points[placed]), shapely.get_y(points[placed]), want[placed])


TEXT_COLUMNS = ["source", "source_key", "case_number", "offense_code", "offense_type", "block", "beat"]
TEXT_COLUMNS += ["offense_description", "location_description", "district", "ward", "community_area"]


def test_geoparquet_reads_back_with_geopandas_as_the_source_file(
    chicago_store: Engine, chicago_df: pd.DataFrame, tmp_path: Path
) -> None:
    """Every column the source file gives, in id order, with local times and the points' own floats."""
    out = tmp_path / "incidents.parquet"
    export_incidents(chicago_store, ANALYST, FILTERS, "parquet", out)
    got = gpd.read_parquet(out)
    assert got.crs.equals(CRS.from_user_input("OGC:CRS84"))
    assert got["id"].is_monotonic_increasing
    got = got.sort_values("source_key").reset_index(drop=True)
    want = expected(chicago_df)
    for name in [*TEXT_COLUMNS, "category", "arrest", "domestic"]:
        assert got[name].astype(object).where(got[name].notna(), None).tolist() == (
            want[name].astype(object).where(want[name].notna(), None).tolist()
        ), name
    assert got["occurred_from"].tolist() == want["occurred"].tolist()  # naive: local wall-clock time
    assert got["occurred_to"].isna().all() and got["reported_at"].isna().all()  # not in this source
    placed = want["latitude"].notna().to_numpy()
    assert got.geometry.isna().to_numpy().tolist() == (~placed).tolist()
    assert got.geometry[placed].x.tolist() == got["longitude"][placed].tolist()
    assert got.geometry[placed].y.tolist() == got["latitude"][placed].tolist()
    check_points(got.geometry[placed].x.to_numpy(), got.geometry[placed].y.to_numpy(), want[placed])


def test_export_is_audited_with_filters_and_rows(chicago_store: Engine, tmp_path: Path) -> None:
    result = export_incidents(chicago_store, ANALYST, FILTERS, "csv", tmp_path / "a.csv")
    [entry] = audit.read(chicago_store, action="export")
    assert entry.username == "ana"
    assert entry.details["rows"] == result.rows
    assert entry.details["filters"] == FILTERS.to_dict()


def yes() -> bool:
    return True


def test_cancel_leaves_no_file_and_no_audit(chicago_store: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ImportCancelled):
        export_incidents(chicago_store, ANALYST, FilterSnapshot(), "gpkg", folder / "a.gpkg", cancel=yes)
    assert list(folder.iterdir()) == []
    assert audit.read(chicago_store, action="export") == []


def test_bad_choices_are_sentences(chicago_store: Engine, tmp_path: Path) -> None:
    with pytest.raises(CrimedeskError, match="unknown export format 'xls'"):
        export_incidents(chicago_store, ANALYST, FILTERS, "xls", tmp_path / "a.xls")
    with pytest.raises(CrimedeskError, match="always written in EPSG:4326"):
        export_incidents(chicago_store, ANALYST, FILTERS, "geojson", tmp_path / "a.json", crs="projected")
