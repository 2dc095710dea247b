"""Write beside the destination, rename when complete: a cancelled or failed export leaves nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

#: Files SQLite-based formats (GeoPackage) may leave beside the one they write.
SIDECARS = ("-journal", "-wal", "-shm")


def written_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """``write(temporary)`` and rename the temporary file to ``out``; on any error remove it."""
    temporary = out.with_name(f".{out.stem}.partial{out.suffix}")
    _remove(temporary)
    try:
        write(temporary)
        os.replace(temporary, out)
    finally:
        _remove(temporary)


def _remove(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + tail) for tail in SIDECARS)):
        name.unlink(missing_ok=True)
