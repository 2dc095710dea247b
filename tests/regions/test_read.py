import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from crimedesk.domain.errors import BoundaryFileError
from crimedesk.regions.read import read_boundary_file

DISTRICTS = "chicago_police_districts_2012.geojson"
DISTRICTS_ZIP = "chicago_police_districts_2012_shapefile.zip"
BEATS = "chicago_police_beats_2012.geojson"
BEATS_ZIP = "chicago_police_beats_2012_shapefile.zip"
NO_CRS_WRITE = pytest.mark.filterwarnings("ignore:'crs' was not provided")  # on purpose


@pytest.mark.parametrize("name", [DISTRICTS, DISTRICTS_ZIP])
def test_districts_load_from_geojson_and_zip_alike(data_dir, name):
    layer = read_boundary_file(data_dir / name, id_field="DIST_NUM", name_field="DIST_LABEL")
    regions = layer.regions.set_index("region_id")
    assert len(regions) == 23  # 25 features, district 31 in 3 pieces
    assert regions.loc["3", "name"] == "3RD"
    assert regions.crs.to_epsg() == 4326
    assert layer.repaired == 0 and layer.warnings == ()
    district_31 = regions.loc["31", "geometry"]
    assert district_31.geom_type == "MultiPolygon" and len(district_31.geoms) == 3
    minx, miny, maxx, maxy = regions.total_bounds
    assert -87.95 < minx < maxx < -87.52 and 41.64 < miny < maxy < 42.03


def test_zip_and_geojson_give_the_same_regions(data_dir):
    a = read_boundary_file(data_dir / DISTRICTS, id_field="DIST_NUM").regions.set_index("region_id")
    b = read_boundary_file(data_dir / DISTRICTS_ZIP, id_field="DIST_NUM").regions.set_index("region_id")
    assert sorted(a.index) == sorted(b.index)
    assert _min_overlap(a, b) > 0.9999


@pytest.mark.parametrize("name", [BEATS, BEATS_ZIP])
def test_beats_load(data_dir, name):
    assert len(pyogrio.read_info(data_dir / name)["fields"]) == 4
    assert pyogrio.read_info(data_dir / name)["features"] == 277
    layer = read_boundary_file(data_dir / name, id_field="BEAT_NUM")
    assert len(layer.regions) == 275  # two beat numbers come in two pieces each
    assert "1713" in set(layer.regions["region_id"])
    assert layer.regions.set_index("region_id").loc["1713", "properties"] == {
        "DISTRICT": "17",
        "SECTOR": "1",
        "BEAT": "1",
    }


def test_community_areas_use_integer_ids_as_text(data_dir):
    layer = read_boundary_file(
        data_dir / "chicago_community_areas.geojson", id_field="area_numbe", name_field="community"
    )
    regions = layer.regions.set_index("region_id")
    assert sorted(regions.index, key=int) == [str(i) for i in range(1, 78)]
    assert regions.loc["32", "name"] == "LOOP"
    json.dumps(list(regions["properties"]))  # plain JSON types only


def test_nyc_precincts_load_and_invalid_geometry_is_repaired(data_dir):
    layer = read_boundary_file(data_dir / "nyc_police_precincts.geojson", id_field="Precinct")
    assert len(layer.regions) == 77
    assert {"1", "123"} <= set(layer.regions["region_id"])
    assert layer.repaired == 1
    assert shapely.is_valid(layer.regions.geometry.array).all()


def test_geopackage_layer_by_name_and_reprojected_copy(data_dir, tmp_path):
    source = gpd.read_file(data_dir / DISTRICTS)
    gpkg = tmp_path / "chicago.gpkg"
    source.to_file(gpkg, layer="districts", driver="GPKG")
    source.to_crs(3435).to_file(gpkg, layer="districts_il_east", driver="GPKG")
    plain = read_boundary_file(gpkg, id_field="DIST_NUM", source_layer="districts")
    projected = read_boundary_file(gpkg, id_field="DIST_NUM", source_layer="districts_il_east")
    assert projected.source_crs == "EPSG:3435"
    a, b = plain.regions.set_index("region_id"), projected.regions.set_index("region_id")
    assert sorted(a.index) == sorted(b.index)
    assert _min_overlap(a, b) > 0.9999


def test_zip_with_several_layers_needs_a_choice(data_dir, tmp_path):
    both = tmp_path / "both.zip"
    with zipfile.ZipFile(both, "w") as out:
        for name in (DISTRICTS_ZIP, BEATS_ZIP):
            with zipfile.ZipFile(data_dir / name) as inner:
                for member in inner.namelist():
                    out.writestr(member, inner.read(member))
    with pytest.raises(BoundaryFileError, match="PoliceBeatDec2012, PoliceDistrictDec2012"):
        read_boundary_file(both, id_field="BEAT_NUM")
    beats = read_boundary_file(both, id_field="BEAT_NUM", source_layer="PoliceBeatDec2012")
    assert len(beats.regions) == 275


@NO_CRS_WRITE
def test_shapefile_without_prj_in_lon_lat_is_assumed_wgs84_with_a_warning(data_dir, tmp_path):
    gpd.read_file(data_dir / DISTRICTS).set_crs(None, allow_override=True).to_file(tmp_path / "d.shp")
    assert not (tmp_path / "d.prj").exists()
    archive = tmp_path / "no_prj.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in tmp_path.glob("d.*"):
            out.write(part, part.name)
    layer = read_boundary_file(archive, id_field="DIST_NUM")
    assert len(layer.regions) == 23
    assert layer.source_crs == "unknown (assumed EPSG:4326)"
    assert any("assumed EPSG:4326" in w for w in layer.warnings)


@NO_CRS_WRITE
def test_file_without_crs_in_projected_units_is_refused(data_dir, tmp_path):
    path = tmp_path / "feet.gpkg"
    gpd.read_file(data_dir / DISTRICTS).to_crs(3435).set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(BoundaryFileError, match="no coordinate reference system"):
        read_boundary_file(path, id_field="DIST_NUM")


def test_free_text_field_is_refused_as_id(tmp_path):
    path = tmp_path / "long.geojson"
    gpd.GeoDataFrame({"note": ["x" * 120]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(BoundaryFileError, match="up to 120 characters"):
        read_boundary_file(path, id_field="note")


def test_bowtie_is_repaired_and_counted(tmp_path):
    path = tmp_path / "bowtie.geojson"
    bowtie = shapely.Polygon([(-87.7, 41.8), (-87.6, 41.9), (-87.6, 41.8), (-87.7, 41.9)])
    gpd.GeoDataFrame({"id": ["X"]}, geometry=[bowtie], crs=4326).to_file(path)
    layer = read_boundary_file(path, id_field="id")
    assert layer.repaired == 1
    geometry = layer.regions.geometry.iloc[0]
    assert geometry.is_valid and geometry.geom_type == "MultiPolygon"


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (lambda d, t: t / "absent.geojson", {}, "not found"),
        (lambda d, t: d / DISTRICTS, {"id_field": "DISTRICT"}, "available fields: DIST_LABEL, DIST_NUM"),
        (lambda d, t: d / DISTRICTS, {"name_field": "LABEL"}, "Field 'LABEL'"),
        (
            lambda d, t: d / DISTRICTS_ZIP,
            {"source_layer": "beats"},
            "available layers: PoliceDistrictDec2012",
        ),
        (lambda d, t: d / "chicago_crimes_sample_2017-01-01_to_03.csv", {}, "not a boundary file"),
        (lambda d, t: _write(t / "garbage.geojson", "this is not json"), {}, "Cannot read garbage.geojson"),
        (
            lambda d, t: _write(t / "empty.geojson", '{"type": "FeatureCollection", "features": []}'),
            {},
            "no features",
        ),
    ],
)
def test_bad_files_raise_clear_errors(data_dir, tmp_path, make, kwargs, message):
    with pytest.raises(BoundaryFileError, match=message):
        read_boundary_file(make(data_dir, tmp_path), **{"id_field": "DIST_NUM", **kwargs})


def _min_overlap(a, b):
    """Smallest shared-area fraction between same-id regions of two frames indexed by region id."""
    left, right = a.geometry.array, b.loc[a.index].geometry.array
    return (shapely.area(shapely.intersection(left, right)) / shapely.area(left)).min()


def _write(path, text):
    path.write_text(text)
    return path
