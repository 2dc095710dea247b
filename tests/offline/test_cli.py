"""`crimedesk offline take|return` against the real PostgreSQL store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents
from tests.offline.test_take_return import _expected_keys, _keys, _sample

pytestmark = pytest.mark.postgres


def test_take_then_return_from_the_command_line(
    pg_store: Engine, pg_url: str, chicago_sample: Path, tmp_path: Path
) -> None:
    import_file(pg_store, chicago_sample)
    out = tmp_path / "district11.sqlite"
    words = ["--from", "2017-01-02", "--to", "2017-01-03", "--layer", "district", "--regions", "011,012"]
    taken = CliRunner().invoke(app, ["offline", "take", str(out), *words, "--db", pg_url])
    assert taken.exit_code == 0, taken.output
    expected = _expected_keys(_sample(chicago_sample))
    assert f"{len(expected):,} incidents" in taken.output
    laptop = make_engine(f"sqlite:///{out}")
    assert _keys(laptop) == expected
    laptop.dispose()

    back = CliRunner().invoke(app, ["offline", "return", str(out), "--db", pg_url])
    assert back.exit_code == 0, back.output
    assert "nothing to bring back" in back.output
    with pg_store.connect() as conn:
        assert len(conn.execute(select(incidents.c.id)).all()) == len(_sample(chicago_sample))


def test_taking_into_an_existing_file_says_so(pg_store: Engine, pg_url: str, tmp_path: Path) -> None:
    (tmp_path / "x.sqlite").write_text("mine")
    result = CliRunner().invoke(app, ["offline", "take", str(tmp_path / "x.sqlite"), "--db", pg_url])
    assert result.exit_code == 1
    assert "exists already" in result.output
