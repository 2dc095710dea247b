"""A second import into a store says at once whose import runs, and can wait for it."""

import re
import socket
import time

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.domain.errors import ImportBusy, ImportCancelled
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import imports
from tests.ingest.killing import start_importer, url_of, wait_for_progress

runner = CliRunner()


def _statuses(engine):
    with engine.connect() as conn:
        return conn.execute(select(imports.c.file_name, imports.c.status).order_by(imports.c.id)).all()


@pytest.fixture
def running_import(store, chicago_full):
    """An import of the full Chicago file in another process, under way."""
    importer = start_importer(store, chicago_full)
    wait_for_progress(importer, 0.05)
    yield importer
    if importer.poll() is None:
        importer.kill()
    importer.wait()


def test_a_second_import_is_told_at_once_whose_import_runs(store, chicago_sample, running_import):
    began = time.monotonic()
    with pytest.raises(ImportBusy) as raised:
        import_file(store, chicago_sample, again=True)
    assert time.monotonic() - began < 2
    host, pid = re.escape(socket.gethostname()), running_import.pid
    expected = (
        r"another import is running \(import \d+ of chicago_crimes_2016_2017\.csv\.gz, started by \w+"
        rf" on {host} at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d, pid {pid}\)"
    )
    assert re.fullmatch(expected, str(raised.value))
    assert _statuses(store) == [("chicago_crimes_2016_2017.csv.gz", "running")]


def test_wait_imports_once_the_running_import_ends(store, chicago_sample, running_import):
    waits = []
    result = import_file(store, chicago_sample, wait=True, again=True, progress=lambda f, m: waits.append(m))
    assert result.counts.reconciles() and running_import.wait() == 0
    assert re.match(r"waiting: another import is running \(import \d+ of chicago_crimes_2016", waits[0])
    assert [status for _, status in _statuses(store)] == ["ok", "ok"]


def test_cancel_stops_the_wait_and_records_nothing(store, chicago_sample, running_import):
    with pytest.raises(ImportCancelled):
        import_file(store, chicago_sample, wait=True, again=True, cancel=lambda: True)
    assert len(_statuses(store)) == 1


def test_the_cli_says_whose_import_runs_or_waits(store, chicago_sample, running_import):
    url = url_of(store)
    busy = runner.invoke(app, ["import", str(chicago_sample), "--db", url])
    assert busy.exit_code == 1 and re.search(r"error: another import is running \(import \d+ of", busy.output)
    assert "Traceback" not in busy.output
    waited = runner.invoke(app, ["import", str(chicago_sample), "--wait", "--db", url])
    assert waited.exit_code == 0, waited.output
    assert "2,426 rows read" in waited.output


def test_a_store_reached_through_a_link_is_locked_too(sqlite_store, tmp_path, chicago_sample):
    link = tmp_path / "elsewhere.sqlite"
    link.symlink_to(sqlite_store.url.database)
    linked = make_engine(f"sqlite:///{link}")
    try:
        with holding_import_lock(sqlite_store), pytest.raises(ImportBusy, match="another import is running"):
            import_file(linked, chicago_sample, again=True)
    finally:
        linked.dispose()
