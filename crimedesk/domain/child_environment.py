"""The environment of the app's helper interpreters (the file reader, the mirror's SQLite reader)."""

from __future__ import annotations

import os
from pathlib import Path

import crimedesk

CHILD_VARIABLES = frozenset({"PATH", "HOME", "LANG", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "USERPROFILE"})


def child_environment() -> dict[str, str]:
    """Only what an interpreter needs (paths, locale, temporary files, Windows' system root), never
    ``CRIMEDESK_DB`` or any other variable that may hold a password; and this process's crimedesk
    first on ``PYTHONPATH``, so a child started with ``-P`` runs the same code even when it is not
    installed."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name.upper() in CHILD_VARIABLES or (name.startswith(("LC_", "PYTHON")) and "KEYRING" not in name)
    }
    package_root = str(Path(crimedesk.__file__).resolve().parents[1])
    return {**kept, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, kept.get("PYTHONPATH")]))}
