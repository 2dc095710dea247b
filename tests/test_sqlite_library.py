"""SQLite's memory statistics are off in crimedesk processes (storage.sqlite_library), checked in
fresh interpreters: the setting only takes before Python's sqlite3 module starts the library."""

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64",
    reason="the setting is applied where Python links the system SQLite (Linux, x86-64)",
)

# Imports in the given order, stores some rows, and prints the library's count of memory in use
# (zero when the statistics are off) and what a late call to the setting answers.
PROBE = """
import ctypes, importlib
for name in {order!r}:
    importlib.import_module(name)
import sqlite3
from crimedesk.storage.sqlite_library import LINUX_LIBRARY, disable_memory_statistics
connection = sqlite3.connect(":memory:")
connection.execute("CREATE TABLE t (x TEXT)")
connection.executemany("INSERT INTO t VALUES (?)", [("district " * 20,)] * 1000)
memory_used = ctypes.CDLL(LINUX_LIBRARY).sqlite3_memory_used
memory_used.restype = ctypes.c_int64
print(memory_used(), disable_memory_statistics())
"""


def _probe(order: list[str]) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(order=order)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    used, late_call = run.stdout.split()
    return int(used), late_call


def test_importing_crimedesk_first_turns_the_statistics_off():
    assert _probe(["crimedesk"]) == (0, "False")


def test_a_library_already_started_keeps_them_and_is_left_alone():
    used, late_call = _probe(["sqlite3", "crimedesk"])
    assert used > 100_000 and late_call == "False"
