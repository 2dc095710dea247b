"""Write one batch of accepted incidents: inserts, updates and their region joins."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection

from crimedesk.ingest.dedupe import KeyTracker, plan
from crimedesk.ingest.prepare import Encoded
from crimedesk.ingest.rows import DISTINCT_COLUMNS
from crimedesk.regions.join import RegionIndex, delete_incident_regions, write_region_positions
from crimedesk.storage import bulk
from crimedesk.storage.pg_binary import CopyRecords
from crimedesk.storage.sqlite_rows import encode_rows, insert_rows


@dataclass
class Written:
    inserted: int
    updated: int
    unchanged: int
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # (row position, reason)


class IncidentWriter:
    """Writes accepted rows of successive batches within one open transaction."""

    def __init__(self, conn: Connection, import_id: int, tracker: KeyTracker) -> None:
        self.conn = conn
        self.import_id = import_id
        self.tracker = tracker
        self.regions = RegionIndex.for_layers(conn)
        self.deferred: dict[int, list[tuple[np.ndarray, np.ndarray]]] | None = None

    def defer_regions(self) -> None:
        """Keep the region pairs of a bulk load for :meth:`write_deferred_regions`: written at once,
        in the table's order, they are appended rather than inserted all over it."""
        self.deferred = {index.layer_id: [] for index in self.regions}

    def write_deferred_regions(self) -> None:
        for index in self.regions:
            parts = (self.deferred or {}).get(index.layer_id)
            if parts:
                ids, positions = (np.concatenate(column) for column in zip(*parts, strict=True))
                write_region_positions(self.conn, index.layer_id, ids, positions, index.names)
        self.deferred = None

    def write(self, table: pa.Table, hashes: np.ndarray, encoded: Encoded | None = None) -> Written:
        """Store ``table`` (IMPORTED_COLUMNS, keys hashed as ``hashes``): inserts, updates, regions.

        ``encoded`` is the same table encoded for the store's bulk insert ahead of time, by the
        reading process (crimedesk.ingest.prepare.Encoder).
        """
        decided = plan(self.conn, table, self.tracker, hashes)
        every = len(decided.insert) == table.num_rows
        inserts = table if every else table.take(pa.array(decided.insert))
        if encoded is not None and not every:
            encoded = encoded.take(decided.insert)
        ids = self._insert(inserts, encoded)
        updates = table.take(pa.array(decided.update, type=pa.int64()))
        if len(decided.update_ids):
            # The key stays as it is: leaving it out spares the unique index an update per row.
            changed = updates.drop_columns(["source", "source_key"])
            stamped = changed.append_column("import_id", pa.array(np.full(updates.num_rows, self.import_id)))
            bulk.update_by_id(self.conn, "incidents", decided.update_ids, stamped)
            delete_incident_regions(self.conn, decided.update_ids)
            self._forget_deferred(decided.update_ids)
        self._join_regions(np.concatenate([ids, decided.update_ids]), pa.concat_tables([inserts, updates]))
        return Written(inserts.num_rows, decided.updated, decided.unchanged, decided.conflicts)

    def _insert(self, inserts: pa.Table, encoded: Encoded | None) -> np.ndarray:
        ids = bulk.next_ids(self.conn, "incidents", inserts.num_rows)
        if isinstance(encoded, CopyRecords):
            bulk.copy_records(self.conn, "incidents", encoded, ids, self.import_id)
            return ids
        if self.conn.dialect.name != "sqlite":
            stamped = inserts.append_column("id", pa.array(ids))
            bulk.insert_arrow(self.conn, "incidents", stamped, {"import_id": self.import_id})
            return ids
        # SQLite numbers the rows itself: max(id) + 1, ... within this write transaction.
        stamp: dict[str, object] = {"import_id": self.import_id}
        if encoded is None:
            encoded = encode_rows(inserts, distinct=DISTINCT_COLUMNS)
        rows = encoded.with_constants(stamp)
        insert_rows(self.conn, "incidents", rows)
        if len(ids) and self.conn.exec_driver_sql("SELECT max(id) FROM incidents").scalar() != ids[-1]:
            raise RuntimeError("SQLite assigned unexpected incident ids")
        return ids

    def _join_regions(self, ids: np.ndarray, rows: pa.Table) -> None:
        if not self.regions or rows.num_rows == 0:
            return
        mappable = rows.column("mappable").to_numpy(zero_copy_only=False).astype(bool)
        lon = rows.column("longitude").to_numpy(zero_copy_only=False)[mappable]
        lat = rows.column("latitude").to_numpy(zero_copy_only=False)[mappable]
        for index in self.regions:
            positions = index.positions(lon, lat)
            if self.deferred is None:
                write_region_positions(self.conn, index.layer_id, ids[mappable], positions, index.names)
            else:
                self.deferred[index.layer_id].append((ids[mappable], positions))

    def _forget_deferred(self, incident_ids: np.ndarray) -> None:
        """Drop the kept pairs of incidents that are being updated (their regions are located again)."""
        if self.deferred is None:
            return
        for layer_id, parts in self.deferred.items():
            kept = [~np.isin(ids, incident_ids) for ids, _ in parts]
            self.deferred[layer_id] = [
                (ids[k], positions[k]) for (ids, positions), k in zip(parts, kept, strict=True)
            ]
