"""Everything crimedesk writes is owner-only (0600 files, 0700 directories), and a killed process's
run-only analytics mirror does not outlive the next start.

The end-to-end tests start fresh interpreters with the usual umask 022, as a user's shell does, so
they see what the CLI and the app set up at start, not what the test process happens to have.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.analytics.mirror_file import open_mirror_file, run_mirrors_dir, temporary_mirror_file
from crimedesk.config.private_files import create_private_file, private_dir
from crimedesk.ingest.pipeline import import_file
from crimedesk.mapping.tiles import TileCache
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)

# argv: store URL ("" for the default store), CSV to import, export folder. Runs the CLI as a user
# would, then what the app does after it: mirror copy, chart PNG, cached tile. Prints the modes of
# everything under argv[4:] while the (possibly run-only) mirror is still open.
SESSION = """
import json, os, sys
from pathlib import Path
from crimedesk.cli import app

url, csv, out, roots = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
db = ["--db", url] if url else []

def cli(*args):
    try:
        app([*args, *db])
    except SystemExit as exc:
        assert exc.code in (0, None), (args, exc.code)

cli("import", csv)
from sqlalchemy import func, select
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports
engine = make_engine(url or None)
with engine.connect() as conn:
    last = conn.execute(select(func.max(imports.c.id))).scalar_one()
cli("rejected", str(last), "--export", str(out / "rejected.csv"))

from crimedesk.analytics.mirror import AnalyticsMirror
mirror = AnalyticsMirror(engine)
assert mirror.sync()

from PySide6.QtWidgets import QApplication
qt = QApplication([])
from crimedesk.ui.widgets.chart_box import ChartBox
chart = ChartBox("chart", engine=engine)
chart.resize(400, 300)
chart.show()
qt.processEvents()
chart.export_png(out / "chart.png")
from crimedesk.mapping.tiles import TileCache
from crimedesk.ui.panes.map.map_settings import tile_cache_root
TileCache(tile_cache_root(), "https://tiles.example/{z}/{x}/{y}.png").put(1, 0, 0, b"\\x89PNG" + bytes(20))

modes = {}
for root in roots:
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            modes[path] = os.lstat(path).st_mode
print(json.dumps({"mirror": str(mirror.file.path), "modes": modes}))
mirror.close()
"""

# Opens the run-only mirror of the PostgreSQL store argv[1], prints its path, waits for stdin.
HOLD_RUN_MIRROR = """
import sys
from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.storage.engine import make_engine
mirror = AnalyticsMirror(make_engine(sys.argv[1]))
mirror.sync()
print(mirror.file.path, flush=True)
sys.stdin.read()
"""


def not_private(modes: dict[str, int]) -> list[str]:
    """``path mode`` of every file or directory that others than its owner may use."""
    return [f"{path} {stat.filemode(mode)}" for path, mode in sorted(modes.items()) if mode & 0o077]


def modes_under(*roots: Path) -> dict[str, int]:
    return {str(p): p.lstat().st_mode for root in roots for p in root.rglob("*")}


@pytest.fixture
def user_dirs(tmp_path: Path) -> dict[str, Path]:
    """Fresh XDG data, config and cache directories and a TMPDIR, none created yet."""
    home = tmp_path / "home"
    home.mkdir()
    names = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TMPDIR")
    return {name: home / name.lower() for name in names}


def run_with_umask_022(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: os.umask(0o022),
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.fixture
def broken_sample(tmp_path: Path, chicago_sample: Path) -> Path:
    """The first 40 sample rows, one with an impossible date, so the import has a rejected row."""
    lines = chicago_sample.read_text(encoding="utf-8").splitlines()[:41]
    fields = lines[3].split(",")
    fields[2] = "02/30/2017 10:00:00 AM"
    lines[3] = ",".join(fields)
    path = tmp_path / "sample.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_import_mirror_and_exports_create_only_owner_only_files(
    request, backend, user_dirs, broken_sample, tmp_path
):
    url = "" if backend == "sqlite" else request.getfixturevalue("pg_store").url.render_as_string(False)
    out = tmp_path / "exports"
    out.mkdir()
    user_dirs["TMPDIR"].mkdir(parents=True)
    env = os.environ | {k: str(v) for k, v in user_dirs.items()} | {"QT_QPA_PLATFORM": "offscreen"}
    roots = [*user_dirs.values(), out]
    result = run_with_umask_022(
        [sys.executable, "-c", SESSION, url, str(broken_sample), str(out), *map(str, roots)], env
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    mirror = Path(seen["mirror"])
    created = {Path(p).name for p in seen["modes"]}
    assert {"rejected.csv", "chart.png", "0.tile", mirror.name} <= created
    if backend == "sqlite":
        assert {"crimedesk.sqlite", "crimedesk.sqlite-wal", "crimedesk.sqlite-shm"} <= created
        assert mirror.parent == user_dirs["XDG_CACHE_HOME"] / "crimedesk" / "mirrors"
    else:  # the run-only mirror: in the user's cache, not in TMPDIR, and gone after the run
        assert mirror.parent.parent == user_dirs["XDG_CACHE_HOME"] / "crimedesk" / "run-mirrors"
        assert not mirror.exists()
    assert (out / "rejected.csv").read_text().count("\n") == 2  # header and the one rejected row
    assert not_private(seen["modes"]) == []
    assert not_private(modes_under(*roots)) == []


def test_the_app_creates_only_owner_only_files(user_dirs):
    env = os.environ | {k: str(v) for k, v in user_dirs.items()} | {"QT_QPA_PLATFORM": "offscreen"}
    user_dirs["TMPDIR"].mkdir(parents=True)
    result = run_with_umask_022([sys.executable, "main.py", "--quit-after-ms", "2500"], env)
    assert result.returncode == 0, result.stderr
    data = user_dirs["XDG_DATA_HOME"] / "crimedesk"
    assert (data / "crimedesk.sqlite").is_file()
    assert not_private(modes_under(*user_dirs.values())) == []


@pytest.fixture
def umask_022() -> Iterator[None]:
    """A permissive umask in this process: explicit modes must not depend on the app's."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_directories_and_files_whatever_the_umask(tmp_path, umask_022):
    nested = tmp_path / "a" / "b" / "store.sqlite"
    assert create_private_file(nested) and not create_private_file(nested)
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", nested)] == [0o700, 0o700, 0o600]
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    create_private_file(shared / "x.sqlite")
    assert mode(shared) == 0o755  # a folder the user chose keeps its permissions
    assert mode(private_dir(tmp_path / "own")) == 0o700


def test_store_mirror_and_tiles_are_private_whatever_the_umask(tmp_path, umask_022, chicago_sample):
    store = make_engine(f"sqlite:///{tmp_path / 'new' / 'store.sqlite'}")
    import_file(store, chicago_sample)
    files = ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"]
    assert [mode(tmp_path / "new" / name) for name in files] == [0o600] * 3
    assert mode(tmp_path / "new") == 0o700
    mirror = AnalyticsMirror(store)
    mirror.sync()
    run_only = temporary_mirror_file()
    try:
        for path in (mirror.file.path, run_only.path):
            assert (mode(path.parent), mode(path)) == (0o700, 0o600)
        assert mode(run_mirrors_dir()) == 0o700
    finally:
        mirror.close()
        run_only.db.close()
        run_only.temporary.cleanup()
        store.dispose()
    cache = TileCache(tmp_path / "tiles", "https://tiles.example/{z}/{x}/{y}.png")
    cache.put(3, 1, 2, PNG)
    tile = cache.path(3, 1, 2)
    assert [mode(p) for p in (tile, tile.parent, tile.parent.parent, tmp_path / "tiles")] == [
        0o600,
        0o700,
        0o700,
        0o700,
    ]


@pytest.mark.postgres
def test_a_killed_process_run_only_mirror_is_removed_at_the_next_start(pg_store, chicago_sample):
    import_file(pg_store, chicago_sample)
    url = pg_store.url.render_as_string(hide_password=False)
    holders = [
        subprocess.Popen(
            [sys.executable, "-c", HOLD_RUN_MIRROR, url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    killed, alive = holders
    paths = [Path(holder.stdout.readline().strip()) for holder in holders]
    assert all(path.is_file() for path in paths)
    assert all(path.parent.parent == run_mirrors_dir() for path in paths)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert paths[0].is_file()  # nothing could delete it
    with pg_store.connect() as conn:
        assert conn.execute(select(imports.c.id)).first() is not None
    opened = open_mirror_file(make_url(url))  # the next start
    try:
        assert not paths[0].parent.exists()
        assert paths[1].is_file()  # a running process keeps its mirror
    finally:
        opened.db.close()
        opened.temporary.cleanup()
        alive.stdin.close()
        alive.wait(timeout=30)
        for holder in holders:
            holder.stdout.close()
        killed.stdin.close()
    assert not paths[1].parent.exists()  # and deletes it when it ends
