"""A risk experiment's flagged cells reach the map as lon/lat squares around the real incidents."""

import pytest
from shapely.geometry import shape

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.risk.map_cells import risk_cells
from crimedesk.models.training import run_experiment
from tests.models.store_sample import district_csv, store_with


@pytest.fixture
def engine(chicago_full, tmp_path):
    csv = district_csv(chicago_full, tmp_path / "d011.csv", "011", "2016-02-01", "2016-05-01")
    return store_with(csv, tmp_path)


def test_risk_cells_are_squares_in_lon_lat_over_the_district(engine):
    exp = run_experiment(engine, "risk_gb", {"cell_size": "500", "backtest_origins": "2", "max_iter": "30"})
    collection = projected_geojson(risk_cells(engine, exp.id))
    features = collection["features"]
    assert features, "a risk model flags some cells"
    assert collection["legend"]["title"].startswith("risk score, 20") and collection["legend"]["rows"]
    for feature in features:
        square = shape(feature["geometry"])
        west, south, east, north = square.bounds
        assert -87.80 < west < east < -87.65 and 41.85 < south < north < 41.92  # district 11, West Side
        assert square.area == pytest.approx(abs((east - west) * (north - south)), rel=0.02)
        assert feature["properties"]["label"].startswith("risk ")
    values = [f["properties"]["value"] for f in features]
    assert values == sorted(values, reverse=True)


def test_only_risk_experiments_have_cells(engine):
    exp = run_experiment(engine, "seasonal_naive", {"freq": "D", "backtest_origins": "2"})
    with pytest.raises(CrimedeskError, match="not a risk model"):
        risk_cells(engine, exp.id)
