"""A process-wide setting of the SQLite library, made before Python's sqlite3 module starts it.

SQLite keeps memory-use statistics unless built without them, and takes a global mutex around
every one of its allocations to do so. Binding a string allocates, and a bulk import binds
millions: the statistics cost about a fifth of the insert time. They serve only
``sqlite3_memory_used`` and the heap limits, which crimedesk does not use; SQLite's recommended
build options turn them off (SQLITE_DEFAULT_MEMSTATUS=0), but Linux distributions ship the
library as built by default and Python links that one.

``sqlite3_config`` only works before the library initialises, which Python's sqlite3 module does
when it is first imported: ``crimedesk/__init__.py`` calls :func:`disable_memory_statistics`
first thing. It is applied where Python links the system library (Linux, x86-64, whose calling
convention lets ctypes call this variadic function); elsewhere nothing changes but speed.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

SQLITE_CONFIG_MEMSTATUS = 9
LINUX_LIBRARY = "libsqlite3.so.0"

log = logging.getLogger(__name__)


def disable_memory_statistics() -> bool:
    """Turn SQLite's memory statistics off; False if not applicable here or already too late."""
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        return False
    if "_sqlite3" in sys.modules:  # the library is initialised: sqlite3_config would be refused
        log.info("SQLite was started before crimedesk: its memory statistics stay on")
        return False
    try:
        library = ctypes.CDLL(LINUX_LIBRARY)
    except OSError as exc:  # Python built with its own SQLite: nothing to configure
        log.info("no system SQLite library to configure (%s)", exc)
        return False
    return library.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
