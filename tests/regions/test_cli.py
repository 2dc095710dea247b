import os
import signal
import time

from typer.testing import CliRunner

from crimedesk.cli.boundaries import boundaries_app
from crimedesk.regions import store as region_store
from crimedesk.storage.engine import make_engine
from tests.regions.helpers import insert_incidents, sample_points

runner = CliRunner()


def _db(tmp_path, chicago_sample):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = make_engine(url)
    insert_incidents(engine, sample_points(chicago_sample).head(300))
    engine.dispose()
    return url


def _import(data_dir, url):
    args = ["import", str(data_dir / "chicago_police_districts_2012.geojson"), "--layer", "districts"]
    args += [
        "--id-field",
        "DIST_NUM",
        "--name-field",
        "DIST_LABEL",
        "--incident-field",
        "district",
        "--db",
        url,
    ]
    return runner.invoke(boundaries_app, args)


def test_import_list_delete(tmp_path, data_dir, chicago_sample):
    url = _db(tmp_path, chicago_sample)
    result = _import(data_dir, url)
    assert result.exit_code == 0, result.output
    assert "23 regions, 0 repaired" in result.output
    assert "joined 300 incidents" in result.output
    assert "agreement with the incidents' own codes: 9" in result.output
    listed = runner.invoke(boundaries_app, ["list", "--db", url])
    assert listed.exit_code == 0 and "districts" in listed.output and "DIST_NUM" in listed.output
    assert runner.invoke(boundaries_app, ["delete", "districts", "--db", url]).exit_code == 0
    missing = runner.invoke(boundaries_app, ["delete", "districts", "--db", url])
    assert missing.exit_code == 1 and "no boundary layer named 'districts'" in missing.output


def test_bad_field_is_a_clear_error(tmp_path, data_dir, chicago_sample):
    url = _db(tmp_path, chicago_sample)
    args = ["import", str(data_dir / "chicago_police_districts_2012.geojson"), "--layer", "d"]
    result = runner.invoke(boundaries_app, [*args, "--id-field", "DIST", "--db", url])
    assert result.exit_code == 1
    assert "available fields: DIST_LABEL, DIST_NUM" in result.output


def test_ctrl_c_cancels_and_changes_nothing(tmp_path, data_dir, chicago_sample, monkeypatch):
    url = _db(tmp_path, chicago_sample)
    write = region_store.write_region_positions

    def interrupted(*args):
        os.kill(os.getpid(), signal.SIGINT)  # lands in the main thread, which waits on the worker
        time.sleep(0.5)
        return write(*args)

    monkeypatch.setattr(region_store, "write_region_positions", interrupted)
    result = _import(data_dir, url)
    assert result.exit_code == 130, result.output
    assert "cancelled" in result.output
    listed = runner.invoke(boundaries_app, ["list", "--db", url])
    assert "no boundary layers" in listed.output


def test_import_with_a_population_field(tmp_path, data_dir, chicago_sample):
    import geopandas as gpd

    frame = gpd.read_file(data_dir / "chicago_police_districts_2012.geojson")
    frame["POP"] = 40_000
    path = tmp_path / "districts.geojson"
    frame.to_file(path, driver="GeoJSON")
    url = _db(tmp_path, chicago_sample)
    args = ["import", str(path), "--layer", "d", "--id-field", "DIST_NUM", "--population-field", "POP"]
    result = runner.invoke(boundaries_app, [*args, "--db", url])
    assert result.exit_code == 0, result.output
    assert "population for 23 of 23 regions" in result.output
    missing = runner.invoke(boundaries_app, [*args[:-1], "POPULATION", "--db", url])
    assert missing.exit_code != 0 and "POPULATION" in missing.output
