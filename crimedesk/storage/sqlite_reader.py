"""A SQLite query's rows as Arrow batches, read by a child process (crimedesk.storage.sqlite_arrow_child).

The child is a fresh interpreter (never forked: the parent may run Qt or pool threads whose locks
a fork would copy held) with only the environment an interpreter needs, no password-bearing
variable. Its batches cross the pipe as one Arrow IPC stream; the pipe's small buffer keeps it at
most about a batch ahead, so memory stays bounded. Stopping early (cancel, an error, a generator
closed) kills it; it also dies with this process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterator
from typing import IO

import pyarrow as pa

from crimedesk.domain.child_environment import child_environment
from crimedesk.domain.errors import ProcessEnded
from crimedesk.domain.progress import CancelFn, check_cancel

CHILD_MODULE = "crimedesk.storage.sqlite_arrow_child"


def read_in_child(
    path: str, sql: str, schema: pa.Schema, batch_rows: int, cancel: CancelFn
) -> Generator[pa.RecordBatch]:
    """The rows of ``sql`` on the SQLite file ``path`` as batches of ``schema`` of up to
    ``batch_rows`` rows; ``cancel`` is checked between batches."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would stop the child
        child = subprocess.Popen(
            [sys.executable, "-P", "-m", CHILD_MODULE, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=child_environment(),
        )
        sending, receiving = child.stdin, child.stdout
        assert sending is not None and receiving is not None
        try:
            with sending:
                pickle.dump((path, sql, schema, batch_rows), sending)
            yield from _batches(child, receiving, errors, cancel)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            receiving.close()


def _batches(
    child: subprocess.Popen, receiving: IO[bytes], errors: IO[bytes], cancel: CancelFn
) -> Iterator[pa.RecordBatch]:
    try:
        for batch in pa.ipc.open_stream(receiving):
            check_cancel(cancel)
            yield batch
    except pa.ArrowInvalid:  # the stream ended early: the child failed, its stderr says why
        pass
    else:
        if child.wait() == 0:
            return
    errors.seek(0)
    raise ProcessEnded(
        f"the process copying the store for the analytics mirror ended (exit code {child.wait()}): "
        + _exception(errors.read().decode(errors="replace"))
    )


def _exception(stderr: str) -> str:
    """The exception a Python traceback ends with (all its lines), else the last line."""
    lines = stderr.strip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    after = frames[-1] + 1 if frames else max(len(lines) - 1, 0)
    message = [line for line in lines[after:] if not line.startswith(" ")]
    return " ".join(message)[:1000] or "no message"
