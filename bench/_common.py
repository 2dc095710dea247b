"""Shared bits for the benchmarks: data paths, child processes, and figure printing."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CRIMEDESK_SHARED_DATA", ROOT.parent / "shared" / "data"))
PG_SERVER = os.environ.get("CRIMEDESK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM of its memory map).

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries a parent's peak into a child it starts
    (``subprocess`` execs from a vfork that shares the parent's memory map), so a child started by
    a 2 GB pytest worker reports 2 GB however little it uses itself.
    """
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def children_peak_rss_mb() -> float:
    """The largest peak among this process's finished children (an import's reading process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def create_pg_database() -> tuple[str, tuple]:
    """A new, empty database on the benchmark server: its URL and a handle to drop it with."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    name = f"crimedesk_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def drop_pg_database(handle: tuple) -> None:
    from sqlalchemy import text

    admin, name = handle
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def report(**figures: object) -> None:
    """A child's result, on its last stdout line."""
    print(json.dumps(figures))


def run_child(script: Path, *args: str) -> dict:
    """Run one measurement in a fresh interpreter, so peak memory is its own."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_s"] = time.perf_counter() - started
    return figures
