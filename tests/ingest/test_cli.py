"""`crimedesk import / imports / rejected / stats / mapping` on real files."""

import csv
import json
import os
import signal
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

import crimedesk.ingest.pipeline as pipeline
from crimedesk.cli import app
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import count

runner = CliRunner()
BAD = Path(__file__).resolve().parents[1] / "bad_files"


def test_import_prints_the_reconciliation_and_history(tmp_path, chicago_sample):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = runner.invoke(app, ["import", str(chicago_sample), "--db", url])
    assert result.exit_code == 0, result.output
    assert "2,426 rows read = 2,426 inserted + 0 updated + 0 unchanged + 0 rejected" in result.output
    history = runner.invoke(app, ["imports", "--db", url], env={"COLUMNS": "250"})
    assert chicago_sample.name[:20] in history.output and "chicago" in history.output
    narrow = runner.invoke(app, ["imports", "--db", url], env={"COLUMNS": "80"}).output
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert chicago_sample.name in narrow and "2,426 read = 2,426 new + 0 updated" in narrow
    assert "83 unmappable" in narrow
    stats = runner.invoke(app, ["stats", "--db", url])
    assert "incidents: 2,426" in stats.output and "2017-01-01 .. 2017-01-03" in stats.output


def test_rejected_rows_list_and_export(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = runner.invoke(app, ["import", str(BAD / "mixed_date_formats.csv"), "--db", url])
    assert "7 rejected" in result.output and "crimedesk rejected 1" in result.output
    listed = runner.invoke(app, ["rejected", "1", "--db", url])
    assert "is not a real date" in listed.output and "7 rejected in all" in listed.output
    out = tmp_path / "rejected.csv"
    exported = runner.invoke(app, ["rejected", "1", "--export", str(out), "--db", url])
    assert exported.exit_code == 0 and "7 rejected rows written" in exported.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines(keepends=True)))
    assert [r["line_number"] for r in rows] == ["12", "13", "14", "15", "16", "17", "18"]
    assert rows[2]["reasons"] == "occurred '02/30/2017 10:00:00 AM' is not a real date"
    assert rows[2]["raw_text"].split(",")[2] == "02/30/2017 10:00:00 AM"


def test_bad_file_is_a_clear_error_with_exit_code_1(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = runner.invoke(app, ["import", str(BAD / "binary_garbage.csv"), "--db", url])
    assert result.exit_code == 1
    assert "not a text CSV file" in result.output
    missing = runner.invoke(app, ["rejected", "99", "--db", url])
    assert missing.exit_code == 1 and "no import with id 99" in missing.output


def test_generic_csv_through_a_saved_mapping(tmp_path, chicago_sample):
    source = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))[:50]
    path = tmp_path / "rms_export.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=",")
        writer.writerow(["Report No", "When", "Offence", "Where", "Lat", "Lon"])
        for row in source:
            month, day, rest = row["Date"].split("/", 2)
            year, clock = rest[:4], rest[5:]
            writer.writerow(
                [
                    row["ID"],
                    f"{day}.{month}.{year} {clock}",
                    row["Primary Type"],
                    row["Block"],
                    row["Latitude"],
                    row["Longitude"],
                ]
            )
    spec = {
        "name": "rms",
        "source": "rms",
        "key": ["Report No"],
        "occurred": "When",
        "date_format": "%d.%m.%Y %I:%M:%S %p",
        "offense_type": "Offence",
        "columns": {"block": "Where"},
        "latitude": "Lat",
        "longitude": "Lon",
        "bbox": [-87.95, 41.62, -87.5, 42.05],
    }
    (tmp_path / "rms.json").write_text(json.dumps(spec))
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    saved = runner.invoke(app, ["mapping", "save", str(tmp_path / "rms.json"), "--db", url])
    assert saved.exit_code == 0, saved.output
    result = runner.invoke(app, ["import", str(path), "--db", url])
    assert result.exit_code == 0, result.output
    assert "(mapping:rms): 50 rows read = 50 inserted" in result.output
    expected = {
        "ROBBERY": "violent",
        "HOMICIDE": "violent",
        "CRIM SEXUAL ASSAULT": "violent",
        "THEFT": "property",
        "BURGLARY": "property",
        "MOTOR VEHICLE THEFT": "property",
        "NARCOTICS": "drug",
    }  # names only: simple BATTERY / ASSAULT stay "other"
    with make_engine(url).connect() as conn:
        stored = dict(conn.execute(select(incidents.c.source_key, incidents.c.category)).all())
    assert stored == {r["ID"]: expected.get(r["Primary Type"], "other") for r in source}


def test_ctrl_c_cancels_the_import_and_changes_nothing(tmp_path, chicago_sample, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    write = pipeline._Store.write

    def interrupted(self, prepared):
        os.kill(os.getpid(), signal.SIGINT)  # the handler asks the import to cancel
        return write(self, prepared)

    monkeypatch.setattr(pipeline._Store, "write", interrupted)
    result = runner.invoke(app, ["import", str(chicago_sample), "--db", url])
    assert result.exit_code == 130, result.output
    assert "cancelled, nothing changed" in result.output
    engine = make_engine(url)
    assert count(engine, incidents) == 0
    with engine.connect() as conn:
        assert conn.execute(imports.select()).one().status == "cancelled"


def test_a_boundary_file_is_sent_to_boundaries_import_with_its_attributes(tmp_path, data_dir):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    for name, fields in (
        ("chicago_police_districts_2012.geojson", "DIST_LABEL, DIST_NUM"),
        ("chicago_police_beats_2012_shapefile.zip", "DISTRICT, SECTOR, BEAT, BEAT_NUM"),
    ):
        result = runner.invoke(app, ["import", str(data_dir / name), "--db", url], env={"COLUMNS": "200"})
        assert result.exit_code == 1
        text = " ".join(result.output.split())
        assert f"{name} is a boundary file, not incidents: load it with `crimedesk boundaries import" in text
        assert text.endswith(f"its attributes: {fields}") and len(result.output) < 400


def test_the_rejected_list_says_what_else_it_lists(tmp_path, chicago_sample):
    """Repeats and far-off points are listed with the rejected rows: the total says which is which
    (it once called them all rejected, for an import that rejected none)."""
    from tests.keyless_csv import FAR_OFF, MAPPING, expected_repeats, write_keyless_csv

    url, spec = f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "mapping.json"
    written = write_keyless_csv(chicago_sample, tmp_path / "keyless.csv")
    spec.write_text(MAPPING.to_json())
    assert runner.invoke(app, ["mapping", "save", str(spec), "--db", url]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "keyless.csv"), "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["rejected", "1", "--db", url], env={"COLUMNS": "200"}).output
    duplicates, conflicts = (len(lines) for lines in expected_repeats(written))
    total = duplicates + conflicts + len(FAR_OFF)
    assert (
        f"{total:,} listed in all: 0 rejected, {conflicts} in conflict, {duplicates} repeated,"
        f" {len(FAR_OFF)} far off"
    ) in listed
