"""`crimedesk models` commands, run through Typer's test runner on a real district store."""

import pytest
from typer.testing import CliRunner

from crimedesk.cli.models import models_app
from tests.models.store_sample import district_csv, store_with

runner = CliRunner()


@pytest.fixture(scope="module")
def csv(chicago_full, tmp_path_factory):
    return district_csv(
        chicago_full, tmp_path_factory.mktemp("cli") / "d.csv", "011", "2016-03-01", "2016-06-01"
    )


@pytest.fixture
def db_url(csv, tmp_path):
    store_with(csv, tmp_path).dispose()
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def test_train_list_and_predict(db_url):
    trained = runner.invoke(
        models_app, ["train", "crime_type_rf", "--param", "n_estimators=20", "--seed", "2", "--db", db_url]
    )
    assert trained.exit_code == 0, trained.output
    assert "experiment 1: ok" in trained.output and "macro-F1 0." in trained.output
    listed = runner.invoke(models_app, ["experiments", "--db", db_url], env={"COLUMNS": "80"})
    assert "crime_type_rf" in listed.output and "classification" in listed.output
    assert "macro-F1 0." in listed.output and "seed 2" in listed.output
    assert max(len(line) for line in listed.output.splitlines()) <= 80
    predicted = runner.invoke(models_app, ["predict", "1", "--rows", "3", "--db", db_url])
    assert predicted.exit_code == 0, predicted.output
    assert "predicted" in predicted.output


def test_backtest_prints_the_baselines(db_url):
    result = runner.invoke(
        models_app, ["backtest", "seasonal_naive", "-p", "freq=D", "-p", "backtest_origins=2", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "MASE" in result.output and "exponential smoothing (ETS)" in result.output
    assert "Counts forecast (seasonal naive)" in result.output  # the model row: its display name


def test_unknown_kind_and_bad_param_fail_clearly(db_url):
    assert runner.invoke(models_app, ["train", "nope", "--db", db_url]).exit_code == 1
    bad = runner.invoke(models_app, ["train", "ets", "--param", "freq", "--db", db_url])
    assert bad.exit_code == 1 and "k=v" in bad.output
    closed = runner.invoke(models_app, ["train", "ets", "--param", "freq=M", "--db", db_url])
    assert closed.exit_code == 1 and "freq must be one of D, W; got 'M'" in closed.output


def test_an_experiment_of_a_retired_kind_is_listed_and_predict_says_why_it_cannot(db_url):
    from sqlalchemy import update

    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.schema import experiments

    trained = runner.invoke(models_app, ["train", "crime_type_rf", "-p", "n_estimators=5", "--db", db_url])
    assert trained.exit_code == 0, trained.output
    with make_engine(db_url).begin() as conn:
        conn.execute(update(experiments).values(model_kind="retired_kind"))
    listed = runner.invoke(models_app, ["experiments", "--db", db_url], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "retired_kind" in listed.output
    predicted = runner.invoke(models_app, ["predict", "1", "--db", db_url])
    assert predicted.exit_code == 1
    assert "experiment 1 is of kind 'retired_kind', not registered in this version" in predicted.output


def test_hotspot_kind_trains_and_predicts_its_polygons(db_url):
    trained = runner.invoke(models_app, ["train", "hotspots_gistar", "-p", "alpha=0.01", "--db", db_url])
    assert trained.exit_code == 0, trained.output
    assert (
        "experiment 1: ok" in trained.output
        and "PAI 2.33 (7-day). A baseline wins: the naive count grid reaches a PAI of 3.43 over the next week"
        in trained.output
    )
    predicted = runner.invoke(models_app, ["predict", "1", "--rows", "2", "--db", db_url])
    assert predicted.exit_code == 0, predicted.output
    assert "top_offenses" in predicted.output and "area_m2" in predicted.output
