"""Store validated UCR records: upsert by (year, state), counting what changed."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from crimedesk.ingest.ucr import FIELDS
from crimedesk.ingest.writer import Written
from crimedesk.storage.schema import ucr_counts


class UcrWriter:
    def __init__(self, conn: Connection, import_id: int) -> None:
        self.conn = conn
        self.import_id = import_id
        rows = conn.execute(select(ucr_counts.c.id, *(ucr_counts.c[f] for f in FIELDS))).all()
        self.stored = {(r.year, r.state_abbr): (r.id, tuple(r[1:])) for r in rows}

    def write(self, records: list[dict]) -> Written:
        inserted = updated = unchanged = 0
        for record in records:
            key, content = (record["year"], record["state_abbr"]), tuple(record[f] for f in FIELDS)
            old = self.stored.get(key)
            if old and old[1] == content:
                unchanged += 1
                continue
            values = dict(record, import_id=self.import_id)
            if old:
                self.conn.execute(update(ucr_counts).where(ucr_counts.c.id == old[0]).values(values))
                updated += 1
                row_id = old[0]
            else:
                row_id = self.conn.execute(
                    ucr_counts.insert().values(values).returning(ucr_counts.c.id)
                ).scalar_one()
                inserted += 1
            self.stored[key] = (row_id, content)
        return Written(inserted, updated, unchanged)
