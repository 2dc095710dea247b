"""`crimedesk models train/backtest` take the filter words every command takes: the experiment is
trained on exactly the rows plain SQL selects for them."""

from __future__ import annotations

import hashlib
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from crimedesk.cli.models import models_app
from crimedesk.models.experiments import get_experiment
from crimedesk.storage.engine import make_engine
from tests.models.store_sample import district_csv, store_with

runner = CliRunner()
FAST = ["-p", "freq=D", "-p", "backtest_origins=2"]


@pytest.fixture(scope="module")
def csv(chicago_full, tmp_path_factory):
    return district_csv(
        chicago_full, tmp_path_factory.mktemp("cli") / "d.csv", "011", "2016-03-01", "2016-06-01"
    )


@pytest.fixture
def db_url(csv, tmp_path):
    store_with(csv, tmp_path).dispose()
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def _sql_fingerprint(engine, where: str, **params) -> tuple[str, int]:
    """sha256 over (id, source-updated time) of the rows plain SQL selects, and their count."""
    query = f"SELECT id, COALESCE(source_updated_at, -1) FROM incidents WHERE {where} ORDER BY id"
    with engine.connect() as conn:
        rows = np.array(conn.execute(text(query), params).all(), dtype=np.int64)
    return hashlib.sha256(rows.tobytes()).hexdigest(), len(rows)


def _seconds(day: str) -> int:
    return int((datetime.fromisoformat(day) - datetime(1970, 1, 1)).total_seconds())


def test_train_uses_exactly_the_rows_the_filter_words_select(db_url):
    words = ["--layer", "district", "--regions", "011", "--categories", "property"]
    words += [
        "--from",
        "2016-04-01",
        "--to",
        "2016-05-15",
        "--hours",
        "08-20",
        "--weekdays",
        "mon,tue,wed,thu,fri",
    ]
    result = runner.invoke(models_app, ["train", "seasonal_naive", *FAST, *words, "--db", db_url])
    assert result.exit_code == 0, result.output
    engine = make_engine(db_url)
    exp = get_experiment(engine, 1)
    hour = "CAST(strftime('%H', occurred_from, 'unixepoch') AS INTEGER)"
    weekday = "CAST(strftime('%w', occurred_from, 'unixepoch') AS INTEGER)"  # Sunday = 0
    where = (
        f"district = '011' AND category = 'property' AND occurred_from >= :first AND occurred_from < :end"
        f" AND {hour} >= 8 AND {hour} < 20 AND {weekday} BETWEEN 1 AND 5"
    )
    fingerprint, count = _sql_fingerprint(
        engine, where, first=_seconds("2016-04-01"), end=_seconds("2016-05-16")
    )
    everything, total = _sql_fingerprint(engine, "1 = 1")
    assert 100 < count < total / 3
    assert exp.data_fingerprint == fingerprint != everything
    assert exp.filters["categories"] == ["property"] and exp.filters["region_ids"] == ["011"]
    engine.dispose()


def test_backtest_takes_the_words_and_explains_the_bad_ones(db_url):
    words = ["--layer", "district", "--regions", "011", "--offense-types", "THEFT"]
    result = runner.invoke(models_app, ["backtest", "seasonal_naive", *FAST, *words, "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "MASE" in result.output
    engine = make_engine(db_url)
    fingerprint, count = _sql_fingerprint(engine, "district = '011' AND offense_type = 'THEFT'")
    assert count > 100 and get_experiment(engine, 1).data_fingerprint == fingerprint
    engine.dispose()
    bad = runner.invoke(models_app, ["backtest", "seasonal_naive", "--regions", "011", "--db", db_url])
    assert bad.exit_code == 1 and "--regions needs --layer" in bad.output
    bad = runner.invoke(models_app, ["train", "seasonal_naive", "--weekdays", "someday", "--db", db_url])
    assert bad.exit_code == 1 and "'someday' is not a day of the week" in bad.output
