"""`crimedesk feeds ...` against the fake portal, and a run killed with kill -9 that resumes exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.feeds.catalog import load_feed
from crimedesk.feeds.runner import run_feed
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import feed_runs, incidents
from tests.feeds.conftest import ANALYST
from tests.feeds.fake_soda import FakePortal

runner = CliRunner()


def test_add_run_pause_resume_list_history(tmp_path, portal, file_import_keys, quick_retries):
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    added = runner.invoke(app, ["feeds", "add", "chi", "--endpoint", portal.url, "--db", db])
    assert added.exit_code == 0, added.output
    ran = runner.invoke(app, ["feeds", "run", "chi", "--db", db])
    assert ran.exit_code == 0, ran.output
    assert "2,426 received" in ran.output
    assert runner.invoke(app, ["feeds", "pause", "chi", "--db", db]).exit_code == 0
    refused = runner.invoke(app, ["feeds", "run", "chi", "--db", db])
    assert refused.exit_code == 1 and "paused" in refused.output
    assert runner.invoke(app, ["feeds", "resume", "chi", "--db", db]).exit_code == 0
    listed = runner.invoke(app, ["feeds", "list", "--db", db])
    assert "chi" in listed.output and "2,426" in listed.output
    history = runner.invoke(app, ["feeds", "history", "chi", "--db", db])
    assert "ok" in history.output and "2,426" in history.output
    unknown = runner.invoke(app, ["feeds", "run", "nope", "--db", db])
    assert unknown.exit_code == 1 and "no feed named 'nope'" in unknown.output


def _slow_pages(p: FakePortal) -> None:
    time.sleep(0.15)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_run_killed_mid_way_resumes_without_loss_or_duplicates(
    backend, request, tmp_path, portal, file_import_keys, quick_retries
):
    engine = (
        make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
        if backend == "sqlite"
        else request.getfixturevalue("pg_store")
    )
    url = engine.url.render_as_string(hide_password=False)
    portal.page_cap = 100
    portal.changes = {n: _slow_pages for n in range(1, 100)}
    env = {**os.environ, "CRIMEDESK_DB": url}
    code = "from crimedesk.cli import app; app()"
    subprocess.run(
        [sys.executable, "-c", code, "feeds", "add", "chi", "--endpoint", portal.url], env=env, check=True
    )
    child = subprocess.Popen([sys.executable, "-c", code, "feeds", "run", "chi"], env=env)
    try:
        deadline = time.monotonic() + 60
        while _received(engine) < 500 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    committed = _received(engine)
    assert 500 <= committed < 2426
    portal.changes = {}
    resumed = run_feed(engine, "chi", user=ANALYST)
    assert committed + resumed.counts.rows_read == 2426  # each row received once
    with engine.connect() as conn:
        keys = conn.execute(select(incidents.c.source_key)).scalars().all()
        statuses = conn.execute(select(feed_runs.c.status).order_by(feed_runs.c.id)).scalars().all()
    assert len(keys) == len(set(keys)) and set(keys) == file_import_keys
    assert statuses == ["interrupted", "ok"]
    assert load_feed(engine, "chi").status == "active"
    if backend == "sqlite":
        engine.dispose()


def _received(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.sum(feed_runs.c.received), 0))).scalar_one()
