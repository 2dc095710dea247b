"""An import whose process dies stays `running` only until the store is opened again."""

import signal
import threading

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.ingest import history
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file
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
    assert f"abandoned: the importing process (pid {importer.pid} on " in shown.output


@pytest.mark.postgres
def test_the_server_drops_a_dead_workstations_session_within_minutes(pg_store):
    """Its transaction rolls back and its import lock is released, so its import can be judged."""
    with pg_store.connect() as conn:
        settings = {
            name: conn.execute(text(f"show {name}")).scalar_one()
            for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
        }
    assert settings == {
        "tcp_keepalives_idle": "60",
        "tcp_keepalives_interval": "10",
        "tcp_keepalives_count": "6",
    }


@pytest.mark.postgres
def test_an_attempt_whose_row_a_lingering_session_locks_does_not_hold_up_the_open(pg_store, chicago_sample):
    history.start(pg_store, inspect_file(chicago_sample), all_profiles()["chicago"], "alice")
    with pg_store.connect() as lingering:
        lingering.execute(update(imports).values(username="alice"))  # row locked, import lock free
        opening = threading.Thread(target=lambda: make_engine(url_of(pg_store)).dispose())
        opening.start()
        opening.join(timeout=10)
        held_up = opening.is_alive()
        lingering.rollback()
    opening.join()
    assert not held_up
    assert _attempts(pg_store)[0][0] == "running"  # judged at a later open
    make_engine(url_of(pg_store)).dispose()
    assert _attempts(pg_store)[0][0] == "abandoned"
