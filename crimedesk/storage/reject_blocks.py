"""Rejected rows stored compactly: one ``rejected_blocks`` row per written batch of rejects.

A block holds line numbers, raw texts and reasons as a zstd-compressed Arrow IPC stream, with
its first and last line number and row count beside it. An import can reject millions of rows;
one database row per reject cost more than a stored incident and grew the store by its raw
text again on every re-import, while a block costs a few bytes per reject.

Rows are read back in line-number order (as ``rejected_rows`` was indexed): blocks whose line
ranges overlap are decoded and merged together, others are skipped by their counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, select

from crimedesk.storage.schema import rejected_blocks

if TYPE_CHECKING:  # pyarrow is imported where blocks are encoded or decoded: counting and
    import pyarrow as pa  # deleting them (`crimedesk stats`, `imports`) stay light

Reject = tuple[int | None, str, str]  # (line number, raw text, reasons), as the importer lists them
_NO_LINE = -1  # rows without a line number sort first, as SQLite orders NULLs


def encode(records: Sequence[Reject]) -> bytes:
    """The records as one compressed Arrow stream (their order kept)."""
    import pyarrow as pa

    schema = pa.schema(
        [("line_number", pa.int64()), ("raw_text", pa.large_string()), ("reasons", pa.large_string())]
    )
    lines, texts, reasons = zip(*records, strict=True)
    batch = pa.record_batch([pa.array(lines), pa.array(texts), pa.array(reasons)], schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def decode(data: bytes) -> pa.Table:
    import pyarrow as pa

    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def write(conn: Connection, import_id: int, records: Sequence[Reject]) -> None:
    """Store ``records`` as one block in the caller's transaction."""
    if not records:
        return
    lines = [line for line, _, _ in records if line is not None]
    conn.execute(
        rejected_blocks.insert().values(
            import_id=import_id,
            first_line=min(lines, default=None),
            last_line=max(lines, default=None),
            row_count=len(records),
            data=encode(records),
        )
    )


def count(conn: Connection, import_id: int) -> int:
    query = select(func.coalesce(func.sum(rejected_blocks.c.row_count), 0))
    return int(conn.execute(query.where(rejected_blocks.c.import_id == import_id)).scalar_one())


def delete_all(conn: Connection, import_id: int) -> None:
    conn.execute(delete(rejected_blocks).where(rejected_blocks.c.import_id == import_id))


@dataclass
class _Group:
    """Blocks whose line ranges overlap, so their rows interleave."""

    ids: list[int]
    first: int
    last: int
    rows: int


def _groups(conn: Connection, import_id: int) -> list[_Group]:
    c = rejected_blocks.c
    query = (
        select(c.id, c.first_line, c.last_line, c.row_count)
        .where(c.import_id == import_id)
        .order_by(func.coalesce(c.first_line, _NO_LINE), c.id)
    )
    groups: list[_Group] = []
    for block_id, first, last, rows in conn.execute(query):
        first = _NO_LINE if first is None else first
        last = _NO_LINE if last is None else last
        if groups and first <= groups[-1].last:
            group = groups[-1]
            group.ids.append(block_id)
            group.last, group.rows = max(group.last, last), group.rows + rows
        else:
            groups.append(_Group([block_id], first, last, rows))
    return groups


def _rows(conn: Connection, group: _Group) -> pa.Table:
    """The group's rows in line-number order (ties in the order they were written)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    c = rejected_blocks.c
    found = dict(conn.execute(select(c.id, c.data).where(c.id.in_(group.ids))).all())
    table = pa.concat_tables([decode(found[block_id]) for block_id in group.ids])
    order = pc.sort_indices(table, [("line_number", "ascending", "at_start")])  # a stable sort
    return table.take(order)


def page(conn: Connection, import_id: int, limit: int, offset: int = 0) -> list[Reject]:
    """``limit`` rejects from the ``offset``-th, in line-number order."""
    found: list[Reject] = []
    skipped = 0
    for group in _groups(conn, import_id):
        if skipped + group.rows <= offset:
            skipped += group.rows
            continue
        start = max(offset - skipped, 0)
        skipped += group.rows
        found += _records(_rows(conn, group).slice(start, limit - len(found)))
        if len(found) >= limit:
            break
    return found


def every(conn: Connection, import_id: int) -> Iterator[Reject]:
    """Every reject of the import, in line-number order, a group of blocks at a time."""
    for group in _groups(conn, import_id):
        yield from _records(_rows(conn, group))


def _records(table: pa.Table) -> list[Reject]:
    columns = (table.column(name).to_pylist() for name in ("line_number", "raw_text", "reasons"))
    return list(zip(*columns, strict=True))
