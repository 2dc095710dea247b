"""The models on the NYPD sample (another city, lon/lat source, UTM 18N store): they train and
backtest, and what they draw lies in New York City."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.mapping.overlays import projected_geojson
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import load_experiment_model
from crimedesk.models.frame import incidents_frame
from crimedesk.models.hotspots.map_polygons import hotspot_polygons
from crimedesk.models.risk.kind import scored_origins
from crimedesk.models.risk.map_cells import risk_cells
from crimedesk.models.training import run_experiment

NYC = (-74.27, 40.49, -73.69, 40.92)  # west, south, east, north
SINCE_2016 = FilterSnapshot(date_from=date(2016, 1, 1))


@pytest.fixture(scope="module")
def nypd_store(nypd_sample, tmp_path_factory):
    from crimedesk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('nypd') / 'store.sqlite'}")
    import_file(engine, nypd_sample)
    yield engine
    engine.dispose()


def _in_nyc(geojson: dict) -> None:
    from shapely.geometry import shape

    bounds = np.array([shape(f["geometry"]).bounds for f in geojson["features"]])
    assert len(bounds) > 0
    assert (bounds[:, 0] > NYC[0]).all() and (bounds[:, 2] < NYC[2]).all()
    assert (bounds[:, 1] > NYC[1]).all() and (bounds[:, 3] < NYC[3]).all()


def test_risk_grid_trains_backtests_and_lies_in_nyc(nypd_store):
    params = {"cell_size": "2000", "backtest_origins": "2", "max_iter": "20", "train_days": "60"}
    exp = run_experiment(nypd_store, "risk_gb", params, SINCE_2016)
    assert exp.status == "ok" and exp.metrics["backtest"]
    _in_nyc(projected_geojson(risk_cells(nypd_store, exp.id)))


def test_risk_grid_backtests_from_one_origin_on_the_sparse_sample(nypd_store):
    """A week before the sample's end is a day without incidents: its origin alone had no PAI."""
    with nypd_store.connect() as conn:
        frame = incidents_frame(conn, SINCE_2016)
    days = set(frame.loc[frame["mappable"], "occurred_from"].dt.floor("D"))
    week_before = max(days) - pd.Timedelta(days=6)
    assert week_before not in days
    params = {"cell_size": "2000", "backtest_origins": "1", "max_iter": "20", "train_days": "60"}
    exp = run_experiment(nypd_store, "risk_gb", params, SINCE_2016)
    assert exp.status == "ok" and exp.metrics["paired"]["origins"] == 1
    origins = scored_origins(frame.loc[frame["mappable"], "occurred_from"], 3, 7)
    assert len(origins) == 3 and set(origins) <= days and origins[-1] < week_before
    assert (np.diff(origins) >= pd.Timedelta(days=7)).all()


def test_origins_on_data_with_incidents_every_day_are_the_plain_weekly_ladder(chicago_full):
    dates = pd.read_csv(chicago_full, usecols=["Date"])["Date"]
    times = pd.to_datetime(dates, format="%m/%d/%Y %I:%M:%S %p")
    end = times.max().floor("D") + pd.Timedelta(days=1)
    ladder = pd.date_range(end=end - pd.Timedelta(days=7), periods=4, freq="7D")
    assert (scored_origins(times, 4, 7) == ladder).all()


@pytest.mark.parametrize("kind", ["hotspots_gistar", "hotspots_dbscan"])
def test_hotspots_train_backtest_and_lie_in_nyc(nypd_store, kind):
    params = {"cell_size": "1000", "train_days": "365", "backtest_origins": "2"}
    if kind == "hotspots_dbscan":
        params |= {"eps": "300", "min_samples": "5"}
    exp = run_experiment(nypd_store, kind, params, SINCE_2016)
    assert exp.status == "ok" and exp.metrics["backtest"]
    _in_nyc(projected_geojson(hotspot_polygons(nypd_store, exp.id)))


def test_weekly_forecast_trains_and_backtests(nypd_store):
    exp = run_experiment(nypd_store, "ets", {"freq": "W", "backtest_origins": "2"}, SINCE_2016)
    assert exp.status == "ok"
    assert {row["model"] for row in exp.metrics["backtest"]} >= {"seasonal_naive", "ets"}


@pytest.mark.parametrize("kind", ["risk_hunch", "risk_ensemble"])
def test_hunch_and_ensemble_train_backtest_and_lie_in_nyc(nypd_store, kind):
    params = {"cell_size": "2000", "backtest_origins": "2"}
    if kind == "risk_hunch":  # the sample's windows give the hour profile its aoristic weights
        params |= {"train_days": "120", "max_iter": "30", "cell_factors": "1,2"}
    exp = run_experiment(nypd_store, kind, params, SINCE_2016)
    assert exp.status == "ok" and exp.metrics["backtest"]
    if kind == "risk_hunch":
        ends = load_experiment_model(exp).predictor.ends_
        assert (~np.isnat(ends)).sum() > 100  # NYPD gives complaint windows: the hours are aoristic
    output = model_spec(kind).map_output
    assert output is not None
    _in_nyc(projected_geojson(output.compute(nypd_store, exp.id)))
