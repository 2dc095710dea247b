"""Write one batch of incidents: inserts, updates, region joins and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, delete

from crimedesk.ingest.dedupe import KeyTracker, plan
from crimedesk.storage import bulk
from crimedesk.storage.schema import incident_regions


@dataclass
class Written:
    inserted: int
    updated: int
    unchanged: int


class IncidentWriter:
    """Writes accepted rows of successive batches within one open transaction."""

    def __init__(self, conn: Connection, import_id: int, tracker: KeyTracker) -> None:
        from crimedesk.regions.join import RegionIndex

        self.conn = conn
        self.import_id = import_id
        self.tracker = tracker
        self.regions = RegionIndex.for_layers(conn)

    def write(self, table: pa.Table) -> Written:
        decided = plan(self.conn, table, self.tracker)
        inserts = table.take(pa.array(decided.insert))
        ids = bulk.next_ids(self.conn, "incidents", inserts.num_rows)
        stamped = inserts.append_column("id", pa.array(ids)).append_column(
            "import_id", pa.array(np.full(inserts.num_rows, self.import_id, dtype=np.int64))
        )
        bulk.insert_arrow(self.conn, "incidents", stamped)
        updates = table.take(pa.array(decided.update, type=pa.int64()))
        if len(decided.update_ids):
            updates = updates.append_column("import_id", pa.array(np.full(updates.num_rows, self.import_id)))
            bulk.update_by_id(self.conn, "incidents", decided.update_ids, updates)
            self.conn.execute(
                delete(incident_regions).where(
                    incident_regions.c.incident_id.in_(decided.update_ids.tolist())
                )
            )
        self._join_regions(
            np.concatenate([ids, decided.update_ids]),
            pa.concat_tables([inserts, updates.select(inserts.column_names)]),
        )
        return Written(inserts.num_rows, decided.updated, decided.unchanged)

    def _join_regions(self, ids: np.ndarray, rows: pa.Table) -> None:
        if not self.regions or rows.num_rows == 0:
            return
        mappable = rows.column("mappable").to_numpy(zero_copy_only=False).astype(bool)
        lon = rows.column("longitude").to_numpy(zero_copy_only=False)[mappable]
        lat = rows.column("latitude").to_numpy(zero_copy_only=False)[mappable]
        from crimedesk.regions.join import write_incident_regions

        for index in self.regions:
            write_incident_regions(self.conn, index.layer_id, ids[mappable], index.locate(lon, lat))
