"""A CLI command opening a PostgreSQL store as a user is a login, audited like the app's; a
password the server refuses is a failed login, written by the next login (issue 16 item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crimedesk.auth import audit
from crimedesk.auth.login import WRONG_PASSWORD, kept_attempts
from crimedesk.cli import app
from tests.auth.server_users import RIGHT_PASSWORD, scram_analyst

pytestmark = pytest.mark.postgres


def test_cli_logins_and_refused_passwords_are_in_the_trail(pg_engine: Engine, settings_file: Path) -> None:
    with scram_analyst(pg_engine) as name:
        url = make_url(pg_engine.url.render_as_string(hide_password=False))
        db = ["--db", url.set(username=name, password=None).render_as_string()]
        gave_up = CliRunner().invoke(app, ["stats", *db], input="Wrong-pass-31\n")
        assert gave_up.exit_code == 1  # gave up at the second prompt
        assert audit.read(pg_engine, username=name) == []  # nothing to write it with yet
        done = CliRunner().invoke(app, ["stats", *db], input=f"Wrong-pass-32\n{RIGHT_PASSWORD}\n")
        assert done.exit_code == 0, done.output
        trail = [
            (e.username, e.action, e.details.get("reason")) for e in audit.read(pg_engine, username=name)
        ]
    assert trail == [
        (name, "failed_login", WRONG_PASSWORD),
        (name, "failed_login", WRONG_PASSWORD),
        (name, "login", None),
    ]
    assert kept_attempts(url).failed == []  # written once, then forgotten


def test_a_missing_database_is_no_failed_login(pg_engine: Engine, settings_file: Path) -> None:
    url = make_url(pg_engine.url.render_as_string(hide_password=False)).set(database="no_such_database")
    result = CliRunner().invoke(app, ["stats", "--db", url.render_as_string()])
    assert result.exit_code == 1 and 'database "no_such_database" does not exist' in result.output
    assert kept_attempts(url).failed == []
