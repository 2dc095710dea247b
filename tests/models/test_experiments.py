import json
from pathlib import Path

import pytest
from sqlalchemy import select

from crimedesk.domain.errors import ImportCancelled
from crimedesk.models.catalog import model_kinds, model_spec
from crimedesk.models.experiments import (
    compare,
    delete_experiment,
    list_experiments,
    load_experiment_model,
    promote,
)
from crimedesk.models.training import run_experiment
from crimedesk.storage.schema import experiments
from tests.models.store_sample import district_csv, store_with

FAST_RF = {"n_estimators": "30"}
FAST_GB = {"freq": "D", "horizon": "7", "backtest_origins": "2"}


@pytest.fixture(scope="session")
def district_11_csv(chicago_full, tmp_path_factory):
    """District 011, February–May 2016 (~6,000 incidents), as a raw export file."""
    target = tmp_path_factory.mktemp("district_csv") / "district_011.csv"
    return district_csv(chicago_full, target, "011", "2016-02-01", "2016-06-01")


@pytest.fixture
def engine(district_11_csv, tmp_path):
    return store_with(district_11_csv, tmp_path)


def test_registry_lists_every_kind_with_a_parameter_dataclass():
    kinds = model_kinds()
    assert {
        "crime_type_rf",
        "risk_gb",
        "seasonal_naive",
        "ets",
        "sarima",
        "gb_forecast",
        "lstm_forecast",
        "hotspots_dbscan",
        "hotspots_gistar",
    } <= set(kinds)
    assert model_spec("crime_type_rf").make_params({"n_estimators": "7"}).n_estimators == 7
    with pytest.raises(ValueError, match="no parameters"):
        model_spec("crime_type_rf").make_params({"trees": "7"})


def test_same_seed_and_data_reproduce_the_metrics(engine):
    first = run_experiment(engine, "crime_type_rf", FAST_RF, seed=4)
    second = run_experiment(engine, "crime_type_rf", FAST_RF, seed=4)
    assert first.status == second.status == "ok"
    assert first.data_fingerprint == second.data_fingerprint
    assert first.metrics == second.metrics and "verdict" in first.metrics
    assert first.params["n_estimators"] == 30 and first.code_version.startswith("0.1.0")
    gb_1 = run_experiment(engine, "gb_forecast", FAST_GB, seed=1)
    gb_2 = run_experiment(engine, "gb_forecast", FAST_GB, seed=1)
    assert gb_1.metrics == gb_2.metrics
    assert {row["model"] for row in gb_1.metrics["backtest"]} == {"seasonal_naive", "ets", "gb_forecast"}
    assert len(load_experiment_model(gb_1).predict(7)) == 7


def test_promote_keeps_one_per_task_and_delete_removes_the_artifact(engine):
    a = run_experiment(engine, "seasonal_naive", {"freq": "D", "backtest_origins": "2"})
    b = run_experiment(engine, "seasonal_naive", {"freq": "D", "backtest_origins": "2"})
    promote(engine, a.id)
    promote(engine, b.id)
    assert [e.promoted for e in list_experiments(engine, task="forecast")] == [True, False]
    assert list(compare(engine, [a.id, b.id])["id"]) == [a.id, b.id]
    artifact = Path(b.artifact_path)
    assert artifact.exists() and artifact.suffix == ".joblib"
    delete_experiment(engine, b.id)
    assert not artifact.exists()
    assert [e.id for e in list_experiments(engine)] == [a.id]


def test_cancelled_run_is_recorded_and_raised(engine):
    with pytest.raises(ImportCancelled):
        run_experiment(engine, "risk_gb", {"cell_size": "1000", "backtest_origins": "2"}, cancel=lambda: True)
    with engine.connect() as conn:
        row = conn.execute(select(experiments)).mappings().one()
    assert row["status"] == "cancelled" and row["artifact_path"] is None
    assert row["name"].startswith("Risk score (gradient boosting) 20"), row["name"]  # words, not risk_gb
    assert json.loads(row["filters_json"])["categories"] == []


def test_forecast_runs_keep_their_one_step_series_for_the_chart(engine):
    exp = run_experiment(engine, "seasonal_naive", {"freq": "D", "horizon": "7", "backtest_origins": "3"})
    series = exp.metrics["series"]
    assert {row["model"] for row in series} == {"seasonal_naive", "ets"}
    for model in ("seasonal_naive", "ets"):
        rows = [row for row in series if row["model"] == model]
        assert len(rows) == 3 and [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    actual = {(row["date"], row["actual"]) for row in series}
    assert len(actual) == 3  # both models are scored against the same three actual counts
    json.dumps(exp.metrics, allow_nan=False)  # stored as plain JSON: no NaN
