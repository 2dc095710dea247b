"""Write one batch of incidents: inserts, updates, region joins and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection

from crimedesk.ingest.dedupe import KeyTracker, plan
from crimedesk.ingest.rows import INCIDENT_COLUMNS
from crimedesk.regions.join import RegionIndex, delete_incident_regions, write_incident_regions
from crimedesk.storage import bulk


@dataclass
class Written:
    inserted: int
    updated: int
    unchanged: int


class IncidentWriter:
    """Writes accepted rows of successive batches within one open transaction."""

    def __init__(self, conn: Connection, import_id: int, tracker: KeyTracker) -> None:
        self.conn = conn
        self.import_id = import_id
        self.tracker = tracker
        self.regions = RegionIndex.for_layers(conn)

    def write(self, table: pa.Table, rows: list[tuple] | None = None) -> Written:
        """Store ``table`` (INCIDENT_COLUMNS); ``rows`` are its Python rows + import_id (SQLite)."""
        decided = plan(self.conn, table, self.tracker)
        inserts = table.take(pa.array(decided.insert))
        ids = self._insert(inserts, decided.insert, rows)
        updates = table.take(pa.array(decided.update, type=pa.int64()))
        if len(decided.update_ids):
            stamped = updates.append_column("import_id", pa.array(np.full(updates.num_rows, self.import_id)))
            bulk.update_by_id(self.conn, "incidents", decided.update_ids, stamped)
            delete_incident_regions(self.conn, decided.update_ids)
        self._join_regions(np.concatenate([ids, decided.update_ids]), pa.concat_tables([inserts, updates]))
        return Written(inserts.num_rows, decided.updated, decided.unchanged)

    def _insert(self, inserts: pa.Table, positions: np.ndarray, rows: list[tuple] | None) -> np.ndarray:
        ids = bulk.next_ids(self.conn, "incidents", inserts.num_rows)
        if rows is None or self.conn.dialect.name != "sqlite":
            stamped = inserts.append_column("id", pa.array(ids)).append_column(
                "import_id", pa.array(np.full(inserts.num_rows, self.import_id, dtype=np.int64))
            )
            bulk.insert_arrow(self.conn, "incidents", stamped)
            return ids
        chosen = rows if len(positions) == len(rows) else [rows[i] for i in positions.tolist()]
        bulk.insert_rows(self.conn, "incidents", [*INCIDENT_COLUMNS, "import_id"], chosen)
        if len(ids) and self.conn.exec_driver_sql("SELECT max(id) FROM incidents").scalar() != ids[-1]:
            raise RuntimeError("SQLite assigned unexpected incident ids")  # ids are max(id)+1.. in one txn
        return ids

    def _join_regions(self, ids: np.ndarray, rows: pa.Table) -> None:
        if not self.regions or rows.num_rows == 0:
            return
        mappable = rows.column("mappable").to_numpy(zero_copy_only=False).astype(bool)
        lon = rows.column("longitude").to_numpy(zero_copy_only=False)[mappable]
        lat = rows.column("latitude").to_numpy(zero_copy_only=False)[mappable]
        for index in self.regions:
            write_incident_regions(self.conn, index.layer_id, ids[mappable], index.locate(lon, lat))
