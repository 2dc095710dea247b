"""The mirror's file outlives the run: a later start on the same store uses it without copying."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.analytics.mirror_file import mirror_name
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports, incident_regions, incidents
from tests.analytics.test_mirror import _answers, _filters

ROOT = Path(__file__).resolve().parents[2]
# Starts a mirror of the store at argv[1] in argv[2] and dies, without cleaning up, once it copies boundaries.
CRASH = """
import os, sys
from pathlib import Path
from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.storage.engine import make_engine

def progress(_fraction, message):
    if message == "copying boundaries":
        os._exit(3)

AnalyticsMirror(make_engine(sys.argv[1]), Path(sys.argv[2])).sync(progress)
"""
# Holds the DuckDB file argv[1] open until its stdin closes.
HOLD = "import duckdb, sys\ndb = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\nsys.stdin.read()"


def add_layer(store: Engine, data_dir: Path, name: str, file: str, id_field: str, column: str) -> None:
    path = data_dir / file
    import_boundary_layer(store, path, layer_name=name, id_field=id_field, incident_field=column)


@pytest.fixture
def loaded(store, chicago_sample, data_dir):
    add_layer(store, data_dir, "districts", "chicago_police_districts_2012.geojson", "DIST_NUM", "district")
    import_file(store, chicago_sample)
    return store


def started(store: Engine, directory: Path) -> tuple[AnalyticsMirror, list[str]]:
    """A mirror as a new run of the app makes it, synced; with the progress messages it gave."""
    messages: list[str] = []
    mirror = AnalyticsMirror(store, directory)
    assert mirror.sync(lambda _fraction, message: messages.append(message)) and mirror.ready
    return mirror, messages


def assert_same_answers(store: Engine, mirror: AnalyticsMirror) -> None:
    count = select(func.count()).select_from(incidents)
    with store.connect() as ours, mirror.engine.connect() as theirs:
        assert theirs.execute(count).scalar() == ours.execute(count).scalar()
        for f in _filters(store):
            assert _answers(theirs, f) == _answers(ours, f), f


def copied(messages: list[str]) -> bool:
    return any(m.startswith("copying") for m in messages)


def test_a_later_run_on_the_same_store_is_ready_without_copying(loaded, tmp_path):
    first, messages = started(loaded, tmp_path)
    first.close()
    assert copied(messages)
    again, messages = started(loaded, tmp_path)
    assert messages == [] and again.file.temporary is None
    assert_same_answers(loaded, again)
    assert not again.sync()
    again.close()


def test_imports_made_in_between_are_added_without_a_copy(loaded, tmp_path, nypd_sample, ucr_table):
    started(loaded, tmp_path)[0].close()
    import_file(loaded, nypd_sample)
    import_file(loaded, ucr_table)
    again, messages = started(loaded, tmp_path)
    assert messages == ["adding new imports"]
    assert_same_answers(loaded, again)
    again.close()


def test_a_store_emptied_and_refilled_in_between_is_copied_again(loaded, tmp_path, nypd_sample):
    started(loaded, tmp_path)[0].close()
    with loaded.begin() as conn:
        for table in (incident_regions, incidents, imports):
            conn.execute(table.delete())
    import_file(loaded, nypd_sample)  # a newer import id, but the mirrored one is gone
    again, messages = started(loaded, tmp_path)
    assert copied(messages) and "adding new imports" not in messages
    assert_same_answers(loaded, again)
    again.close()


def test_a_copy_cut_short_by_a_crash_is_not_taken_for_a_mirror(loaded, tmp_path, data_dir):
    started(loaded, tmp_path)[0].close()
    add_layer(loaded, data_dir, "beats", "chicago_police_beats_2012.geojson", "BEAT_NUM", "beat")
    url = loaded.url.render_as_string(hide_password=False)
    crash = subprocess.run([sys.executable, "-c", CRASH, url, str(tmp_path)], cwd=ROOT, timeout=300)
    assert crash.returncode == 3
    again, messages = started(loaded, tmp_path)
    assert copied(messages)
    assert_same_answers(loaded, again)
    again.close()


@pytest.mark.parametrize("damage", ["file", "record"])
def test_a_damaged_mirror_is_rebuilt(loaded, tmp_path, caplog, damage):
    first = started(loaded, tmp_path)[0]
    path = first.file.path
    if damage == "record":
        first.file.db.execute("UPDATE mirror_version SET record = '{not json'")
    first.close()
    if damage == "file":
        path.write_bytes(b"not a DuckDB file" * 1000)
    with caplog.at_level(logging.WARNING):
        again, messages = started(loaded, tmp_path)
    assert copied(messages) and again.file.path == path and again.file.temporary is None
    assert "unreadable" in caplog.text
    assert_same_answers(loaded, again)
    again.close()


def test_a_mirror_held_by_another_process_gives_way_to_a_temporary_one(loaded, tmp_path, caplog):
    first = started(loaded, tmp_path)[0]
    path = first.file.path
    first.close()
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout.readline() == "held\n"
        with caplog.at_level(logging.WARNING):
            other, messages = started(loaded, tmp_path)
        holder.stdin.close()
    assert other.file.temporary is not None and copied(messages)
    assert "in use by another crimedesk" in caplog.text
    assert_same_answers(loaded, other)
    other.close()


def test_two_stores_get_two_files(tmp_path, chicago_sample):
    mirrors = []
    for name in ("a", "b"):
        store = make_engine(f"sqlite:///{tmp_path / name}.sqlite")
        import_file(store, chicago_sample)
        mirrors.append(started(store, tmp_path / "mirrors")[0])
    assert mirrors[0].file.path != mirrors[1].file.path
    assert sorted(p.name for p in (tmp_path / "mirrors").glob("*.duckdb")) == sorted(
        m.file.path.name for m in mirrors
    )
    for mirror in mirrors:
        mirror.close()
        mirror.store.dispose()


def test_file_names_and_logs_hold_no_password(pg_url, tmp_path, caplog):
    secret = "s3cret-Pa55"
    url = make_url(pg_url).set(password=secret)
    assert mirror_name(url) == mirror_name(url.set(password="other"))
    assert mirror_name(url) != mirror_name(url.set(database="elsewhere"))
    sqlite = make_url(f"sqlite:///{tmp_path}/x.sqlite")
    assert mirror_name(sqlite.update_query_dict({"password": secret})) == mirror_name(sqlite)
    store = make_engine(url.render_as_string(hide_password=False))  # the local server trusts any password
    (tmp_path / "mirrors").mkdir()
    (tmp_path / "mirrors" / mirror_name(url)).write_text("damaged, so that opening it logs")
    with caplog.at_level(logging.DEBUG):
        mirror = started(store, tmp_path / "mirrors")[0]
    assert "unreadable" in caplog.text and secret not in caplog.text
    assert [p.name for p in (tmp_path / "mirrors").iterdir() if secret in p.name] == []
    mirror.close()
    store.dispose()  # its pooled connection would otherwise be closed by the garbage collector


def test_a_server_store_leaves_no_mirror_on_this_machine_by_default():
    from sqlalchemy import make_url

    from crimedesk.analytics.mirror_file import open_mirror_file

    mirror_file = open_mirror_file(make_url("postgresql+psycopg://analyst@db.example:5432/crimes"))
    try:
        assert mirror_file.temporary is not None
    finally:
        mirror_file.db.close()
        mirror_file.temporary.cleanup()


def test_mirrors_unused_for_a_month_are_deleted(tmp_path, chicago_sample):
    import os
    import time

    from crimedesk.analytics.mirror_file import STALE_DAYS

    directory = tmp_path / "mirrors"
    directory.mkdir()
    month_ago = time.time() - (STALE_DAYS + 1) * 86_400
    stale, recent = directory / "sqlite-old.duckdb", directory / "sqlite-recent.duckdb"
    for path in (stale, directory / "sqlite-old.duckdb.wal", recent):
        path.write_bytes(b"x")
    os.utime(stale, (month_ago, month_ago))
    store = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    import_file(store, chicago_sample)
    mirror = started(store, directory)[0]
    try:
        names = sorted(p.name for p in directory.iterdir() if p.suffix == ".duckdb")
        assert names == sorted([mirror.file.path.name, recent.name])
        assert not (directory / "sqlite-old.duckdb.wal").exists()
    finally:
        mirror.close()
        store.dispose()
