"""Rejected rows of an import: list them, or export them as CSV with their reasons (audited).

Imports store their rejects in compressed blocks (crimedesk.storage.reject_blocks); feeds,
returned offline slices and imports made before the blocks existed have ``rejected_rows``. An
import has one or the other, so each reader asks the blocks when there are any.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.storage import reject_blocks
from crimedesk.storage.schema import imports, rejected_rows


@dataclass(frozen=True)
class RejectedRow:
    line_number: int | None
    reasons: str
    raw_text: str


def _query(import_id: int):
    cols = (rejected_rows.c.line_number, rejected_rows.c.reasons, rejected_rows.c.raw_text)
    return (
        select(*cols)
        .where(rejected_rows.c.import_id == import_id)
        .order_by(rejected_rows.c.line_number, rejected_rows.c.id)
    )


def list_rejected(conn: Connection, import_id: int, limit: int = 100, offset: int = 0) -> list[RejectedRow]:
    if reject_blocks.count(conn, import_id):
        return [
            RejectedRow(line, why, raw)
            for line, raw, why in reject_blocks.page(conn, import_id, limit, offset)
        ]
    rows = conn.execute(_query(import_id).limit(limit).offset(offset))
    return [RejectedRow(*row) for row in rows]


def count_rejected(conn: Connection, import_id: int) -> int:
    query = select(func.count()).select_from(rejected_rows).where(rejected_rows.c.import_id == import_id)
    return conn.execute(query).scalar_one() + reject_blocks.count(conn, import_id)


def listed_text(conn: Connection, import_id: int, in_all: str = " in all") -> tuple[int, str]:
    """How many rows the import's list holds, and what they are: ``7 rejected in all``, or with
    the stored rows listed beside the rejected ones (conflicts, repeats, far-off points)
    ``32 listed in all: 0 rejected, 2 in conflict, 27 repeated, 3 far off``."""
    total = count_rejected(conn, import_id)
    counts = conn.execute(
        select(imports.c.conflicts, imports.c.duplicates, imports.c.far_off).where(imports.c.id == import_id)
    ).one()
    kinds = {"in conflict": counts.conflicts, "repeated": counts.duplicates, "far off": counts.far_off}
    kinds = {kind: n for kind, n in kinds.items() if n}
    if not kinds:
        return total, f"{total:,} rejected{in_all}"
    parts = [f"{total - sum(kinds.values()):,} rejected", *(f"{n:,} {kind}" for kind, n in kinds.items())]
    return total, f"{total:,} listed{in_all}: {', '.join(parts)}"


def import_exists(conn: Connection, import_id: int) -> bool:
    return conn.execute(select(imports.c.id).where(imports.c.id == import_id)).first() is not None


@requires(Action.EXPORT)
def export_rejected(engine: Engine, import_id: int, path: Path, *, user: User | None = None) -> int:
    """Write line number, reasons and raw text of every rejected row to a CSV file, in the
    transaction of its audit row (:func:`~crimedesk.auth.audit.record_export`); returns the count."""
    with engine.connect() as conn:
        total = count_rejected(conn, import_id)
    details = {"rows": total, "file": str(path)}
    audit.record_export(
        engine, "rejected_rows", import_id, details, lambda conn: _write_csv(conn, import_id, path), user=user
    )
    return total


def _write_csv(conn: Connection, import_id: int, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line_number", "reasons", "raw_text"])
        if reject_blocks.count(conn, import_id):
            writer.writerows((line, why, raw) for line, raw, why in reject_blocks.every(conn, import_id))
            return
        for row in conn.execute(_query(import_id).execution_options(yield_per=10_000)):
            writer.writerow(row)
