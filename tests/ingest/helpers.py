"""Helpers for import tests: counts straight from the database."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from crimedesk.storage.schema import imports, incidents, rejected_rows


def count(engine: Engine, table=incidents, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def import_row(engine: Engine, import_id: int):
    with engine.connect() as conn:
        return conn.execute(select(imports).where(imports.c.id == import_id)).one()


def rejections(engine: Engine, import_id: int) -> list[tuple[int, str, str]]:
    with engine.connect() as conn:
        query = (
            select(rejected_rows.c.line_number, rejected_rows.c.reasons, rejected_rows.c.raw_text)
            .where(rejected_rows.c.import_id == import_id)
            .order_by(rejected_rows.c.line_number)
        )
        return [tuple(r) for r in conn.execute(query)]


def cancel_after(asked: int):
    """A ``cancel()`` that says yes once it has been asked more than ``asked`` times."""
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > asked

    return cancel
