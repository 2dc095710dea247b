"""Deleting an import: its own rows go, rows a later import updated and rows it updated stay;
counted against SQL on the source keys of the files, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.ingest.deletion import CannotDeleteImport, delete_import, plan_deletion
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import rejected_count

LATER = "02/12/2019 09:00:00 AM"


def _write(rows: list[dict[str, str]], path: Path, edited: range = range(0)) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for number, row in enumerate(rows):
        writer.writerow({**row, "Updated On": LATER} if number in edited else row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _three_imports(store: Engine, sample: Path, tmp_path: Path) -> tuple[list[str], int, int]:
    """A (rows 0-1499), B (rows 1000-: updates 100 of A's, inserts the rest), C (updates 11 of
    B's inserts). Returns A's keys and the ids of B and C."""
    rows = list(csv.DictReader(sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    import_file(store, _write(rows[:1500], tmp_path / "a.csv"))
    b = import_file(store, _write(rows[1000:], tmp_path / "b.csv", range(0, 500, 5))).import_id
    c = import_file(store, _write(rows[1500:1601], tmp_path / "c.csv", range(0, 101, 10))).import_id
    return [r["ID"] for r in rows[:1500]], b, c


def _count(store: Engine, *where) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents).where(*where)).scalar_one()


def test_deleting_an_import_removes_only_the_rows_it_inserted_and_no_later_import_touched(
    store, chicago_sample, tmp_path
):
    a_keys, b, c = _three_imports(store, chicago_sample, tmp_path)
    own = (incidents.c.import_id == b, incidents.c.source_key.not_in(a_keys))
    expected = _count(store, *own)  # by the files' keys, not by ids
    later = _count(store, incidents.c.import_id == c, incidents.c.source_key.not_in(a_keys))
    it_updated = _count(store, incidents.c.import_id == b, incidents.c.source_key.in_(a_keys))
    total = _count(store)
    rejects = rejected_count(store, b)
    with store.connect() as conn:
        planned = plan_deletion(conn, b)
    assert (expected, later, it_updated) == (planned.deleted, 11, 100)
    done = delete_import(store, b)
    assert done == planned
    assert (done.kept_updated_later, done.kept_it_updated, done.rejected) == (later, it_updated, rejects)
    assert _count(store) == total - expected
    assert _count(store, *own) == 0
    assert _count(store, incidents.c.source_key.in_(a_keys)) == len(set(a_keys)) - _rejected_in_a(store)
    with store.connect() as conn:
        assert conn.execute(select(imports.c.id).where(imports.c.id == b)).first() is None
    assert rejected_count(store, b) == 0
    (row,) = audit.read(store, action="delete_import")
    assert (row.object_id, row.details["deleted"], row.details["kept_it_updated"]) == (str(b), expected, 100)
    assert "b.csv" in done.sentence() and f"{expected:,} incidents" in done.sentence()


def _rejected_in_a(store: Engine) -> int:
    with store.connect() as conn:
        first = conn.execute(select(func.min(imports.c.id))).scalar_one()
        return conn.execute(select(imports.c.rejected).where(imports.c.id == first)).scalar_one()


def test_an_analyst_may_not_delete_an_import_and_nothing_changes(store, chicago_sample):
    made = import_file(store, chicago_sample).import_id
    total = _count(store)
    with pytest.raises(PermissionDenied, match="may not delete import"):
        delete_import(store, made, user=User("ana", Role.ANALYST))
    assert _count(store) == total
    assert audit.read(store, action="delete_import") == []


def test_unknown_and_ucr_imports_are_refused_with_a_sentence(store, ucr_table):
    with pytest.raises(CannotDeleteImport, match="no import with id 42"):
        delete_import(store, 42)
    made = import_file(store, ucr_table).import_id
    with pytest.raises(CannotDeleteImport, match="UCR"):
        delete_import(store, made)


def test_cli_asks_before_deleting_and_deletes_with_yes(tmp_path, chicago_sample):
    from typer.testing import CliRunner

    from crimedesk.cli import app
    from crimedesk.storage.engine import make_engine

    url, runner = f"sqlite:///{tmp_path / 's.sqlite'}", CliRunner()
    assert runner.invoke(app, ["import", str(chicago_sample), "--db", url]).exit_code == 0
    asked = runner.invoke(app, ["imports", "delete", "1", "--db", url], input="n\n")
    assert asked.exit_code != 0 and "nothing deleted" in asked.output
    assert f"Delete import 1 ({chicago_sample.name}): 2,426 incidents and 0 rejected rows?" in asked.output
    engine = make_engine(url)
    try:
        assert _count(engine) == 2426
        done = runner.invoke(app, ["imports", "delete", "1", "--yes", "--db", url])
        assert done.exit_code == 0, done.output
        assert "2,426 incidents and 0 rejected rows deleted" in done.output and _count(engine) == 0
        again = runner.invoke(app, ["imports", "delete", "1", "--yes", "--db", url])
        assert again.exit_code != 0 and "no import with id 1" in again.output
        listed = runner.invoke(app, ["imports", "--db", url], env={"COLUMNS": "250"})
        assert listed.exit_code == 0 and chicago_sample.name[:20] not in listed.output
    finally:
        engine.dispose()
