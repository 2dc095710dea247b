"""Owner-only files: what crimedesk writes (stores, mirrors, caches, exports) holds incident data.

The app and the CLI set a process umask of 0o077 at start, so every file and directory they or
their child processes create is 0600/0700. Directories holding copies of the data are also
created with explicit modes here, so they stay owner-only even when the umask is not ours (crimedesk
used as a library, a child started by another program).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def use_private_umask() -> int:
    """Make everything this process and its children create owner-only; the previous umask."""
    return os.umask(PRIVATE_UMASK)


def make_private_dirs(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700 directories; existing ones are left as
    they are (a folder the user chose keeps its permissions)."""
    missing = [part for part in (path, *path.parents) if not part.is_dir()]
    for part in reversed(missing):
        try:
            part.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by another thread or process
            continue
        os.chmod(part, DIR_MODE)  # mkdir's mode passes through the umask
    return path


def private_dir(path: Path) -> Path:
    """``path`` as a 0700 directory, created if missing: for crimedesk's own directories."""
    make_private_dirs(path)
    os.chmod(path, DIR_MODE)
    return path


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 (and its missing parents 0700) unless it exists; True
    when it was created. A program opening it afterwards keeps the mode."""
    make_private_dirs(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        return False
    os.chmod(path, FILE_MODE)
    return True


def make_private(path: Path) -> None:
    """Set a file crimedesk created (by another library) to 0600."""
    os.chmod(path, FILE_MODE)
