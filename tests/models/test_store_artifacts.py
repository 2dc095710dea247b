"""Issue 21: models belong to their store. Experiment 1 of one store and experiment 1 of another
are two files; ``predict`` in each uses its own; a run killed mid-way becomes ``abandoned``."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crimedesk.cli.models import models_app
from crimedesk.models.experiments import get_experiment
from crimedesk.storage.engine import make_engine
from crimedesk.storage.identity import store_id
from crimedesk.storage.schema import experiments
from tests.models.store_sample import district_csv, store_with

runner = CliRunner()
TRAIN = ["train", "seasonal_naive", "-p", "freq=D", "-p", "backtest_origins=2"]


@pytest.fixture(scope="module")
def two_districts(chicago_full, tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_stores")
    return [
        district_csv(chicago_full, folder / f"d{d}.csv", d, "2016-03-01", "2016-06-01")
        for d in ("011", "001")
    ]


def test_two_stores_each_predict_with_their_own_experiment_1(two_districts, tmp_path):
    urls = []
    for number, csv in enumerate(two_districts):
        folder = tmp_path / f"store{number}"
        folder.mkdir()
        store_with(csv, folder).dispose()
        urls.append(f"sqlite:///{folder / 'store.sqlite'}")
    first = runner.invoke(models_app, [*TRAIN, "--db", urls[0]])
    assert first.exit_code == 0 and "experiment 1: ok" in first.output
    assert "held-out figures" in first.output and "MASE" in first.output  # train prints its figures
    before = runner.invoke(models_app, ["predict", "1", "--db", urls[0]]).output
    second = runner.invoke(models_app, [*TRAIN, "--db", urls[1]])
    assert second.exit_code == 0 and "experiment 1: ok" in second.output
    after = runner.invoke(models_app, ["predict", "1", "--db", urls[0]]).output
    other = runner.invoke(models_app, ["predict", "1", "--db", urls[1]]).output
    assert after == before != other  # store 0's model is untouched by store 1's experiment 1
    paths = []
    for url in urls:
        engine = make_engine(url)
        path = Path(get_experiment(engine, 1).artifact_path or "")
        assert path.exists() and path.parent.name == store_id(engine)
        paths.append(path)
        engine.dispose()
    assert paths[0] != paths[1]
    paths[0].unlink()
    missing = runner.invoke(models_app, ["predict", "1", "--db", urls[0]])
    assert missing.exit_code == 1 and "model file" in missing.output and "is missing" in missing.output


def test_a_run_whose_process_died_is_abandoned_on_next_open(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = make_engine(url)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid names no process now
    record = {
        "name": "killed",
        "model_kind": "seasonal_naive",
        "task": "forecast",
        "params_json": "{}",
        "data_fingerprint": "x",
        "filters_json": "{}",
        "seed": 0,
        "code_version": "test",
        "status": "running",
        "promoted": False,
        "host": socket.gethostname(),
    }
    with engine.begin() as conn:
        conn.execute(experiments.insert().values(record | {"pid": dead.pid, "created_at": datetime.now()}))
        conn.execute(experiments.insert().values(record | {"pid": 1, "created_at": datetime.now()}))
    engine.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        statuses = conn.execute(select(experiments.c.status).order_by(experiments.c.id)).scalars().all()
    assert statuses == ["abandoned", "running"]  # pid 1 (init) lives: its run is left alone
    assert "ended without finishing" in (get_experiment(engine, 1).error or "")
