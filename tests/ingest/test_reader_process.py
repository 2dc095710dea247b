"""Large files are read in a child process: the same rows as reading in turn, and its failures are ours."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

import crimedesk.ingest.pipeline as pipeline
import crimedesk.ingest.source as source
from crimedesk.domain.errors import ImportCancelled, ImportFileError
from crimedesk.domain.parent_death import ORPHAN_EXIT_CODE
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.prepare import encoder_for
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.reader_process import CHILD_MODULE, PIPE_BYTES, _picklable, _start_child
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import cancel_after, count, rejected_count, rejections
from tests.ingest.killing import all_gone, reading_children, start_importer, wait_for_progress

STORED = [c for c in incidents.c if c.name not in ("id", "import_id")]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)


@pytest.fixture
def read_in_child(monkeypatch, small_batches):
    """Every file goes through the child process, in ~20 KB batches (the child reads as we would)."""
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)


def _reading_processes() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children():
        try:
            if CHILD_MODULE in child.cmdline():
                found.append(child)
        except psutil.ZombieProcess:  # killed, not yet reaped by the importer: nothing left to read
            continue
    return found


def _stored(engine):
    with engine.connect() as conn:
        rows = conn.execute(select(*STORED).order_by(incidents.c.source_key)).all()
        import_ids = conn.execute(select(imports.c.id).order_by(imports.c.id)).scalars().all()
    rejected = [(line, why) for i in import_ids for line, why, _raw in rejections(engine, i)]
    return rows, rejected


@pytest.fixture
def deep_errors(chicago_sample, tmp_path):
    lines = chicago_sample.read_text().splitlines()
    lines[2000] = lines[2000].replace("/2017 ", "/2999 ", 1)  # a future date deep in the file
    lines[5] = lines[5].replace("/2017 ", "/20x7 ", 1)
    path = tmp_path / "deep.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_child_stores_exactly_what_reading_in_turn_stores(store, deep_errors, tmp_path, monkeypatch):
    monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)
    inline = make_engine(f"sqlite:///{tmp_path / 'inline.sqlite'}")
    expected = import_file(inline, deep_errors)
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    result = import_file(store, deep_errors)
    assert result.counts == expected.counts and result.counts.rejected == 2
    assert _stored(store) == _stored(inline)
    assert [line for line, _ in _stored(store)[1]] == [6, 2001]
    with store.connect() as conn:  # numbered by the writer (on PostgreSQL, into records encoded ahead)
        numbers = conn.execute(select(incidents.c.id, incidents.c.import_id)).all()
    assert {import_id for _, import_id in numbers} == {result.import_id}
    assert len({incident_id for incident_id, _ in numbers}) == result.counts.inserted
    assert not _reading_processes()


def test_the_child_keeps_one_date_format_for_the_whole_file(store, chicago_sample, tmp_path, read_in_child):
    """The format is chosen from the file's first dates; later rows in another format are rejected."""
    from datetime import datetime

    header, *rows = chicago_sample.read_text().splitlines()
    for n in range(260, len(rows)):  # from the fourth batch on: the SODA API's format
        fields = rows[n].split(",")
        fields[2] = datetime.strptime(fields[2], "%m/%d/%Y %I:%M:%S %p").strftime("%Y-%m-%dT%H:%M:%S")
        rows[n] = ",".join(fields)
    path = tmp_path / "two_formats.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = import_file(store, path)
    assert (result.counts.inserted, result.counts.rejected) == (260, len(rows) - 260)
    rejected = _stored(store)[1]
    assert [line for line, _ in rejected] == list(range(262, len(rows) + 2))
    assert all(
        "does not match MM/DD/YYYY hh:mm:ss AM, this file's format" in reasons for _, reasons in rejected
    )


def test_cancel_stops_the_child_and_keeps_nothing(store, chicago_sample, read_in_child):
    with pytest.raises(ImportCancelled):
        import_file(store, chicago_sample, cancel=cancel_after(3))
    assert count(store, incidents) == 0 and rejected_count(store) == 0
    assert not _reading_processes()


def test_an_unreadable_file_fails_in_the_child_with_the_same_error(
    store, tmp_path, chicago_full, read_in_child
):
    damaged = tmp_path / "cut.csv.gz"
    damaged.write_bytes(chicago_full.read_bytes()[:300_000])  # the header reads; the stream breaks later
    with pytest.raises(
        ImportFileError,
        match=r"cut\.csv\.gz: damaged gzip file \(Compressed file ended before the end-of-stream marker",
    ):
        import_file(store, damaged)
    assert count(store, incidents) == 0 and rejected_count(store) == 0


def test_a_child_that_dies_fails_the_import_and_changes_nothing(store, chicago_sample, read_in_child):
    def kill_the_child() -> bool:
        for child in _reading_processes():
            os.kill(child.pid, signal.SIGKILL)
        return False

    with pytest.raises(RuntimeError, match="the process reading the file ended unexpectedly"):
        import_file(store, chicago_sample, cancel=kill_the_child)
    assert count(store, incidents) == 0
    with store.connect() as conn:
        assert conn.execute(select(imports.c.status)).scalar_one() == "failed"


@pytest.mark.parametrize("name", ["truncated_last_line.csv", "embedded_newlines.csv", "unquoted_newline.csv"])
def test_bad_rows_at_the_edges_are_counted_once_by_the_child(sqlite_store, tmp_path, name, monkeypatch):
    path = Path(__file__).resolve().parents[1] / "bad_files" / name
    inline = make_engine(f"sqlite:///{tmp_path / 'inline.sqlite'}")
    expected = import_file(inline, path)
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    assert import_file(sqlite_store, path).counts == expected.counts
    assert _stored(sqlite_store) == _stored(inline)


def test_a_script_without_a_main_guard_can_import_a_large_file(sqlite_store, tmp_path, chicago_sample):
    """The reading process does not re-run the caller's main module (multiprocessing's spawn would)."""
    script, url = tmp_path / "plain_script.py", f"sqlite:///{tmp_path / 'script.sqlite'}"
    script.write_text(
        "import sys\n"
        "import crimedesk.ingest.pipeline as pipeline\n"
        "from crimedesk.storage.engine import make_engine\n"
        "pipeline.READ_IN_PROCESS_ROWS = 0\n"
        f"engine = make_engine({url!r})\n"
        f"print(pipeline.import_file(engine, {str(chicago_sample)!r}).counts.inserted)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) == import_file(sqlite_store, chicago_sample).counts.inserted > 0


def test_a_killed_importer_takes_its_reading_child_with_it(store, chicago_full):
    importer = start_importer(store, chicago_full)
    wait_for_progress(importer, 0.1)
    readers = reading_children(importer.pid)
    assert len(readers) == 1
    importer.kill()
    importer.wait()
    assert all_gone(readers, timeout=5)


def test_the_reading_child_ends_when_its_parent_lets_go_of_it(chicago_full):
    """The portable fallback to the kernel's death signal: the pipe from the parent closing."""
    child, to_child, receiving = _start_child()
    try:
        facts = source.inspect_file(chicago_full)
        to_child.send((facts, all_profiles()["chicago"], source.BLOCK_SIZE, encoder_for("sqlite")))
        assert receiving.recv()[0] == "tables"  # it is reading, and has more to read
        to_child.close()
        assert child.wait(timeout=10) == ORPHAN_EXIT_CODE
    finally:
        receiving.close()
        if child.poll() is None:
            child.kill()


@pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are set on Linux only")
def test_the_batches_pipe_holds_a_mebibyte():
    """Sixteen times the default 64 KiB: each process waits on the other less often per byte."""
    import fcntl

    child, to_child, receiving = _start_child()
    try:
        assert fcntl.fcntl(receiving.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_BYTES == 1 << 20
    finally:
        to_child.close()
        receiving.close()
        child.wait(timeout=10)


class _TwoPartError(Exception):
    """Pickles but cannot be unpickled: its constructor takes two arguments, its args hold one."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def test_an_error_the_child_cannot_send_as_is_is_told_in_words():
    sent = _picklable(_TwoPartError("row 3", "the date is empty"))
    assert str(sent) == "row 3: the date is empty"  # not "_TwoPartError: row 3: …"
