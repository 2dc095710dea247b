import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from crimedesk.mapping.classes import OVERLAY_PALETTE, PALETTES, REGION_PALETTE
from crimedesk.mapping.layers import (
    cell_size_deg,
    drawn_filter,
    filter_shape,
    overlay_geojson,
    region_counts_payload,
    regions_geojson,
)


def test_region_counts_include_empty_regions():
    payload, _legend = region_counts_payload(["1", "2", "3"], {"1": 5, "3": 9})
    assert payload["2"]["count"] == 0
    assert payload["3"]["color"] == PALETTES[REGION_PALETTE][-1]
    payload, legend = region_counts_payload(["1", "2", "3"], {"1": 5, "3": 9}, "Cividis", "equal")
    assert payload["3"]["color"] == PALETTES["Cividis"][-1] and legend[0] == [PALETTES["Cividis"][0], "0"]


def test_rectangle_sets_bbox_polygon_sets_wkt():
    ring = "[[-87.7,41.8],[-87.7,41.9],[-87.6,41.9],[-87.6,41.8],[-87.7,41.8]]"
    rect = f'{{"type":"Polygon","coordinates":[{ring}]}}'
    assert drawn_filter("rectangle", rect) == {"bbox": (-87.7, 41.8, -87.6, 41.9), "polygon_wkt": None}
    change = drawn_filter("polygon", rect)
    assert change["bbox"] is None and change["polygon_wkt"].startswith("POLYGON ((-87.7 41.8")
    with pytest.raises(ValueError, match="must be a polygon"):
        drawn_filter("polyline", '{"type":"LineString","coordinates":[[0,0],[1,1]]}')


def test_filter_shape_outlines_the_spatial_filter():
    assert filter_shape(None, None) is None
    assert filter_shape((0, 0, 1, 2), None)["type"] == "Polygon"
    assert filter_shape(None, "POLYGON ((0 0, 1 0, 1 1, 0 0))")["coordinates"][0][1] == (1.0, 0.0)


def test_regions_geojson_keeps_markup_as_plain_data():
    [feature] = regions_geojson([("7", "<b>Seventh</b>", box(0, 0, 1, 1).wkb_hex)])["features"]
    assert feature["properties"] == {"region_id": "7", "name": "<b>Seventh</b>"}


def test_overlay_geojson_for_model_output_reprojects_and_labels():
    cells = gpd.GeoDataFrame(
        {"risk": [0.1, 0.9], "name": ["low", "high"]},
        geometry=[box(440000, 4630000, 440500, 4630500), box(440500, 4630000, 441000, 4630500)],
        crs=32616,
    )
    collection = overlay_geojson(cells, "risk", "name")
    features = collection["features"]
    assert [f["properties"]["label"] for f in features] == ["low", "high"]
    assert collection["legend"]["title"] == "risk"
    overlay = PALETTES[OVERLAY_PALETTE]
    assert collection["legend"]["rows"] == [[overlay[0], "0.1"], [overlay[-1], "0.9"]]
    assert features[1]["properties"]["color"] == overlay[-1]
    lon, lat = features[0]["geometry"]["coordinates"][0][0]
    assert -88 < lon < -87 and 41 < lat < 42
    unlabelled = overlay_geojson(cells.set_geometry([Polygon([(0, 0), (1, 0), (1, 1)])] * 2), "risk")
    assert unlabelled["features"][0]["properties"]["label"] == "risk: 0.1"


def test_cells_are_about_square_on_the_ground():
    lon_deg, lat_deg = cell_size_deg(1000, 41.84)
    assert lat_deg == pytest.approx(0.00898, rel=1e-3)
    assert lon_deg == pytest.approx(lat_deg / 0.7451, rel=1e-3)
