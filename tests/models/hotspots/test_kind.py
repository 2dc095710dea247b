"""The hotspot kinds as experiments on a real district store: trained, scored at equal area, saved."""

from __future__ import annotations

import json

import pytest
import shapely

from crimedesk.domain.errors import CrimedeskError
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.catalog import model_kinds, model_spec
from crimedesk.models.experiments import list_experiments, load_experiment_model
from crimedesk.models.frame import incidents_frame
from crimedesk.models.hotspots.areas import HotspotMap
from crimedesk.models.hotspots.dbscan import WeightedDBSCANHotspots
from crimedesk.models.hotspots.map_polygons import hotspot_polygons
from crimedesk.models.training import run_experiment
from tests.models.store_sample import district_csv, store_with

KINDS = ("hotspots_dbscan", "hotspots_gistar")
UTM_16N = 32616


@pytest.fixture(scope="module")
def engine(chicago_full, tmp_path_factory):
    """District 011, February–April 2016 (89 days, ~4,500 incidents), through the real import."""
    directory = tmp_path_factory.mktemp("hotspot_store")
    csv = district_csv(chicago_full, directory / "d011.csv", "011", "2016-02-01", "2016-05-01")
    return store_with(csv, directory)


@pytest.fixture(scope="module")
def trained(engine):
    return {kind: run_experiment(engine, kind) for kind in KINDS}


def test_kinds_are_registered_with_their_parameters():
    assert set(KINDS) <= set(model_kinds())
    assert model_spec("hotspots_dbscan").task == model_spec("hotspots_gistar").task == "hotspots"
    params = model_spec("hotspots_gistar").make_params({"alpha": "0.01", "dissolve": "false"})
    assert (params.alpha, params.dissolve, params.train_days) == (0.01, False, 56)
    assert model_spec("hotspots_dbscan").make_params({"eps": "75"}).eps == 75.0


@pytest.mark.parametrize("kind", KINDS)
def test_scored_on_held_out_weeks_against_the_naive_grid_at_equal_area(trained, kind):
    exp = trained[kind]
    assert exp.status == "ok" and exp.task == "hotspots"
    metrics = exp.metrics
    json.dumps(metrics, allow_nan=False)  # stored as plain JSON
    rows = {(r["method"], r["horizon_days"]): r for r in metrics["backtest"]}
    assert set(rows) == {(m, h) for m in (kind, "naive_count", "retrospective_kde") for h in (1, 7)}
    for days in (1, 7):
        model, naive = rows[kind, days], rows["naive_count", days]
        assert model["origins"] == naive["origins"] == 4
        assert 0 < model["pai"] < 100 and 0 < model["hit_rate"] <= 1 and 0 < naive["pai"] < 100
        assert 0 < model["coverage"] < 0.5
        # equal area: the per-origin rounding moves the naive area by less than half a cell
        assert naive["coverage"] == pytest.approx(model["coverage"], abs=0.5 / 250)
    assert metrics["verdict_horizon_days"] == 7 and "next-week PAI" in metrics["verdict"]
    best = max(rows[b, 7]["pai"] for b in ("naive_count", "retrospective_kde"))
    paired = metrics["paired"]
    assert paired["origins"] == 4 and paired["wins"] + paired["losses"] + paired["ties"] == 4
    assert metrics["beats_baselines"] == (rows[kind, 7]["pai"] > best and paired["p_value"] < 0.05)


@pytest.mark.parametrize("kind", KINDS)
def test_the_saved_map_holds_polygons_of_the_last_eight_weeks(engine, trained, kind):
    exp = trained[kind]
    model = load_experiment_model(exp)
    assert isinstance(model, HotspotMap) and model.method == kind and model.epsg == UTM_16N
    assert (f"{model.start:%Y-%m-%d}", f"{model.end:%Y-%m-%d}") == ("2016-03-06", "2016-05-01")
    table = model.table
    assert len(table) >= 1 and table["count"].is_monotonic_decreasing
    with engine.connect() as conn:
        frame = incidents_frame(conn)
    latest = frame[frame["mappable"] & (frame["occurred_from"] >= model.start)]
    polygons = shapely.from_wkt(table["wkt"].to_numpy(dtype=object))
    inside = [int(shapely.contains_xy(p, latest["x"], latest["y"]).sum()) for p in polygons]
    if kind == "hotspots_gistar":  # squares hold exactly their incidents
        assert inside == table["count"].tolist()
    else:  # a buffered hull holds every member of its cluster (and maybe some noise)
        params = model_spec(kind).make_params(exp.params)
        labels = WeightedDBSCANHotspots(eps=params.eps, min_samples=params.min_samples).fit(latest).labels_
        for cluster, polygon in enumerate(polygons):
            members = latest[labels == cluster]
            assert len(members) == table["count"][cluster] <= inside[cluster]
            assert shapely.contains_xy(polygon, members["x"], members["y"]).all()
    predicted = model_spec(kind).predict(model, frame, model_spec(kind).make_params(exp.params))
    assert "wkt" not in predicted and predicted[["x", "y"]].notna().all().all()
    assert all(
        shapely.contains_xy(p, x, y) for p, x, y in zip(polygons, predicted["x"], predicted["y"], strict=True)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_map_geojson_is_lon_lat_polygons_over_the_district(engine, trained, kind):
    exp = trained[kind]
    collection = projected_geojson(hotspot_polygons(engine, exp.id))
    features = collection["features"]
    assert len(features) == len(load_experiment_model(exp).table)
    assert collection["legend"]["title"] == "incidents per hotspot"
    colors = {f["properties"]["color"] for f in features}
    assert colors <= {color for color, _ in collection["legend"]["rows"]}
    for feature in features:
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.is_valid and shape.geom_type in ("Polygon", "MultiPolygon")
        west, south, east, north = shape.bounds
        assert -87.80 < west < east < -87.65 and 41.85 < south < north < 41.92  # district 11, West Side
        props = feature["properties"]
        assert props["color"].startswith("#") and props["value"] >= 0
        assert f"{int(props['value']):,} incidents" in props["label"] and "top: " in props["label"]
    assert features[0]["properties"]["label"].startswith(("DBSCAN cluster 1:", "Gi* hot spot 1:"))


def test_too_little_data_and_other_tasks_are_refused(engine, trained):
    with pytest.raises(ValueError, match="the backtest needs incidents from"):
        run_experiment(engine, "hotspots_gistar", {"train_days": "90"})
    assert list_experiments(engine, kind="hotspots_gistar")[0].status == "failed"
    risk = run_experiment(engine, "seasonal_naive", {"freq": "D", "backtest_origins": "2"})
    with pytest.raises(CrimedeskError, match="not a hotspot map"):
        hotspot_polygons(engine, risk.id)
