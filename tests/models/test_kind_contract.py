"""The contract every registered model kind keeps (scikit-learn's ``parametrize_with_checks`` habit).

Each kind trains with its declared ``smoke_params`` on real incidents (district 011, February–April
2016, through the real import), is saved, loaded and applied, and its declarations are exercised:
the comparison table, the headline, the map output (valid lon/lat GeoJSON with a legend) and the
forecast series. A kind registered later is checked here without a new test.
"""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from crimedesk.cli.models import models_app
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_kinds, model_spec
from crimedesk.models.experiments import load_experiment_model
from crimedesk.models.frame import incidents_frame
from crimedesk.models.registry import param_infos
from crimedesk.models.training import run_experiment
from tests.models.store_sample import district_csv, store_with

KINDS = sorted(model_kinds())
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


@pytest.fixture(scope="module")
def engine(chicago_full, tmp_path_factory):
    directory = tmp_path_factory.mktemp("contract")
    csv = district_csv(chicago_full, directory / "d011.csv", "011", "2016-02-01", "2016-05-01")
    return store_with(csv, directory)


@pytest.mark.parametrize("kind", KINDS)
def test_kind_declares_its_parameters_in_plain_words(kind):
    spec = model_spec(kind)
    assert spec.display_name and spec.display_name != kind and spec.description
    for info in param_infos(spec.params):
        assert info.label and info.help.endswith("."), info.name
        if isinstance(info.default, str):
            assert info.default in info.choices, info.name
            wrong = "not-a-choice"
            with pytest.raises(ValueError, match=f"{info.name} must be one of"):
                spec.make_params({info.name: wrong})


@pytest.mark.parametrize("kind", KINDS)
def test_kind_trains_saves_loads_predicts_and_explains_itself(engine, kind):
    spec = model_spec(kind)
    exp = run_experiment(engine, kind, dict(spec.smoke_params), seed=1)
    assert (exp.status, exp.task, exp.model_kind) == ("ok", spec.task, kind)

    model = load_experiment_model(exp)
    with engine.connect() as conn:
        frame = incidents_frame(conn, FilterSnapshot.from_dict(exp.filters))
    predicted = spec.predict(model, frame, spec.make_params(exp.params))
    assert isinstance(predicted, pd.DataFrame) and len(predicted) > 0

    check_comparison_table(spec.comparison_table(exp.metrics), spec.display_name)
    headline = spec.headline(exp.metrics)
    assert headline.score and headline.sentence.endswith(".")
    assert headline.sentence.startswith("A baseline wins") == headline.baseline_wins

    if spec.map_output is not None:
        check_geojson(spec.map_output.geojson(engine, exp.id))
    if spec.forecast_series is not None:
        series = spec.forecast_series(exp.metrics)
        assert series and {"model", "date", "actual", "forecast", "lower", "upper"} <= set(series[0])
        assert kind in {row["model"] for row in series}


def check_comparison_table(table: pd.DataFrame, display_name: str) -> None:
    assert list(table.columns[:2]) == ["contender", "role"]
    assert set(table["role"]) == {"model", "baseline"}
    assert set(table.loc[table["role"] == "model", "contender"]) == {display_name}
    for column in table.columns:
        assert "_" not in column, f"column {column!r} is not a plain name"
    for value in table.drop(columns=["contender", "role"]).to_numpy().ravel():
        assert value is None or isinstance(value, str | int | float), value


def check_geojson(collection: dict) -> None:
    """A FeatureCollection of known geometry types in lon/lat, each feature labelled and coloured,
    with its legend (title and rows of [colour, text]); JSON-serialisable as the page receives it."""
    json.dumps(collection)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] in GEOMETRY_TYPES
        for lon, lat in positions(feature["geometry"]["coordinates"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        properties = feature["properties"]
        assert isinstance(properties["label"], str) and re.fullmatch(r"#[0-9a-fA-F]{6}", properties["color"])
        assert math.isfinite(properties["value"])
    legend = collection["legend"]
    assert isinstance(legend["title"], str) and legend["title"] and legend["rows"]
    for colour, text in legend["rows"]:
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour) and isinstance(text, str)


def positions(coordinates) -> list[tuple[float, float]]:
    """Every (lon, lat) pair of a GeoJSON coordinates array, whatever its nesting."""
    if isinstance(coordinates[0], int | float):
        return [(coordinates[0], coordinates[1])]
    return [pair for part in coordinates for pair in positions(part)]


def test_cli_train_help_lists_exactly_the_registered_kinds_by_display_name():
    result = CliRunner().invoke(models_app, ["train", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listed = result.output.split("Model kinds:", 1)[1]
    pairs = re.findall(r"^\s*(\w+): (.+?)\s*$", listed, flags=re.MULTILINE)
    assert pairs == [(kind, spec.display_name) for kind, spec in model_kinds().items()]
