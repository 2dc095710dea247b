"""Helpers for import tests: counts straight from the database."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from crimedesk.storage import reject_blocks
from crimedesk.storage.schema import imports, incidents, rejected_blocks, rejected_rows


def count(engine: Engine, table=incidents, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def import_row(engine: Engine, import_id: int):
    with engine.connect() as conn:
        return conn.execute(select(imports).where(imports.c.id == import_id)).one()


def rejections(engine: Engine, import_id: int) -> list[tuple[int, str, str]]:
    """(line number, reasons, raw text) of the import's rejects, decoded from its blocks or read
    from rejected_rows (feeds, older imports)."""
    with engine.connect() as conn:
        query = (
            select(rejected_rows.c.line_number, rejected_rows.c.reasons, rejected_rows.c.raw_text)
            .where(rejected_rows.c.import_id == import_id)
            .order_by(rejected_rows.c.line_number)
        )
        rows = [tuple(r) for r in conn.execute(query)]
        return rows + [(line, why, raw) for line, raw, why in reject_blocks.every(conn, import_id)]


def rejected_count(engine: Engine, import_id: int | None = None) -> int:
    """Rejected rows stored: rows of rejected_rows plus the rows the blocks say they hold."""
    rows = select(func.count()).select_from(rejected_rows)
    blocks = select(func.coalesce(func.sum(rejected_blocks.c.row_count), 0))
    if import_id is not None:
        rows = rows.where(rejected_rows.c.import_id == import_id)
        blocks = blocks.where(rejected_blocks.c.import_id == import_id)
    with engine.connect() as conn:
        return conn.execute(rows).scalar_one() + int(conn.execute(blocks).scalar_one())


def cancel_after(asked: int):
    """A ``cancel()`` that says yes once it has been asked more than ``asked`` times."""
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > asked

    return cancel
