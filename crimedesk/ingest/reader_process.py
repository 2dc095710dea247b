"""Read and validate a large file in a child process while this process writes it to the store.

Parsing and validation (Arrow, numpy) and the writes (Python's sqlite3 binds values row by row)
both hold the GIL for much of their time. On two threads they take turns, and whenever the writer
lets go of the GIL for a SQLite step it can wait a whole switch interval to get it back: measured,
that was slower than doing both in turn. In a child process each half has a core and a GIL of its
own. Batches cross a pipe as Arrow IPC streams, which this side maps without copying; the pipe's
small buffer keeps the child at most about a batch ahead, so memory stays bounded.

The child is a fresh interpreter running :mod:`crimedesk.ingest.reader_child`, not a
multiprocessing child: those first re-import the caller's main module (for the ``crimedesk``
command that is the whole CLI, over a second), and must not be started while that module is
being imported. It is never forked either: the parent may run Qt or pool threads, and a forked
child could inherit their locks held. It dies with the importer, killed or not, and ends as soon as
the importer closes its pipe (see domain.parent_death).
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from multiprocessing.connection import Connection

import pyarrow as pa

from crimedesk.domain.child_environment import child_environment
from crimedesk.domain.errors import ProcessEnded
from crimedesk.domain.explain import explain
from crimedesk.domain.parent_death import exit_when
from crimedesk.ingest import source
from crimedesk.ingest.prepare import Encoder, Prepared, Preparer
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import FileFacts

CHILD_MODULE = "crimedesk.ingest.reader_child"
LENGTH = struct.Struct("!Q")
PIPE_BYTES = 1 << 20  # Linux's default /proc/sys/fs/pipe-max-size


@contextmanager
def batches_read_in_process(
    facts: FileFacts, profile: Profile, encoder: Encoder | None
) -> Iterator[Iterator[Prepared]]:
    """The file's prepared batches, from a child process; leaving the block stops the child.

    This side meanwhile gets ready to write (region index, dropped indexes) and then writes.
    """
    child, to_child, receiving = _start_child()
    try:
        with suppress(BrokenPipeError):  # a child that died at once: receiving says how it ended
            to_child.send((facts, profile, source.BLOCK_SIZE, encoder))
        yield _received(receiving, child)
    finally:
        to_child.close()
        receiving.close()
        if child.poll() is None:  # cancelled or failed here: the child has nothing worth finishing
            child.terminate()
        child.wait()


def _start_child() -> tuple[subprocess.Popen, Connection, Connection]:
    """The child, a connection to send to it and one to receive from it."""
    to_child_read, to_child_write = os.pipe()
    from_child_read, from_child_write = os.pipe()
    _widen(from_child_read)
    # One OpenBLAS thread: nothing here multiplies matrices, and a pool's threads spin for a
    # while after start-up, taking CPU from both processes just when the first batch is due.
    env = {**child_environment(), "OPENBLAS_NUM_THREADS": "1"}
    try:
        # -P: PYTHONPATH decides which crimedesk runs, not whatever the working directory holds.
        arguments = [str(to_child_read), str(from_child_write), str(os.getpid())]
        child = subprocess.Popen(
            [sys.executable, "-P", "-m", CHILD_MODULE, *arguments],
            pass_fds=(to_child_read, from_child_write),
            env=env,
        )
    except BaseException:
        for fd in (to_child_write, from_child_read):
            os.close(fd)
        raise
    finally:  # the child holds these ends now: its exit shows here as EOFError
        os.close(to_child_read)
        os.close(from_child_write)
    return child, Connection(to_child_write, readable=False), Connection(from_child_read, writable=False)


def _widen(pipe: int) -> None:
    """Give the batches' pipe Linux's largest unprivileged buffer (1 MiB, not 64 KiB): each
    process then waits on the other sixteen times less often per byte (2 GB crossed in 1.3 s, not
    2.7). Still far below a batch, so the child stays at most about a batch ahead. Where the
    size cannot be set (other systems, a user over the kernel's pipe quota) the default stays."""
    if sys.platform != "linux":
        return
    import fcntl

    with suppress(OSError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _received(receiving: Connection, child: subprocess.Popen) -> Iterator[Prepared]:
    while True:
        try:
            kind, payload = receiving.recv()
            if kind == "done":
                return
            if kind == "error":
                raise payload
            if kind == "tables":
                payload.table = _table(_receive_table(receiving))
                if payload.encoded is not None:
                    payload.encoded = replace(payload.encoded, table=_table(_receive_table(receiving)))
        except (EOFError, OSError) as exc:  # OSError: the pipe ended in the middle of a message
            if isinstance(exc, OSError) and not _has_ended(child):
                raise
            raise ProcessEnded(
                f"the process reading the file ended unexpectedly (exit code {child.wait()});"
                " nothing was imported"
            ) from None
        yield payload


def _has_ended(child: subprocess.Popen, within: float = 5.0) -> bool:
    """Whether the child ended (waiting ``within`` seconds for it): a killed child's pipe closes
    a moment before the system reports it dead, so asking at once sometimes heard "still running"
    and the import failed with "got end of file during message" instead of the sentence below."""
    try:
        child.wait(timeout=within)
    except subprocess.TimeoutExpired:
        return False
    return True


def read(from_parent: Connection, sending: Connection) -> None:
    """The child: prepare every batch and send it; the parent raises its errors."""
    try:
        facts, profile, source.BLOCK_SIZE, encoder = from_parent.recv()
        exit_when(from_parent.recv_bytes)  # nothing more comes: its end closing means the parent let go
        for prepared in Preparer(facts, profile, encoder).batches():
            _send(sending, prepared)
        sending.send(("done", None))
    except BaseException as exc:  # every failure is re-raised by the parent
        with suppress(OSError):  # the parent is gone: nobody is left to tell
            sending.send(("error", _picklable(exc)))
    finally:
        sending.close()


def _send(sending: Connection, prepared: Prepared) -> None:
    """Small parts pickled, then the tables as Arrow IPC streams (see :func:`_received`)."""
    table, encoded = prepared.table, prepared.encoded
    if table is None:
        sending.send(("batch", prepared))
        return
    prepared.table = None
    if encoded is not None:
        prepared.encoded = replace(encoded, table=pa.table({}))
    sending.send(("tables", prepared))
    for part in (table, None if encoded is None else encoded.table):
        if part is not None:
            _send_table(sending, _ipc(part))


def _ipc(table: pa.Table) -> pa.Buffer:
    stream = pa.BufferOutputStream()
    with pa.ipc.new_stream(stream, table.schema) as writer:
        writer.write_table(table)
    return stream.getvalue()


def _table(ipc: bytearray) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(ipc)).read_all()


# Tables cross as their length and their bytes, written and read straight through the pipe:
# Connection.recv_bytes reads a pipe in 64 KB pieces through a BytesIO, allocating a buffer of the
# whole remaining size for each piece, which cost the importer five times the CPU per byte.
def _send_table(sending: Connection, ipc: pa.Buffer) -> None:
    _write_all(sending.fileno(), LENGTH.pack(ipc.size))
    _write_all(sending.fileno(), memoryview(ipc))


def _receive_table(receiving: Connection) -> bytearray:
    (size,) = LENGTH.unpack(_read_exactly(receiving.fileno(), LENGTH.size))
    return _read_exactly(receiving.fileno(), size)


def _write_all(descriptor: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _read_exactly(descriptor: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view, filled = memoryview(buffer), 0
    with io.FileIO(descriptor, closefd=False) as pipe:
        while filled < size:
            count = pipe.readinto(view[filled:])
            if not count:
                raise EOFError
            filled += count
    return buffer


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # replaced by an error that says what it was
        return RuntimeError(explain(exc))
    return exc
