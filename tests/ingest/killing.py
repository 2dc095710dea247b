"""Importers in processes of their own, to kill at a chosen moment (see test_kill, test_abandoned)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
from sqlalchemy import Engine

from crimedesk.ingest.reader_process import CHILD_MODULE

ROOT = Path(__file__).resolve().parents[2]

# Prints each progress fraction on a line of its own. "direct" imports as the CLI does; "gui" as
# the import dialog does, through run_in_child (an import process under this one).
IMPORTER = """
import sys
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine

def progress(fraction, message):
    print(f"{fraction} {message}", flush=True)

url, path, how = sys.argv[1:4]
if how == "gui":
    from crimedesk.ui.runtime.child_process import run_in_child
    run_in_child(import_file, url, path, wait=True, progress=progress, cancel=lambda: False)
else:
    import_file(make_engine(url), path, wait=True, progress=progress)
print("1.0 finished", flush=True)
"""


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


_started: list[subprocess.Popen] = []


def start_importer(engine: Engine, path: Path, how: str = "direct") -> subprocess.Popen:
    """An importer process; :func:`end_importers` (run after every test) reaps it and its pipe."""
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, url_of(engine), str(path), how],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    _started.append(importer)
    return importer


def end_importers() -> None:
    """Kill the importers a test left running, wait for them and close their pipes."""
    while _started:
        importer = _started.pop()
        if importer.poll() is None:
            importer.kill()
        importer.wait(timeout=60)
        if importer.stdout is not None:
            importer.stdout.close()


def wait_for_progress(importer: subprocess.Popen, fraction: float, timeout: float = 60) -> str:
    """Read the importer's progress until it reaches ``fraction`` (not counting waits); its last line."""
    assert importer.stdout is not None
    deadline = time.monotonic() + timeout
    for line in importer.stdout:
        value, _, message = line.partition(" ")
        if float(value) >= fraction and not message.startswith("waiting"):
            return line
        assert time.monotonic() < deadline, f"no progress to {fraction} in {timeout} s"
    raise AssertionError(f"the importer ended (exit code {importer.wait()}) before {fraction}")


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return ""


def reading_children(pid: int) -> list[psutil.Process]:
    return [p for p in descendants(pid) if CHILD_MODULE in command_line(p)]


def import_children(pid: int) -> list[psutil.Process]:
    """run_in_child's process (multiprocessing's spawn), not the reading process under it."""
    return [p for p in descendants(pid) if "spawn_main" in command_line(p)]


def all_gone(processes: list[psutil.Process], timeout: float = 10) -> bool:
    _gone, alive = psutil.wait_procs(processes, timeout=timeout)
    return not alive
