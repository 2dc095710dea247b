"""Copy rows of one table between stores, keeping their ids, a chunk at a time."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Select, Table

from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.progress import CancelFn

CHUNK_ROWS = 5_000


def copy_rows(
    source: Connection,
    target: Connection,
    table: Table,
    query: Select,
    cancel: CancelFn,
    change: Callable[[dict], dict] | None = None,
) -> int:
    """Insert into ``target`` every row ``query`` reads from ``source`` (all of ``table``'s columns,
    ids included); ``change`` may rewrite a row first. Returns the rows copied."""
    copied = 0
    result = source.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
    for chunk in result.mappings().partitions(CHUNK_ROWS):
        if cancel():
            raise ImportCancelled("taking the slice offline was cancelled; the slice file was removed")
        rows = [dict(row) for row in chunk]
        target.execute(table.insert(), [change(row) for row in rows] if change else rows)
        copied += len(rows)
    return copied
