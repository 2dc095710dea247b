"""Read and validate a large file in a child process while this process writes it to the store.

Parsing and validation (Arrow, numpy, pandas) and the writes (Python's sqlite3 binds values row by
row) both hold the GIL for much of their time. On two threads they take turns, and whenever the
writer lets go of the GIL for a SQLite step it can wait a whole switch interval to get it back:
measured, that was slower than doing both in turn. In a child process each half has a core and a
GIL of its own. Batches cross a pipe as Arrow IPC streams, which this side maps without copying;
the pipe's small buffer keeps the child at most about a batch ahead, so memory stays bounded.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

import pyarrow as pa

from crimedesk.ingest import source
from crimedesk.ingest.prepare import Prepared, Preparer
from crimedesk.ingest.profiles.base import Profile
from crimedesk.ingest.source import FileFacts

# Never fork: the parent may run Qt or pool threads, and a forked child could inherit their locks
# held. (Tried where it was safe: the forked child was no sooner with its first batch.)
SPAWN = mp.get_context("spawn")
LEADING_BATCHES = 1  # prepared here while the child starts and parses past them


@contextmanager
def batches_read_in_process(
    facts: FileFacts, profile: Profile, encode_for_sqlite: bool
) -> Iterator[Iterator[Prepared]]:
    """The file's prepared batches, from a child process; leaving the block stops the child.

    The first batch is prepared here while the child starts (its imports take most of a second)
    and parses past it, counting its lines; so writing starts as early as it would without a child.
    The child then carries on with this side's context (the chosen date formats, the clock, the
    CRS), so every batch is prepared alike.
    """
    receiving, sending = SPAWN.Pipe(duplex=False)
    context_in, context_out = SPAWN.Pipe(duplex=False)
    settings = (source.BLOCK_SIZE, encode_for_sqlite)  # a spawned child starts from the defaults
    child = SPAWN.Process(
        target=_read,
        args=(facts, profile, settings, context_in, sending),
        name="crimedesk-reader",
        daemon=True,
    )
    child.start()
    sending.close()  # the child holds the only sending end, so its exit shows here as EOFError
    context_in.close()
    try:
        yield _here_then_child(Preparer(facts, profile), context_out, receiving, child)
    finally:
        context_out.close()
        receiving.close()
        if child.is_alive():  # cancelled or failed here: the child has nothing worth finishing
            child.terminate()
        child.join()


def _here_then_child(
    here: Preparer, context_out: Connection, receiving: Connection, child: Any
) -> Iterator[Prepared]:
    yield from here.leading(LEADING_BATCHES)
    with suppress(BrokenPipeError):  # the child is gone: receiving from it says how it ended
        context_out.send(here.context)
    yield from _received(receiving, child)


def _received(receiving: Connection, child: Any) -> Iterator[Prepared]:
    while True:
        try:
            kind, payload = receiving.recv()
            if kind == "done":
                return
            if kind == "error":
                raise payload
            if kind == "tables":
                payload.table = _table(receiving.recv_bytes())
                if payload.encoded is not None:
                    payload.encoded = replace(payload.encoded, table=_table(receiving.recv_bytes()))
        except EOFError:
            child.join()
            raise RuntimeError(
                f"the process reading the file ended unexpectedly (exit code {child.exitcode})"
            ) from None
        yield payload


def _read(
    facts: FileFacts,
    profile: Profile,
    settings: tuple[int, bool],
    context_in: Connection,
    sending: Connection,
) -> None:
    """The child: prepare the batches after the leading ones and send them; the parent raises its errors."""
    source.BLOCK_SIZE, encode = settings
    try:
        preparer = Preparer(facts, profile, encode)
        for prepared in preparer.batches(skip=LEADING_BATCHES, resume=context_in.recv):
            _send(sending, prepared)
        sending.send(("done", None))
    except BaseException as exc:  # every failure is re-raised by the parent
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
            sending.send_bytes(_ipc(part))


def _ipc(table: pa.Table) -> pa.Buffer:
    stream = pa.BufferOutputStream()
    with pa.ipc.new_stream(stream, table.schema) as writer:
        writer.write_table(table)
    return stream.getvalue()


def _table(ipc: bytes) -> pa.Table:
    return pa.ipc.open_stream(ipc).read_all()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # replaced by an error that says what it was
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
