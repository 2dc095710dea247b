"""Run an import in a child process, so its long GIL-holding C calls cannot stall the UI thread.

:func:`import_in_process` has the usual ``(progress, cancel)`` contract: it runs on a worker
thread, relays the child's progress, turns ``cancel()`` into a stop event the child's own cancel
callable reads, and re-raises the child's exception (ImportCancelled, ImportFileError...) here.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from pathlib import Path
from typing import Any

from crimedesk.domain.progress import CancelFn, ProgressFn
from crimedesk.ingest.history import ImportResult

POLL_SECONDS = 0.05


def import_in_process(
    url: str, path: Path, profile: str | None, user: str, progress: ProgressFn, cancel: CancelFn
) -> ImportResult:
    """Import ``path`` into the store at ``url`` (password included) in a spawned process."""
    ctx = mp.get_context("spawn")
    messages: Any = ctx.Queue()
    stop = ctx.Event()
    # Not a daemon: daemonic processes may not start children, and the import reads large files in one.
    child = ctx.Process(target=_child, args=(url, str(path), profile, user, messages, stop))
    child.start()
    try:
        while True:
            if cancel():
                stop.set()
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"the import process ended unexpectedly (exit code {child.exitcode})"
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


def _child(url: str, path: str, profile: str | None, user: str, messages: Any, stop: Any) -> None:
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.storage.engine import make_engine

    engine = make_engine(url, migrate=False)
    try:
        result = import_file(
            engine,
            Path(path),
            profile=profile,
            user=user,
            progress=lambda fraction, message: messages.put(("progress", (fraction, message))),
            cancel=stop.is_set,
        )
    except Exception as exc:  # sent to the parent, which raises it
        messages.put(("error", exc))
    else:
        messages.put(("result", result))
    finally:
        engine.dispose()
