"""Rows without updated-on never replace stored records that have one: they are conflicts, listed
with the rejected rows; a mapping shares a source with another profile only when it says so."""

import csv
import json
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest import pipeline, source
from crimedesk.ingest.mappings import save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import import_mappings, imports
from tests.generic_csv import MAPPING, write_generic_csv
from tests.ingest.helpers import count, import_row, rejections
from tests.ingest.test_dedupe import _assert_plans_agree, _stored

EDITED = {5: "000XX W ELSEWHERE", 700: "001XX N NOWHERE", 2000: "002XX S SOMEWHERE"}  # row -> new block


def _without_updated_on(chicago_sample, path):
    """The sample as an export without the Updated On column, three blocks edited."""
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    for number, block in EDITED.items():
        rows[number]["Block"] = block
    fields = [name for name in rows[0] if name != "Updated On"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return rows


@pytest.mark.parametrize("in_child", [False, True], ids=["here", "reading_process"])
def test_an_export_without_updated_on_never_replaces_newer_records(
    store, chicago_sample, tmp_path, monkeypatch, in_child
):
    if in_child:
        monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
        monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)
    import_file(store, chicago_sample)
    path = tmp_path / "no_updated_on.csv"
    rows = _without_updated_on(chicago_sample, path)
    keys = [row["ID"] for row in rows]
    before = _stored(store, keys)
    _assert_plans_agree(store, path, "chicago", by_times=False)
    result = import_file(store, path)
    c = result.counts
    assert (c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected, c.conflicts) == (
        2426,
        0,
        0,
        2423,
        0,
        3,
    )
    assert c.reconciles() and import_row(store, result.import_id).conflicts == 3
    assert _stored(store, keys) == before  # blocks and updated-on times as they were
    listed = rejections(store, result.import_id)
    assert [line for line, _, _ in listed] == [number + 2 for number in EDITED]
    for (_, reason, raw), number in zip(listed, EDITED, strict=True):
        updated = datetime.strptime(rows[number]["Updated On"], "%m/%d/%Y %I:%M:%S %p")
        assert reason == (
            "conflict: no updated-on, so it does not replace the stored record"
            f" (updated on {updated:%Y-%m-%d %H:%M:%S}); they differ in block"
        )
        assert (
            raw.startswith(f"{rows[number]['ID']},{rows[number]['Case Number']},") and EDITED[number] in raw
        )


def test_the_cli_lists_conflicts(tmp_path, chicago_sample):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(chicago_sample), "--db", url]).exit_code == 0
    _without_updated_on(chicago_sample, tmp_path / "no_updated_on.csv")
    result = runner.invoke(app, ["import", str(tmp_path / "no_updated_on.csv"), "--db", url])
    assert result.exit_code == 0, result.output
    assert "2,423 unchanged + 0 rejected + 0 duplicates + 3 conflicts" in result.output
    assert "crimedesk rejected 2" in result.output
    listed = runner.invoke(app, ["rejected", "2", "--db", url], env={"COLUMNS": "250"})
    assert listed.output.count("conflict: no updated-on") == 3
    assert "3 listed in all: 0 rejected, 3 in conflict" in listed.output
    history = runner.invoke(app, ["imports", "--db", url], env={"COLUMNS": "250"})
    assert "conflicts" in history.output


def test_a_mapping_takes_a_built_in_source_only_when_it_says_so(store, chicago_sample, tmp_path):
    generic = write_generic_csv(chicago_sample, tmp_path / "generic.csv")
    import_file(store, chicago_sample)
    intruder = replace(MAPPING, source="chicago")
    message = "source 'chicago' is already the source of chicago; name another source, or say it is the same"
    with pytest.raises(ImportFileError, match=message):
        save_mapping(store, intruder)
    with pytest.raises(ImportFileError, match=message):
        import_file(store, generic, profile=intruder.to_profile())
    assert count(store, imports) == 1
    with pytest.raises(ImportFileError, match="names 'nypd', which is no profile or mapping with source"):
        save_mapping(store, replace(intruder, same_source_as="nypd"))
    before = _stored(
        store,
        [
            row["ID"]
            for row in csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True))
        ],
    )
    declared = replace(intruder, same_source_as="chicago")
    save_mapping(store, declared)
    counts = import_file(store, generic).counts  # detected through the saved mapping
    assert (counts.rejected, counts.conflicts, counts.inserted, counts.updated) == (1, 2425, 0, 0)
    assert (
        _stored(
            store,
            [
                row["ID"]
                for row in csv.DictReader(
                    chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)
                )
            ],
        )
        == before
    )


def test_two_mappings_share_a_source_only_when_they_say_so(store):
    save_mapping(store, MAPPING)
    second = replace(MAPPING, name="second_rms")
    with pytest.raises(ImportFileError, match="already the source of mapping:generic_test"):
        save_mapping(store, second)
    save_mapping(store, replace(second, same_source_as="generic_test"))
    save_mapping(store, MAPPING)  # saved again: the second said it shares, the first need not name it
    assert count(store, import_mappings) == 2


def test_mapping_save_takes_same_source_as_on_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    spec = tmp_path / "rms.json"
    spec.write_text(json.dumps({**json.loads(MAPPING.to_json()), "source": "nypd", "same_source_as": None}))
    runner = CliRunner()
    refused = runner.invoke(app, ["mapping", "save", str(spec), "--db", url])
    assert refused.exit_code == 1 and "already the source of nypd" in refused.output
    saved = runner.invoke(app, ["mapping", "save", str(spec), "--same-source-as", "nypd", "--db", url])
    assert saved.exit_code == 0, saved.output
    with make_engine(url).connect() as conn:
        assert conn.execute(select(imports)).first() is None


def test_migration_7_gives_earlier_imports_no_conflicts(tmp_path, chicago_sample):
    from alembic import command

    from crimedesk.storage.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'v6.sqlite'}", migrate=False)
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO imports (file_name, sha256, size_bytes, profile, source, username, started_at,"
            " status, rows_read, inserted, updated, unchanged, rejected, unmappable, corrected)"
            " VALUES ('old.csv', 'x', 1, 'chicago', 'chicago', 'me', 0, 'ok', 2, 2, 0, 0, 0, 0, 0)"
        )
    command.upgrade(alembic_config(engine), "head")
    assert import_row(engine, 1).conflicts == 0
    assert import_file(engine, chicago_sample).counts.reconciles()
