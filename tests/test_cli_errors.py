"""The CLI ends in one clear sentence and a non-zero exit when the disk, the permissions, a lock or a
process fail it, never in a traceback; a SQLite store on a full or read-only disk can still be read.

Full and read-only disks are small tmpfs mounts in a mount namespace of their own (`unshare -m`,
root only); permission denied runs the CLI in a user namespace (`unshare -U`), where root's files
are subject to their permission bits.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.cli.errors import explain
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from tests.ingest.killing import reading_children, url_of

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from crimedesk.cli import app; app()"]
runner = CliRunner()
needs_unshare = pytest.mark.skipif(
    shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode != 0,
    reason="needs unshare and the right to make mount namespaces (root)",
)


def _one_sentence(output: str) -> str:
    """The error line; fails on a traceback or on more than a line or two of output."""
    assert "Traceback" not in output and len(output) < 600, output
    [line] = [line for line in output.splitlines() if line.startswith("error: ")]
    return line.removeprefix("error: ")


@pytest.fixture
def seeded_store(tmp_path, chicago_sample) -> Path:
    """A SQLite store holding the Chicago sample, closed."""
    path = tmp_path / "seed" / "store.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    import_file(engine, chicago_sample)
    engine.dispose()
    return path


def _on_small_disk(tmp_path: Path, store: Path, steps: str) -> dict[str, tuple[int, str]]:
    """Run ``steps`` (shell, with $DISK, $DB and cli NAME ARGS...) on a 4 MB tmpfs holding ``store``.

    Returns each ``cli`` run's exit code and output (stdout and stderr) by NAME.
    """
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    script = f"""
set -e
export COLUMNS=250
DISK={disk}; DB=sqlite:///{disk}/store.sqlite; OUT={out}
cli() {{ name=$1; shift; set +e; "$@" > $OUT/$name 2>&1; echo $? > $OUT/$name.rc; set -e; }}
mount -t tmpfs -o size=4m tmpfs $DISK
cp {store} $DISK/
{steps}
"""
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return {
        path.name: (int((out / f"{path.name}.rc").read_text()), path.read_text())
        for path in out.iterdir()
        if path.suffix != ".rc"
    }


def _cli(*args: str) -> str:
    return " ".join(f"'{a}'" for a in [*CLI, *args])


@needs_unshare
def test_a_read_only_disk_is_read_and_says_so(tmp_path, seeded_store, chicago_sample):
    runs = _on_small_disk(
        tmp_path,
        seeded_store,
        f"""mount -o remount,ro $DISK
cli history {_cli("imports", "--db", "$DB")}
cli importing {_cli("import", str(chicago_sample), "--again", "--db", "$DB")}""".replace("'$DB'", '"$DB"'),
    )
    code, output = runs["history"]
    assert code == 0 and "chicago_crimes_sample" in output.replace("\n", "")
    assert "is opened read-only" in output and "not writable" in output
    code, output = runs["importing"]
    assert code == 1 and _one_sentence(output) == "the store is read-only (file or disk); nothing was changed"


@needs_unshare
def test_a_full_disk_fails_the_import_in_a_sentence_and_is_read(tmp_path, seeded_store, chicago_sample):
    runs = _on_small_disk(
        tmp_path,
        seeded_store,
        f"""dd if=/dev/zero of=$DISK/filler bs=4k 2>/dev/null || true
cli importing {_cli("import", str(chicago_sample), "--again", "--db", "$DB")}
cli history {_cli("imports", "--db", "$DB")}""".replace("'$DB'", '"$DB"'),
    )
    code, output = runs["importing"]
    assert code == 1 and "the disk is full" in output
    assert _one_sentence(output).endswith("nothing was changed")
    code, output = runs["history"]
    assert code == 0 and "chicago_crimes_sample" in output.replace("\n", "")


def _as_unprivileged(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a user namespace of its own: root's files are subject to their permission bits."""
    env = {**os.environ, "COLUMNS": "250"}
    command = ["unshare", "-U", *CLI, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)


@needs_unshare
def test_permission_denied_names_the_store(seeded_store):
    seeded_store.chmod(0)
    url = f"sqlite:///{seeded_store}"
    done = subprocess.run(
        ["unshare", "-U", *CLI, "imports", "--db", url], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert (
        _one_sentence(done.stdout + done.stderr)
        == f"permission denied: the store {seeded_store} cannot be read"
    )


@needs_unshare
def test_a_store_without_write_permission_is_read(seeded_store, chicago_sample):
    seeded_store.chmod(0o444)
    seeded_store.parent.chmod(0o555)
    url = f"sqlite:///{seeded_store}"
    env = {**os.environ, "COLUMNS": "250"}
    shown = subprocess.run(
        ["unshare", "-U", *CLI, "imports", "--db", url], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0 and "chicago_crimes_sample" in shown.stdout
    assert f"the store {seeded_store} is opened read-only ({seeded_store} is not writable)" in shown.stderr
    importing = subprocess.run(
        ["unshare", "-U", *CLI, "import", str(chicago_sample), "--again", "--db", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert importing.returncode == 1
    assert _one_sentence(importing.stdout + importing.stderr).startswith("the store is read-only")


def test_a_locked_store_is_a_sentence(tmp_path, chicago_sample):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    holder = make_engine(url)
    try:
        with holder.connect() as conn:
            conn.execute(text("create table holding_the_write_lock (x integer)"))
            result = runner.invoke(app, ["import", str(chicago_sample), "--db", url])
            conn.rollback()
    finally:
        holder.dispose()
    assert result.exit_code == 1
    assert _one_sentence(result.output) == (
        "the store is locked by another program writing to it; try again once it is done"
    )


@pytest.mark.postgres
def test_a_killed_reading_child_is_a_sentence_on_postgresql(pg_store, chicago_full):
    importing = subprocess.Popen(
        [*CLI, "import", str(chicago_full), "--db", url_of(pg_store)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    killer = threading.Thread(target=_kill_reader_when_writing, args=(importing.pid,))
    killer.start()
    output, _ = importing.communicate(timeout=120)
    killer.join()
    assert importing.returncode == 1
    assert _one_sentence(output).startswith(
        "the process reading the file ended unexpectedly (exit code -9); nothing was imported"
    )


def _kill_reader_when_writing(importer_pid: int) -> None:
    """Kill the reading child a second after it started: the importer is writing batches by then."""
    deadline = time.monotonic() + 60
    while not reading_children(importer_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    for reader in reading_children(importer_pid):
        reader.send_signal(signal.SIGKILL)


def test_unexpected_errors_are_one_line_in_words_not_the_class_name():
    assert explain(ZeroDivisionError("division by zero")) == (
        "unexpected error: division by zero (CRIMEDESK_TRACEBACK=1 shows where)"
    )


@pytest.mark.parametrize(
    ("number", "sentence"),
    [
        (errno.ENOSPC, "the disk is full: /data/rej.csv"),
        (errno.EROFS, "the file system is read-only: /data/rej.csv"),
        (errno.EACCES, "permission denied: /data/rej.csv"),
    ],
)
def test_system_errors_name_the_problem_and_the_file(number, sentence):
    assert explain(OSError(number, os.strerror(number), "/data/rej.csv")) == sentence


def test_a_broken_database_connection_is_a_sentence():
    broken = OperationalError("COPY", {}, Exception("got end of file during message\nmore detail"))
    assert explain(broken) == (
        "the connection to the database broke (got end of file during message); nothing was changed"
    )
