"""A hotspot model's card and its shapes exported: the card quotes the stored verdict and settings,
the file holds the shapes the map draws."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyogrio
import pytest
from pyproj import CRS
from sqlalchemy import Engine

from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_spec
from crimedesk.models.training import run_experiment
from crimedesk.reports.context import ReportOptions
from crimedesk.reports.exports.model_shapes import model_shapes
from crimedesk.reports.exports.service import export_model
from crimedesk.reports.service import make_report
from tests.models.store_sample import district_csv, store_with
from tests.reports.test_exports import ANALYST


@pytest.fixture(scope="module")
def hotspots(chicago_full: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, int]:
    """DBSCAN hotspots of district 011, February–April 2016 (as the model kinds' contract test)."""
    directory = tmp_path_factory.mktemp("hotspots")
    engine = store_with(
        district_csv(chicago_full, directory / "d011.csv", "011", "2016-02-01", "2016-05-01"), directory
    )
    exp = run_experiment(engine, "hotspots_dbscan", {}, seed=1)
    assert exp.status == "ok"
    return engine, exp.id


def test_model_card_quotes_verdict_settings_and_baselines(hotspots, tmp_path: Path) -> None:
    engine, experiment_id = hotspots
    from crimedesk.models.experiments import get_experiment

    exp = get_experiment(engine, experiment_id)
    spec = model_spec(exp.model_kind)
    out = tmp_path / "card.pdf"
    filters = FilterSnapshot.from_dict(exp.filters)
    make_report(engine, ANALYST, "model", filters, out, ReportOptions(experiment_id=experiment_id))
    text = " ".join(
        subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split()
    )
    assert " ".join(spec.headline(exp.metrics).sentence.split()) in text
    assert exp.code_version in text and exp.data_fingerprint[:32] in text
    for contender in spec.comparison_table(exp.metrics)["contender"]:
        assert str(contender) in text
    with pytest.raises(CrimedeskError, match="needs an experiment"):
        make_report(engine, ANALYST, "model", filters, out, ReportOptions())


def test_model_shapes_export_as_the_map_has_them(hotspots, tmp_path: Path) -> None:
    engine, experiment_id = hotspots
    out = tmp_path / "hotspots.gpkg"
    result = export_model(engine, ANALYST, experiment_id, "gpkg", out, crs="projected")
    shapes = model_shapes(engine, experiment_id)
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == result.rows == len(shapes) > 0
    assert CRS.from_user_input(pyogrio.read_info(out)["crs"]) == shapes.crs
    assert frame["value"].tolist() == shapes["value"].tolist()
    assert frame.geometry.area.sum() == pytest.approx(shapes.geometry.area.sum(), rel=1e-9)


def test_report_and_export_model_commands(hotspots, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crimedesk.cli import app

    engine, experiment_id = hotspots
    db = ["--db", engine.url.render_as_string(hide_password=False)]
    card = tmp_path / "card.pdf"
    result = CliRunner().invoke(app, ["report", "model", str(experiment_id), *db, "--out", str(card)])
    assert result.exit_code == 0, result.output
    assert card.read_bytes().startswith(b"%PDF")
    out = tmp_path / "shapes.geojson"
    args = ["export", "model", str(experiment_id), *db, "--format", "geojson", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(pyogrio.read_dataframe(out)) == len(model_shapes(engine, experiment_id))
