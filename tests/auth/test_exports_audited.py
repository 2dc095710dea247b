"""Exports outside the export services are in the trail too (issue 16 item 5), as the user who
made them: an import's rejected rows (the CLI's `rejected --export`, the Data pane's Export)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.cli import app
from crimedesk.ingest.pipeline import import_file
from tests.auth.server_users import Logins

pytestmark = pytest.mark.postgres


def test_a_viewers_rejected_rows_export_from_the_cli_is_audited(
    users: Logins, as_role: dict[Role, Engine], bad_chicago: Path, tmp_path: Path, settings_file: Path
) -> None:
    imported = import_file(as_role[Role.ANALYST], bad_chicago)
    assert imported.counts.rejected == 2
    out = tmp_path / "rejected.csv"
    viewer = users.names[Role.VIEWER]
    url = make_url(users.database_url).set(username=viewer).render_as_string()
    args = ["rejected", str(imported.import_id), "--export", str(out), "--db", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = len(out.read_text(encoding="utf-8").splitlines()) - 1
    exports = audit.read(as_role[Role.ADMIN], action="export")
    assert [(e.username, e.object_type, e.object_id, e.details["rows"]) for e in exports] == [
        (viewer, "rejected_rows", str(imported.import_id), written)
    ]
