"""A child process that dies with its parent: an orphaned import must not commit later.

On Linux the kernel sends the child SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``;
strictly, when the parent *thread* that started it ends, so start children from a thread that
outlives them). Everywhere, a daemon thread also waits for a sign that the parent is gone (a
pipe from it closing, or its process sentinel) and ends the process at once. Either way the
child's open transaction is never committed: the database rolls it back.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable
from contextlib import suppress

PR_SET_PDEATHSIG = 1
SIGKILL = 9
ORPHAN_EXIT_CODE = 70  # what the watching thread exits with (the kernel's SIGKILL shows as -9)


def die_with_parent(parent_pid: int) -> None:
    """Linux: have the kernel kill this process when ``parent_pid`` dies (call it first thing)."""
    _set_death_signal()
    if os.getppid() != parent_pid:  # it died before the death signal was set
        os._exit(ORPHAN_EXIT_CODE)


def exit_when(parent_gone: Callable[[], object]) -> None:
    """Everywhere: end this process as soon as ``parent_gone()`` returns or its pipe breaks.

    ``parent_gone`` blocks until the parent is gone (or has let go of this process).
    """
    threading.Thread(target=_exit_after, args=(parent_gone,), daemon=True).start()


def _set_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def _exit_after(parent_gone: Callable[[], object]) -> None:
    with suppress(EOFError, OSError):  # the pipe closed: the parent is gone
        parent_gone()
    os._exit(ORPHAN_EXIT_CODE)
