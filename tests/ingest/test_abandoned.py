"""An import whose process dies stays `running` only until the store is opened again."""

import signal

from sqlalchemy import select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import count
from tests.ingest.killing import start_importer, url_of, wait_for_progress

runner = CliRunner()


def _attempts(engine):
    with engine.connect() as conn:
        return conn.execute(select(imports.c.status, imports.c.error, imports.c.pid)).all()


def test_a_killed_import_is_abandoned_when_the_store_opens(store, chicago_full):
    importer = start_importer(store, chicago_full)
    wait_for_progress(importer, 0.2)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    [(status, _error, pid)] = _attempts(store)
    assert (status, pid) == ("running", importer.pid)  # nobody has judged it yet
    reopened = make_engine(url_of(store))
    try:
        [(status, error, _pid)] = _attempts(reopened)
    finally:
        reopened.dispose()
    assert status == "abandoned"
    assert error.startswith(f"the importing process (pid {importer.pid} on ")
    assert count(store, incidents) == 0


def test_a_running_import_is_left_running_by_another_open(store, chicago_full):
    importer = start_importer(store, chicago_full)
    try:
        wait_for_progress(importer, 0.1)
        make_engine(url_of(store)).dispose()
        assert _attempts(store)[0][0] == "running"
    finally:
        assert importer.wait(timeout=120) == 0
    assert _attempts(store)[0][0] == "ok"


def test_imports_command_says_abandoned(store, chicago_full):
    importer = start_importer(store, chicago_full)
    wait_for_progress(importer, 0.1)
    importer.kill()
    importer.wait()
    shown = runner.invoke(app, ["imports", "--db", url_of(store)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "abandoned" in shown.output and "running" not in shown.output
