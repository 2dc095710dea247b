"""`crimedesk export incidents`: the filter words select the rows the file holds."""

from __future__ import annotations

from pathlib import Path

import pyogrio
from sqlalchemy import Engine
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.cli.exports import FORMAT_NAMES
from crimedesk.reports.exports.catalog import format_names


def test_help_names_every_registered_format() -> None:
    assert ", ".join(format_names()) == FORMAT_NAMES


def test_export_command_writes_the_filtered_incidents(chicago_store: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out" / "district_011.gpkg"
    out.parent.mkdir()
    args = ["export", "incidents", "--db", chicago_store.url.render_as_string(hide_password=False)]
    args += ["--format", "gpkg", "--out", str(out), "--layer", "district", "--regions", "011"]
    args += ["--crs", "projected", "--mappable-only"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pyogrio.read_dataframe(out)
    assert set(frame["district"]) == {"011"} and frame.geometry.notna().all()
    assert f"{len(frame):,} incidents written to {out} in EPSG:26916" in " ".join(result.output.split())


def test_export_command_explains_bad_words(chicago_store: Engine, tmp_path: Path) -> None:
    db = ["--db", chicago_store.url.render_as_string(hide_password=False)]
    runner = CliRunner()
    command = ["export", "incidents", *db]
    result = runner.invoke(app, [*command, "--format", "xls", "--out", str(tmp_path / "a")])
    assert result.exit_code == 1 and "unknown export format 'xls'" in result.output
    result = runner.invoke(app, [*command, "--format", "csv", "--out", "a", "--regions", "1"])
    assert result.exit_code == 1 and "--regions needs --layer" in result.output


def test_report_command_writes_the_pdf(chicago_store: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    args = ["report", "compstat", "--db", chicago_store.url.render_as_string(hide_password=False)]
    args += ["--out", str(out), "--from", "2017-01-01", "--to", "2017-01-03", "--sections", "cover,kpis"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and f"1 page written to {out}" in " ".join(
        result.output.split()
    )
    result = CliRunner().invoke(app, [*args[:4], "--out", str(out), "--sections", "cover"])
    assert result.exit_code == 1 and "needs a closed period" in result.output
