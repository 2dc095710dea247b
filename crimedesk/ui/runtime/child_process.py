"""Run a long store task in a child process, so its GIL-holding C calls cannot stall the UI thread.

Imports and boundary loads run here. Besides the GIL, a child keeps pyproj, GEOS and GDAL off the
UI process's worker threads: pyproj objects used on Qt pool threads have crashed the process.
:func:`run_in_child` has the usual ``(progress, cancel)`` contract: it runs on a worker thread,
relays the child's progress, turns ``cancel()`` into a stop event the child's own cancel callable
reads, and re-raises the child's exception (ImportCancelled, ImportFileError...) here. The child
dies with this process (see domain.parent_death): a killed GUI leaves no import to commit later.
Call it from a thread that lives until it returns, as the Linux death signal follows the thread.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections.abc import Callable
from typing import Any, TypeVar

from crimedesk.domain.errors import ProcessEnded
from crimedesk.domain.progress import CancelFn, ProgressFn

POLL_SECONDS = 0.05
T = TypeVar("T")


def run_in_child(
    task: Callable[..., T], url: str, *args: Any, progress: ProgressFn, cancel: CancelFn, **options: Any
) -> T:
    """``task(engine, *args, progress=, cancel=, **options)`` on the store at ``url`` (password included).

    ``task`` must be a module-level function (the child imports it by name).
    """
    ctx = mp.get_context("spawn")
    messages: Any = ctx.Queue()
    stop = ctx.Event()
    # Not a daemon: daemonic processes may not start children, and an import reads large files in one.
    child = ctx.Process(target=_child, args=(task, url, args, options, messages, stop))
    child.start()
    try:
        while True:
            if cancel():
                stop.set()
            # Asked before the read: a child that has ended has flushed all it sent, so an empty read
            # after it proves nothing more is coming. Asked after, it could have sent its result and
            # ended while this thread waited for the GIL, and the result would be lost.
            ended = not child.is_alive()
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if ended:
                    raise ProcessEnded(
                        f"the {_name(task)} process ended unexpectedly (exit code {child.exitcode});"
                        " its changes were rolled back"
                    ) from None
                continue
            if kind == "progress":
                progress(*payload)
            elif kind == "error":
                raise payload
            else:
                return payload
    finally:
        child.join(timeout=30)
        if child.is_alive():  # stuck past its cancel: its open transaction rolls back when it dies
            child.terminate()
            child.join()


def _name(task: Callable[..., Any]) -> str:
    return task.__name__.replace("_", " ")


def _child(task: Callable[..., Any], url: str, args: tuple, options: dict, messages: Any, stop: Any) -> None:
    from multiprocessing.connection import wait

    from crimedesk.domain.parent_death import die_with_parent, exit_when
    from crimedesk.storage.engine import make_engine

    parent = mp.parent_process()
    assert parent is not None and parent.pid is not None and parent.sentinel is not None  # spawned
    die_with_parent(parent.pid)  # a killed GUI must not leave an import that commits later
    exit_when(lambda: wait([parent.sentinel]))

    engine = make_engine(url, migrate=False)
    try:
        result = task(
            engine,
            *args,
            progress=lambda fraction, message: messages.put(("progress", (fraction, message))),
            cancel=stop.is_set,
            **options,
        )
    except Exception as exc:  # sent to the parent, which raises it
        messages.put(("error", exc))
    else:
        messages.put(("result", result))
    finally:
        engine.dispose()
