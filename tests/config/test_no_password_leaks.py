"""A known password given the allowed ways (keyring, CRIMEDESK_DB, a URL typed in Settings) shows
up nowhere else: settings file, logs, imports.error, a failing command's output, any process's
command line, or the environment of the import's reading process."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

import crimedesk.ingest.pipeline as pipeline
import crimedesk.ingest.reader_process as reader_process
import crimedesk.ingest.source as source
from crimedesk.cli import app
from crimedesk.config.secrets import secret_account, set_secret
from crimedesk.config.settings import Settings, save_settings
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports
from tests.config.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _with_password(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(password=TEST_PASSWORD)
    return (parsed.set(database=database) if database else parsed).render_as_string(hide_password=False)


def _command_lines_holding_the_password() -> list[str]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if TEST_PASSWORD in line:
            found.append(line)
    return found


@pytest.fixture
def watched_reading_process(monkeypatch):
    """Every import reads in the child process; when it starts, every command line on the machine
    and the child's environment are looked at."""
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    monkeypatch.setattr(source, "BLOCK_SIZE", 50_000)
    seen: dict[str, list[str]] = {"command lines": [], "child environment": []}
    start = reader_process._start_child

    def start_and_look():
        child, to_child, from_child = start()
        seen["command lines"] += _command_lines_holding_the_password()
        environment = psutil.Process(child.pid).environ()
        seen["child environment"] += [f"{name}={value}" for name, value in environment.items()]
        seen.setdefault("children", []).append(str(child.pid))
        return child, to_child, from_child

    monkeypatch.setattr(reader_process, "_start_child", start_and_look)
    return seen


def test_the_password_leaks_nowhere(
    password_server,
    settings_file,
    watched_reading_process,
    chicago_sample,
    chicago_full,
    tmp_path,
    monkeypatch,
    caplog,
):
    caplog.set_level(logging.DEBUG)
    # The allowed ways in: the keyring, the environment, a URL with a password saved in Settings.
    set_secret(secret_account(make_url(password_server)), TEST_PASSWORD)
    monkeypatch.setenv("CRIMEDESK_DB", _with_password(password_server))
    save_settings(Settings(store_url=_with_password(password_server)))

    runner = CliRunner()
    imported = runner.invoke(app, ["import", str(chicago_sample)])
    assert imported.exit_code == 0, imported.output
    assert "2,426" in imported.output
    assert watched_reading_process.get("children"), "the import did not use the reading process"

    broken = tmp_path / "broken.csv.gz"
    with chicago_full.open("rb") as whole:
        broken.write_bytes(whole.read(300_000))  # the header reads; the stream breaks later
    failed_import = runner.invoke(app, ["import", str(broken)])
    assert failed_import.exit_code != 0
    engine = make_engine(password_server)
    with engine.connect() as conn:
        errors = conn.execute(select(imports.c.error).where(imports.c.error.is_not(None))).scalars().all()
    engine.dispose()
    assert errors, "the broken file should have left a failed import with its error"

    # An unexpected error in a command (no such database): a full traceback, without locals.
    env = os.environ | {"CRIMEDESK_DB": _with_password(password_server, "no_such_database")}
    crashed = subprocess.run(
        [sys.executable, "-c", "from crimedesk.cli import app; app()", "stats"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert crashed.returncode != 0 and "no_such_database" in crashed.stdout + crashed.stderr

    places = {
        "settings file": settings_file.read_text(),
        "logs": caplog.text,
        "imports.error": "\n".join(errors),
        "import output": imported.output + failed_import.output,
        "failing command output": crashed.stdout + crashed.stderr,
        "command lines": "\n".join(watched_reading_process["command lines"]),
        "reading process environment": "\n".join(watched_reading_process["child environment"]),
    }
    assert {place: TEST_PASSWORD in text for place, text in places.items()} == dict.fromkeys(places, False)
